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
