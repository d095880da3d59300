export interface PruneDecision {
  rule: string;
  metric: string;
  rung: number;
  value: number | null;
  threshold: number | null;
}
export function describePrune(decision: PruneDecision): string;
export function describePrunedAt(decision: PruneDecision): string;
