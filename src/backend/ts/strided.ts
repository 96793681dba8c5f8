// Strided iteration helpers shared by the reference kernels: walk an output shape in row-major
// order while tracking the matching offset into up to three inputs with their own strides.
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { numelOf } from '../../tensor/shape.js';

/** Calls `f(oi, i0)` for each element: `oi` the row-major output index, `i0` the strided input offset. */
export function walk1(shape: Shape, st0: readonly number[], off0: number, f: (oi: number, i0: number) => void): void {
  const n = numelOf(shape);
  if (n === 0) return;
  const nd = shape.length;
  if (nd === 0) { f(0, off0); return; }
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1;
  const inner = shape[last]!;
  const s0 = st0[last]!;
  let i0 = off0;
  for (let oi = 0; oi < n; ) {
    for (let j = 0; j < inner; j++) f(oi++, i0 + j * s0);
    for (let d = last - 1; d >= 0; d--) {
      idx[d]!++;
      i0 += st0[d]!;
      if (idx[d]! < shape[d]!) break;
      i0 -= st0[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** Strided copy: out[row-major] = src[off + Σ idx·st]. */
export function stridedCopy(src: TypedArray, st: readonly number[], off: number, shape: Shape, out: TypedArray): void {
  walk1(shape, st, off, (oi, i0) => { out[oi] = src[i0]!; });
}

/** Binary map over broadcast strides with a tight inner loop. */
export function map2(
  shape: Shape, a: TypedArray, sa: readonly number[], b: TypedArray, sb: readonly number[],
  out: TypedArray, f: (x: number, y: number) => number,
): void {
  const n = numelOf(shape);
  if (n === 0) return;
  const nd = shape.length;
  if (nd === 0) { out[0] = f(a[0]!, b[0]!); return; }
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1;
  const inner = shape[last]!;
  const ia = sa[last]!;
  const ib = sb[last]!;
  let pa = 0;
  let pb = 0;
  for (let oi = 0; oi < n; ) {
    if (ia === 1 && ib === 1) for (let j = 0; j < inner; j++) out[oi++] = f(a[pa + j]!, b[pb + j]!);
    else if (ia === 0 && ib === 1) { const x = a[pa]!; for (let j = 0; j < inner; j++) out[oi++] = f(x, b[pb + j]!); }
    else if (ia === 1 && ib === 0) { const y = b[pb]!; for (let j = 0; j < inner; j++) out[oi++] = f(a[pa + j]!, y); }
    else for (let j = 0; j < inner; j++) out[oi++] = f(a[pa + j * ia]!, b[pb + j * ib]!);
    for (let d = last - 1; d >= 0; d--) {
      idx[d]!++;
      pa += sa[d]!;
      pb += sb[d]!;
      if (idx[d]! < shape[d]!) break;
      pa -= sa[d]! * shape[d]!;
      pb -= sb[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** Ternary map over broadcast strides (used by `where`). */
export function map3(
  shape: Shape, a: TypedArray, sa: readonly number[], b: TypedArray, sb: readonly number[],
  c: TypedArray, sc: readonly number[], out: TypedArray, f: (x: number, y: number, z: number) => number,
): void {
  const n = numelOf(shape);
  if (n === 0) return;
  const nd = shape.length;
  if (nd === 0) { out[0] = f(a[0]!, b[0]!, c[0]!); return; }
  const idx = new Array<number>(nd).fill(0);
  let pa = 0; let pb = 0; let pc = 0;
  for (let oi = 0; oi < n; oi++) {
    out[oi] = f(a[pa]!, b[pb]!, c[pc]!);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      pa += sa[d]!; pb += sb[d]!; pc += sc[d]!;
      if (idx[d]! < shape[d]!) break;
      pa -= sa[d]! * shape[d]!; pb -= sb[d]! * shape[d]!; pc -= sc[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
