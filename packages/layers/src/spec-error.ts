// A bad config object, with the key it concerns as data: callers that know where the object came
// from (the runner's YAML) point at their own key, without reading the message.
import type { z } from 'zod';

/** A key path inside one config object: ["hidden", 1] for hidden[1]. */
export type SpecPath = readonly (string | number)[];

export class SpecError extends Error {
  override name = 'SpecError';

  constructor(
    /** Which object was checked ("model", "optimizer"): the message's first word. */
    readonly root: string,
    /** The key at fault, relative to that object ([] for the object itself). */
    readonly path: SpecPath,
    /** What was expected, without the key. */
    readonly reason: string,
  ) {
    super(
      `${root}${path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('')}: ${reason}`,
    );
  }
}

/** Parses value with schema, turning the first issue into a SpecError. */
export function parseSpec<T extends z.ZodType>(root: string, schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new SpecError(root, issue.path as (string | number)[], issue.message);
}
