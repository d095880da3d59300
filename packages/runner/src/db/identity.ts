// Content hashes, the identity of runs and sweep versions in a results store: the same config gives
// the same id whatever the key order in the YAML.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../view/canonical.js';
import type { StoredRunConfig } from './records.ts';

/** sha256 of the canonical JSON, hex, first 16 characters. */
export function hashConfig(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/**
 * Runs with equal data specs train on one dataset, found under this key, and the sweeps table
 * records each dataset's fingerprint under it.
 */
export function dataKeyOf(config: StoredRunConfig): string {
  return JSON.stringify(config.data);
}
