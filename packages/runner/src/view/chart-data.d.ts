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
export function lineDataset(
  label: string,
  points: ChartPoint[],
  color: string,
  options?: { dashed?: boolean; endMark?: boolean },
): LineDataset;
export function bandDatasets(
  label: string,
  epochs: number[],
  means: Array<number | null>,
  stds: Array<number | null>,
  color: string,
): LineDataset[];
