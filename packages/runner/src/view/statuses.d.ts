export const ENDED_STATUSES: ReadonlyArray<'finished' | 'diverged' | 'stalled'>;
export const NO_RESULT_STATUSES: ReadonlyArray<'diverged' | 'stalled'>;
export const EVALUATED_STATUSES: ReadonlyArray<'finished' | 'stalled'>;
export function withoutResult(counts: { diverged: number; stalled: number }, separator?: string): string;
