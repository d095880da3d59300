export interface GridRow {
  levels: string[];
  value: number;
}
export interface BalancedGrid {
  levels: string[][];
  rows: GridRow[];
  replicates: number;
  droppedLevels: Array<{ factor: number; level: string }>;
  droppedRows: number;
  /** The cells of the full grid (every level seen) without a row, as a level per factor. */
  missingCells: string[][];
}
export interface AnovaEffect {
  /** Indices of the factors: one (a main effect), two (a pair), or all (higher-order remainder). */
  factors: number[];
  ss: number;
  df: number;
  ms: number;
  f: number | null;
  p: number | null;
  eta2: number;
}
export interface AnovaTable {
  effects: AnovaEffect[];
  residual: { ss: number; df: number; ms: number | null };
  total: { ss: number; df: number };
}
export function fSurvival(f: number, d1: number, d2: number): number;
export function balanceGrid(factorCount: number, rows: GridRow[]): BalancedGrid;
export function factorialAnova(levels: string[][], rows: GridRow[]): AnovaTable;

/** One factor of a sweep's analysis: an axis of its grid (see sweepFactors). */
export interface SweepFactor {
  /** The paths joined by "/": "model.hidden", "train.lr/train.batchSize". */
  name: string;
  paths: string[];
  kind: 'grid' | 'link' | 'sample';
}
/** The part of a sweep config's `sweep` section that lays out its axes. */
export interface SweepAxesSpec {
  grid?: Record<string, unknown[]>;
  link?: Array<Record<string, unknown[]>>;
  sample?: { params: Record<string, unknown> };
}
export interface FactorEffect {
  /** The names of the factors: one (a main effect), two (a pair), or all (higher-order remainder). */
  factors: string[];
  higherOrder: boolean;
  ss: number;
  df: number;
  f: number | null;
  p: number | null;
  eta2: number;
}
export interface FactorAnalysis {
  /** Runs in the balanced grid. */
  runs: number;
  /** Runs per cell (the seeds). */
  replicates: number;
  /** What was left out to get a full, balanced grid. */
  dropped: {
    /** How many cells of the full grid had no run. */
    cells: number;
    /** Levels left out because some of their cells had no run. */
    levels: Array<{ factor: string; level: string }>;
    /** Runs left out with those levels, or beyond the fewest seeds a cell has. */
    runs: number;
  };
  /** Largest eta2 first. */
  effects: FactorEffect[];
  residual: { ss: number; df: number };
  total: { ss: number; df: number };
  /** Why nothing could be analysed, naming the factors and cells at fault; null when something was. */
  reason: string | null;
}
export function sweepFactors(spec: SweepAxesSpec | undefined, varying: readonly string[]): SweepFactor[];
export function factorLabels(factors: readonly SweepFactor[]): string[];
export function analyseFactors(
  factors: readonly SweepFactor[],
  runs: ReadonlyArray<{ params: Record<string, unknown>; value: number }>,
): FactorAnalysis;
