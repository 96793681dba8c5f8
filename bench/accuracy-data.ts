// The data both sides of `npm run bench -- --to-accuracy` share (to-accuracy.ts, torch_accuracy.py):
// the seeded draws (epoch orders, ±2 px shifts, batch offsets), the shift itself, and a folder of
// raw little-endian arrays plus meta.json that the PyTorch child reads with numpy. No TensorFlow.js
// here, so the root tsconfig compiles it and test/unit/bench tests it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Generator } from '../src/tensor/random.js';

export type BenchArray = Float32Array | Int32Array;

/** One array of the shared folder: `<name>.bin` holds `data` row-major, little-endian. */
export interface Entry { data: BenchArray; shape: number[] }

interface Meta { arrays: Record<string, { dtype: 'float32' | 'int32'; shape: number[] }>; info: Record<string, number> }

/** Fisher–Yates order of 0..n−1 from `g` (the same stream gives the same order on every run). */
export function drawPermutation(n: number, g: Generator): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Per-sample shifts in [−maxShift, maxShift], interleaved (dy0, dx0, dy1, dx1, …): (n, 2). */
export function drawShifts(n: number, maxShift: number, g: Generator): Int32Array {
  const s = new Int32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) s[i] = g.int(-maxShift, maxShift + 1);
  return s;
}

/** `count` integers in [0, high): batch start offsets. */
export function drawOffsets(count: number, high: number, g: Generator): Int32Array {
  return Int32Array.from({ length: count }, () => g.int(0, high));
}

/**
 * Shift each of the `n` single-channel h×w images of `x` by its (dy, dx) from `shifts`: out[r][q] =
 * x[r − dy][q − dx], `fill` where that falls outside. The PyTorch side gets the same pixels by
 * padding 2 with `fill` and cropping at (2 − dy, 2 − dx), so the augmentation matches exactly.
 * Shape: x (n·h·w) → same.
 */
export function shiftImages(x: Float32Array, n: number, h: number, w: number, shifts: Int32Array, fill: number): Float32Array {
  const out = new Float32Array(n * h * w).fill(fill);
  for (let i = 0; i < n; i++) {
    const dy = shifts[2 * i]!;
    const dx = shifts[2 * i + 1]!;
    const base = i * h * w;
    for (let r = Math.max(0, dy); r < Math.min(h, h + dy); r++) {
      const from = base + (r - dy) * w;
      const to = base + r * w;
      for (let q = Math.max(0, dx); q < Math.min(w, w + dx); q++) out[to + q] = x[from + q - dx]!;
    }
  }
  return out;
}

/** Copy rows `idx` of the row-major array `src` (rows of `row` values) into one array: (len(idx), row). */
export function gatherRows<T extends BenchArray>(src: T, row: number, idx: ArrayLike<number>): T {
  const out = new (src.constructor as new (n: number) => T)(idx.length * row);
  for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i]! * row, (idx[i]! + 1) * row), i * row);
  return out;
}

/** Write `arrays` as `<name>.bin` and their dtypes, shapes and the scalars `info` as meta.json into `dir`. */
export function writeArrays(dir: string, arrays: Record<string, Entry>, info: Record<string, number> = {}): void {
  mkdirSync(dir, { recursive: true });
  const meta: Meta = { arrays: {}, info };
  for (const [name, { data, shape }] of Object.entries(arrays)) {
    if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new Error(`${name}: shape ${JSON.stringify(shape)} does not hold ${data.length} values`);
    // Float32Array/Int32Array are platform-endian; every platform Node runs the bench on is little-endian.
    writeFileSync(path.join(dir, `${name}.bin`), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    meta.arrays[name] = { dtype: data instanceof Float32Array ? 'float32' : 'int32', shape };
  }
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
}

/** Read back what writeArrays wrote (the reader torch_accuracy.py mirrors with numpy.fromfile). */
export function readArrays(dir: string): { arrays: Record<string, Entry>; info: Record<string, number> } {
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  const arrays: Record<string, Entry> = {};
  for (const [name, { dtype, shape }] of Object.entries(meta.arrays)) {
    const bytes = readFileSync(path.join(dir, `${name}.bin`));
    const copy = new Uint8Array(bytes).buffer; // aligned for the typed-array view
    arrays[name] = { data: dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy), shape };
  }
  return { arrays, info: meta.info };
}
