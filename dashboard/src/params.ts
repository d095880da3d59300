// Query and path parameter checks. Every value that reaches a query is validated here first, and
// anything malformed, repeated or oversized is refused with a 400 before the database is touched.
import type { Request } from 'express';
import { badRequest } from './http-error.ts';

const MAX_PARAM_LENGTH = 200;
const MAX_RUN_IDS = 64;
const DEFAULT_POINTS = 500;
const MAX_POINTS = 10_000;
const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;

type Query = Record<string, unknown>;

/** One string value of a query parameter; undefined when absent. Repeated or nested values are refused. */
export function optionalString(query: Query, name: string, maxLength = MAX_PARAM_LENGTH): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name}: expected one value`);
  if (value.length > maxLength) throw badRequest(`${name}: longer than ${maxLength} characters`);
  return value;
}

export function requiredString(query: Query, name: string, maxLength = MAX_PARAM_LENGTH): string {
  const value = optionalString(query, name, maxLength);
  if (value === undefined || value === '') throw badRequest(`${name}: required`);
  return value;
}

function parseSweepId(value: string, name = 'sweep'): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw badRequest(`${name}: expected a positive integer sweep id`);
  return Number(value);
}

function parseRunId(value: string, name = 'run'): string {
  if (!RUN_ID.test(value)) throw badRequest(`${name}: expected a run id (letters, digits, - and _)`);
  return value;
}

/** A comma-separated list of distinct run ids, at most MAX_RUN_IDS of them. */
export function parseRunIds(value: string, name = 'runs'): string[] {
  const ids = [...new Set(value.split(','))];
  if (ids.length > MAX_RUN_IDS) throw badRequest(`${name}: at most ${MAX_RUN_IDS} run ids`);
  return ids.map((id) => parseRunId(id, name));
}

/** The longest a ?runs= list may be: MAX_RUN_IDS ids of 80 characters and their commas. */
export const MAX_RUN_IDS_LENGTH = MAX_RUN_IDS * 81;

export function parseInteger(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,6}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw badRequest(`${name}: expected an integer from ${min} to ${max}`);
  }
  return Number(value);
}

export function parseChoice<T extends string>(
  value: string | undefined,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw badRequest(`${name}: expected one of ${choices.join(', ')}`);
  return value as T;
}

/** The :id of a /api/sweeps/:id route. */
/** How many sweeps one view may join (#/sweep/1+2+3). */
export const MAX_JOINED = 8;

/**
 * The sweep a route names: one id, or several joined by "+" (sweeps side by side, see
 * union.ts): distinct, at most MAX_JOINED, in the order given.
 */
export function parseSweepKey(value: string, name = 'sweep'): SweepKey {
  const ids = value.split('+').map((part) => parseSweepId(part, name));
  if (new Set(ids).size !== ids.length || ids.length > MAX_JOINED)
    throw badRequest(`${name}: expected distinct sweep ids joined by +, at most ${MAX_JOINED}`);
  return ids.length === 1 ? ids[0] : ids;
}

/** One sweep's id, or the ids of sweeps viewed side by side. */
export type SweepKey = number | number[];

export const sweepIdOf = (req: Request) => parseSweepKey(String(req.params.id), 'sweep id');

/** The :id of a /api/runs/:id route. */
export const runIdOf = (req: Request) => parseRunId(String(req.params.id), 'run id');

/** ?points=N: the most points a downsampled series may keep. */
export const pointsOf = (req: Request) =>
  parseInteger(optionalString(req.query, 'points'), 'points', 2, MAX_POINTS, DEFAULT_POINTS);

/** ?version=N: the read of the sweep the page shows (see SweepWithRuns.version); a malformed one is ignored. */
export function versionOf(req: Request): number | undefined {
  const version = Number(optionalString(req.query, 'version'));
  return Number.isSafeInteger(version) ? version : undefined;
}
