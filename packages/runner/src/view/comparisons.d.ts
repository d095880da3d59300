export function holm(pValues: number[]): number[];
export function cohensD(a: number[], b: number[]): number | null;
