export type Params = Record<string, unknown>;
export function flatten(value: unknown, prefix?: string, into?: Params): Params;
export function sameValue(a: unknown, b: unknown): boolean;
export function configDiff(a: unknown, b: unknown): Array<{ path: string; a: unknown; b: unknown }>;
export function differingKeys(paramsList: Params[]): string[];
export function legendLabels(paramsList: Params[], fallbacks?: string[]): string[];
