export function formatValue(value: unknown): string;
export function formatParam(path: string, value: unknown): string;
export function shortNames(paths: readonly string[]): string[];
