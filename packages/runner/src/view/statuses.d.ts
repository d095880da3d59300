export const ENDED_STATUSES: ReadonlyArray<'finished' | 'diverged' | 'stalled'>;
export const NO_RESULT_STATUSES: ReadonlyArray<'diverged' | 'stalled' | 'pruned'>;
export const EVALUATED_STATUSES: ReadonlyArray<'finished' | 'stalled'>;
export function withoutResult(
  counts: { diverged: number; stalled: number; pruned: number },
  separator?: string,
): string;
