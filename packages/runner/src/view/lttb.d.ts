export function lttb(points: Array<[number, number]>, threshold: number): Array<[number, number]>;
