// The wasm kernels' memory and what lives in it: a first-fit allocator over one shared
// WebAssembly.Memory, whose blocks are either a call's scratch (operands copied in, packed panels)
// or resident arrays, Float32Arrays that view the memory itself, so the kernels read and write them
// in place and no call copies them (a model's parameters, gradients and optimizer state).
//
// Why shared: growing an unshared memory detaches its ArrayBuffer and with it every view, which
// would break each resident array at the first grow. A shared memory grows in place, and the views
// made before a grow stay valid.
//
// Why its own allocator: the well-kept ones (emscripten's dlmalloc, @thi.ng/malloc) keep their
// bookkeeping inside the buffer at fixed places or are compiled into the module; this one is a
// sorted free list of 64-byte-aligned blocks in JavaScript, grows the memory when nothing fits,
// and frees a resident array when its owner releases it (Sequential.dispose) or, failing that,
// when the garbage collector collects it (a FinalizationRegistry on each).
//
// A resident array is recognized by identity, the very Float32Array handed out: a subarray or any
// other view of its memory is copied like any other array, and must not outlive the array it came
// from (its memory is reused once that array is released or collected). So an array released twice
// frees nothing the second time, even when its memory has gone to a new array since.

export const ALIGN = 64; // bytes: every block starts on a cache line (and so on whole f32x4 vectors)
const PAGE = 65536;
// Bytes of resident arrays one heap holds before new ones fall back to plain (copied) arrays: an
// array nobody releases is freed only when the collector collects it, which may be late (to V8 it
// is a small object; a loop building models without disposing them reaches this limit).
const RESIDENT_LIMIT = 512 * 2 ** 20;

export const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/** A free block: bytes [start, end). */
interface Free {
  start: number;
  end: number;
}

export class WasmHeap {
  /** All of memory as floats (float index = byte address / 4); replaced after every grow. */
  floats: Float32Array;
  // Sorted by start, never touching each other (release merges neighbours).
  private readonly free: Free[] = [];
  // Bytes in use or free below this; above it, the memory is untouched. Starts past one line, so
  // no block has address 0 (the matmul reads a bias address of 0 as no bias).
  private top = ALIGN;
  private readonly sizes = new Map<number, number>(); // block address -> bytes
  private readonly addresses = new WeakMap<Float32Array, number>(); // live resident array -> address
  private residentBytes = 0;
  private readonly collector = new FinalizationRegistry<number>((at) => this.releaseResident(at));

  constructor(
    readonly memory: WebAssembly.Memory,
    private readonly residentLimit = RESIDENT_LIMIT,
  ) {
    this.floats = this.refresh();
  }

  /** A zeroed block of at least `bytes` bytes; returns its byte address (never 0). */
  allocate(bytes: number): number {
    const size = roundUp(Math.max(bytes, 1), ALIGN);
    const i = this.free.findIndex((f) => f.end - f.start >= size);
    let at: number;
    if (i >= 0) {
      const block = this.free[i];
      at = block.start;
      block.start += size;
      if (block.start === block.end) this.free.splice(i, 1);
    } else {
      // A free block that ends at the top is extended rather than left behind.
      const last = this.free.at(-1);
      if (last && last.end === this.top) {
        this.free.pop();
        this.top = last.start;
      }
      at = this.top;
      this.top += size;
      const missing = this.top - this.memory.buffer.byteLength;
      if (missing > 0) {
        this.memory.grow(Math.ceil(missing / PAGE));
        this.floats = this.refresh();
      }
    }
    this.sizes.set(at, size);
    this.floats.fill(0, at / 4, (at + size) / 4);
    return at;
  }

  /** Returns the block at `at` (from allocate) to the free list. */
  release(at: number): void {
    const size = this.sizes.get(at);
    if (size === undefined) throw new Error(`WasmHeap.release: no block at ${at}`);
    this.sizes.delete(at);
    let i = 0;
    while (i < this.free.length && this.free[i].start < at) i++;
    const block = { start: at, end: at + size };
    const before = this.free[i - 1];
    const after = this.free[i];
    if (before?.end === block.start) {
      before.end = block.end;
      if (after?.start === before.end) {
        before.end = after.end;
        this.free.splice(i, 1);
      }
    } else if (after?.start === block.end) after.start = block.start;
    else this.free.splice(i, 0, block);
  }

  /**
   * n zeroed floats the kernels use in place: a view of this memory, freed when it is collected;
   * a plain array once the limit's bytes are resident.
   */
  residentArray(n: number): Float32Array {
    const bytes = roundUp(Math.max(n * 4, 1), ALIGN);
    if (n === 0 || this.residentBytes + bytes > this.residentLimit) return new Float32Array(n);
    const at = this.allocate(bytes);
    this.residentBytes += bytes;
    const array = new Float32Array(this.memory.buffer, at, n);
    this.addresses.set(array, at);
    this.collector.register(array, at, array);
    return array;
  }

  /**
   * Frees a resident array now rather than when it is collected (any other array is left alone):
   * for its owner to call when done, since the collector, seeing a small object, may take long.
   * The array must not be used afterwards: its memory goes to the next allocation.
   */
  releaseArray(x: Float32Array): void {
    const at = this.addressOf(x);
    if (at === undefined) return;
    this.addresses.delete(x);
    this.collector.unregister(x);
    this.releaseResident(at);
  }

  /** The byte address of a resident array of this heap, or undefined for any other array. */
  addressOf(x: Float32Array): number | undefined {
    return this.addresses.get(x);
  }

  /** Bytes below the top (in use or free) and bytes of resident arrays: for tests and benches. */
  usage(): { heap: number; resident: number } {
    return { heap: this.top, resident: this.residentBytes };
  }

  private releaseResident(at: number): void {
    this.residentBytes -= this.sizes.get(at) ?? 0;
    this.release(at);
  }

  private refresh(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }
}
