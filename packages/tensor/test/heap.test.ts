// The wasm heap: its allocator, the resident arrays' lifetimes, and that growing the shared memory
// leaves every view valid.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ALIGN, WasmHeap } from '../src/wasm/heap.ts';

const memory = () => new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });

describe('WasmHeap', () => {
  it('never hands out address 0, aligns blocks, reuses and merges released ones', () => {
    const heap = new WasmHeap(memory());
    const [a, b, c] = [100, 200, 300].map((bytes) => heap.allocate(bytes));
    expect(a).toBeGreaterThan(0);
    for (const at of [a, b, c]) expect(at % ALIGN).toBe(0);
    expect(b).toBe(a + 128);
    heap.release(b);
    expect(heap.allocate(150)).toBe(b); // first fit: b's block again
    heap.release(b);
    heap.release(a);
    // a and b merged: 320 bytes fit where a was, below c
    expect(heap.allocate(320)).toBe(a);
    expect(() => heap.release(a + 1)).toThrow(/no block/);
  });

  it('zeroes what it allocates, even memory used before', () => {
    const heap = new WasmHeap(memory());
    const at = heap.allocate(64);
    heap.floats.fill(7, at / 4, at / 4 + 16);
    heap.release(at);
    expect(heap.allocate(64)).toBe(at);
    expect(Array.from(heap.floats.subarray(at / 4, at / 4 + 16))).toEqual(new Array(16).fill(0));
  });

  it('keeps resident arrays valid across a grow of the memory', () => {
    const heap = new WasmHeap(memory());
    const x = heap.residentArray(10);
    x.set([1, 2, 3]);
    const before = heap.memory.buffer.byteLength;
    heap.allocate(4 << 20); // several pages more
    expect(heap.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(Array.from(x.subarray(0, 4))).toEqual([1, 2, 3, 0]);
    expect(heap.addressOf(x)).toBe(x.byteOffset);
    // ... and the heap's own view sees the same memory
    expect(heap.floats[x.byteOffset / 4 + 2]).toBe(3);
  });

  it('recognizes only its own resident arrays, the very arrays it handed out', () => {
    const heap = new WasmHeap(memory());
    const other = new WasmHeap(memory());
    const x = heap.residentArray(12);
    expect(heap.addressOf(x)).toBe(x.byteOffset);
    expect(heap.addressOf(x.subarray(1))).toBeUndefined();
    expect(heap.addressOf(new Float32Array(12))).toBeUndefined();
    expect(heap.addressOf(other.residentArray(12))).toBeUndefined();
    expect(heap.addressOf(new Float32Array(heap.memory.buffer, heap.allocate(48), 12))).toBeUndefined();
    expect(heap.addressOf(new Float32Array(x.buffer, x.byteOffset, x.length))).toBeUndefined(); // a copy of the view
  });

  it('frees a released array at once and gives its memory to the next one', () => {
    const heap = new WasmHeap(memory());
    const x = heap.residentArray(1000);
    expect(heap.usage().resident).toBe(4032);
    heap.releaseArray(x);
    heap.releaseArray(x); // twice, or an array not its own: nothing happens
    heap.releaseArray(new Float32Array(3));
    expect(heap.usage().resident).toBe(0);
    expect(heap.addressOf(x)).toBeUndefined();
    const y = heap.residentArray(1000);
    expect(y.byteOffset).toBe(x.byteOffset);
    heap.releaseArray(x); // released again once its memory is y's: y stays
    expect(heap.addressOf(y)).toBe(y.byteOffset);
    expect(heap.usage().resident).toBe(4032);
  });

  it('frees the arrays nobody holds when they are collected', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heap = new WasmHeap(memory());
    const kept = heap.residentArray(100);
    (() => {
      for (let i = 0; i < 50; i++) heap.residentArray(10_000);
    })();
    expect(heap.usage().resident).toBeGreaterThan(50 * 40_000);
    for (let i = 0; i < 20 && heap.usage().resident > 448; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(heap.usage().resident).toBe(448); // the one still held
    expect(heap.addressOf(kept)).toBe(kept.byteOffset);
  });

  it('hands out plain arrays past its resident limit', () => {
    const heap = new WasmHeap(memory(), 1024);
    const x = heap.residentArray(200); // 832 bytes: resident
    const y = heap.residentArray(100); // 448 more: over the limit
    expect(heap.addressOf(x)).toBe(x.byteOffset);
    expect(y.buffer).not.toBe(heap.memory.buffer);
    expect(heap.addressOf(y)).toBeUndefined();
    expect(y.length).toBe(100);
    expect(heap.residentArray(0).length).toBe(0);
  });
});
