import type { WelchResult } from './stats.js';
export function holm(pValues: number[]): number[];
export function cohensD(a: number[], b: number[]): number | null;
export interface PairTest<Cell> {
  a: Cell;
  b: Cell;
  test: WelchResult | null;
  d: number | null;
  holm: number | null;
}
export function pairwiseTests<Cell extends { values: number[] }>(
  cells: readonly Cell[],
): Array<PairTest<Cell>>;
