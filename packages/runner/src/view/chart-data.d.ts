export function colorAt(index: number): string;
export function heatColor(t: number): { background: string; color: string };
export interface ChartPoint {
  x: number;
  y: number | null;
}
/** A Chart.js line dataset (band datasets carry band and hideInLegend for the dashboard's filters). */
export interface LineDataset {
  label: string;
  data: ChartPoint[];
  [option: string]: unknown;
}
export type EndMark = 'stopped' | 'pruned';
export const END_MARKS: Record<EndMark, { pointStyle: string; key: string }>;
export function endMarkOf(status: string, epochsDone: number, epochsPlanned: number): EndMark | null;
export function lineDataset(
  label: string,
  points: ChartPoint[],
  color: string,
  options?: { dashed?: boolean; endMark?: EndMark | null },
): LineDataset;
export const THRESHOLD_KEY: string;
export function thresholdTicks(
  label: string,
  rungs: Array<{ rung: number; thresholds: number[] }>,
): LineDataset;
export function bandDatasets(
  label: string,
  epochs: number[],
  means: Array<number | null>,
  stds: Array<number | null>,
  color: string,
): LineDataset[];
