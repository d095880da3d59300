export interface EarlyStopRule {
  metric: 'val_loss' | 'val_acc';
  patience: number;
  minDelta: number;
  restoreBest: boolean;
}
export function earlyStopState(
  values: Array<number | null>,
  rule: Pick<EarlyStopRule, 'metric' | 'patience' | 'minDelta'>,
): { best: number; stop: boolean };
export function keptEpoch(
  epochs: ReadonlyArray<{ val_loss: number | null; val_acc: number | null }>,
  earlyStop: EarlyStopRule | null | undefined,
): number;
export function describeTestEpoch(testEpoch: number, epochs: number, planned: number): string;
export function stoppedEarly(status: string, epochsDone: number, epochsPlanned: number): boolean;
