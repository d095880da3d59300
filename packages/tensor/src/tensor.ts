// Tensor: a float32 buffer with a row-major shape. Deliberately thin: the kernels work on the raw
// Float32Array, the Tensor only carries the shape and checks it.
import type { Rng } from './rng.ts';

export type Shape = readonly number[];

type Nested = number | readonly Nested[];

export class Tensor {
  constructor(
    readonly data: Float32Array,
    readonly shape: Shape,
  ) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape ${formatShape(shape)}`);
    }
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new Error(
        `data of length ${data.length} does not fit shape ${formatShape(shape)} (size ${size})`,
      );
    }
  }

  static zeros(shape: Shape): Tensor {
    return new Tensor(new Float32Array(sizeOf(shape)), shape);
  }

  /** From nested arrays (shape inferred), a typed array (a vector), a number, or flat values and a shape. */
  static from(values: Nested | ArrayLike<number>, shape?: Shape): Tensor {
    if (shape !== undefined) return new Tensor(Float32Array.from(values as ArrayLike<number>), shape);
    if (typeof values === 'number') return new Tensor(Float32Array.of(values), []);
    if (!Array.isArray(values))
      return new Tensor(Float32Array.from(values as ArrayLike<number>), [values.length]);
    const inferred: number[] = [];
    let level: Nested = values as Nested;
    while (Array.isArray(level)) {
      inferred.push(level.length);
      level = level[0] as Nested;
    }
    const flat = (values as unknown[]).flat(Infinity) as number[];
    if (flat.length !== sizeOf(inferred)) throw new Error(`ragged nested array: cannot infer a shape`);
    return new Tensor(Float32Array.from(flat), inferred);
  }

  /** Uniform draws in [lo, hi). */
  static uniform(shape: Shape, rng: Rng, lo = 0, hi = 1): Tensor {
    const t = Tensor.zeros(shape);
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniformIn(lo, hi);
    return t;
  }

  get size(): number {
    return this.data.length;
  }

  /** Rows of a 2-D tensor. */
  get rows(): number {
    return this.shape[0];
  }

  /** Columns of a 2-D tensor (1 for a vector). */
  get cols(): number {
    return this.shape.length > 1 ? this.shape[1] : 1;
  }

  /** Rows [start, end) of a 2-D tensor, sharing memory with this one (no copy). */
  rowView(start: number, end: number): Tensor {
    const cols = this.size / (this.shape[0] || 1);
    if (start < 0 || end > this.shape[0] || start > end) {
      throw new Error(`rowView(${start}, ${end}) out of range for shape ${formatShape(this.shape)}`);
    }
    return new Tensor(this.data.subarray(start * cols, end * cols), [end - start, ...this.shape.slice(1)]);
  }

  /** Same data, new shape of the same size (no copy). */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.data, shape);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  get(...index: number[]): number {
    let offset = 0;
    for (let d = 0; d < this.shape.length; d++) offset = offset * this.shape[d] + index[d];
    return this.data[offset];
  }

  /** Nested arrays, for tests and JSON. */
  toArray(): Nested {
    const build = (dim: number, offset: number): Nested => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `(${shape.join(', ')})`;
}
