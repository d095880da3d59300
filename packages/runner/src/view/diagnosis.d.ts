export interface StallRule {
  epochs: number;
  tolerance: number;
}
export const STALL: StallRule;
export const VANISHING_GRAD_STD: number;
export const DEAD_RELU_FRACTION: number;
export const SMALL_UPDATE_RATIO: number;
export function stallOf(
  losses: ReadonlyArray<number | null>,
  rule?: Partial<StallRule>,
): { from: number; to: number; moved: number; first: number; last: number } | null;
export interface DiagnosisInput {
  status: string;
  trainLoss: ReadonlyArray<number | null>;
  layers: ReadonlyArray<{
    name: string;
    grad_std: number;
    act_mean: number;
    act_std: number;
    update_ratio?: number | null;
    dead_fraction?: number | null;
  }>;
  outputActivation: unknown;
  classes: number | null;
  lr: number;
  stall?: Partial<StallRule>;
}
export interface Diagnosis {
  verdict: 'stalled';
  cause: 'vanishing gradients' | 'dead ReLU' | 'too small a step' | 'plateau';
  sentence: string;
  statistic: {
    name: 'grad_std' | 'act_std' | 'dead_fraction' | 'update_ratio';
    values: Record<string, number>;
  };
}
export function diagnose(run: DiagnosisInput): Diagnosis | null;
