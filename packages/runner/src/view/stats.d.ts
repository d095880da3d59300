export interface WelchResult {
  t: number;
  df: number;
  p: number;
  difference: number;
}
export function mean(values: number[]): number;
export function std(values: number[]): number;
export function logGamma(x: number): number;
export function regularizedIncompleteBeta(x: number, a: number, b: number): number;
export function studentTCdf(t: number, df: number): number;
export function studentTQuantile(probability: number, df: number): number;
export function welchTTest(a: number[], b: number[]): WelchResult | null;
export function bootstrapDifferenceCI(
  a: number[],
  b: number[],
  options?: { resamples?: number; confidence?: number; seed?: number },
): { low: number; high: number; difference: number } | null;
export function smoothEma(values: Array<number | null>, weight: number): Array<number | null>;
