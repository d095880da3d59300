export const WINNER_LEVEL: number;
export interface WinnerInput {
  key: string;
  label: string;
  values: number[];
}
export interface GroupStanding {
  key: string;
  label: string;
  n: number;
  mean: number;
  std: number;
}
export interface HonestWinner {
  level: number;
  /** The best group with its confidence interval of the mean; null with the reason why none. */
  winner: (GroupStanding & { low: number; high: number }) | null;
  /** Groups the Holm-corrected tests cannot separate from the winner, p the corrected p-value. */
  ties: Array<GroupStanding & { p: number }>;
  /** Groups that differ from the winner at the level. */
  behind: Array<GroupStanding & { p: number }>;
  /** Groups of one finished seed: shown, never compared. */
  untested: GroupStanding[];
  reason: string | null;
}
export type Standing = 'winner' | 'tied' | 'behind' | 'one seed';
export function honestWinner(groups: readonly WinnerInput[], level?: number): HonestWinner;
export function winnerLines(result: HonestWinner, metric: string): string[];
export function standingOf(result: HonestWinner, key: string): Standing | null;
