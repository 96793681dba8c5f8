// Reference kernels of the sliding-window primitives: unfold (im2col) and its adjoint fold
// (col2im), for any number of spatial dims. Both walk one precomputed gather map.
import type { PrimAttrs, WindowAttrs } from '../prims.js';
import type { KView } from './kernels.js';

/** Window positions along one dim: ⌊(size + 2p − d·(k−1) − 1) / s⌋ + 1. */
export function windowCount(size: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/**
 * For every kernel offset r (row-major over the kernel dims) and window position l (row-major over
 * the output positions): the flat offset into one input plane, or −1 where the tap falls on padding.
 */
export const gatherMap = byGeometry((spatial: readonly number[], a: WindowAttrs) => buildMap(spatial, a));

export interface GatherMap { map: Int32Array; rows: number; cols: number }

/**
 * `build` memoized on the input's spatial size and the window's geometry (kernel, stride, padding,
 * dilation, and outputSize when the attributes have one): a training loop asks for the same few
 * geometries every step, so the last 64 maps are kept.
 */
export function byGeometry<A extends WindowAttrs, M>(build: (spatial: readonly number[], a: A) => M): (spatial: readonly number[], a: A) => M {
  const maps = new Map<string, M>();
  return (spatial, a) => {
    const out = (a as { outputSize?: readonly number[] }).outputSize ?? [];
    const key = [spatial, a.kernel, a.stride, a.padding, a.dilation, out].map((v) => v.join(',')).join('|');
    let m = maps.get(key);
    if (m === undefined) {
      m = build(spatial, a);
      if (maps.size >= 64) maps.delete(maps.keys().next().value!);
      maps.set(key, m);
    }
    return m;
  };
}

function buildMap(spatial: readonly number[], a: WindowAttrs): GatherMap {
  const nd = spatial.length;
  const outs = spatial.map((n, i) => windowCount(n, a.kernel[i]!, a.stride[i]!, a.padding[i]!, a.dilation[i]!));
  const rows = a.kernel.reduce((x, y) => x * y, 1);
  const cols = outs.reduce((x, y) => x * y, 1);
  const map = new Int32Array(rows * cols);
  const kIdx = new Array<number>(nd).fill(0);
  const oIdx = new Array<number>(nd).fill(0);
  for (let r = 0; r < rows; r++) {
    unravel(r, a.kernel, kIdx);
    for (let l = 0; l < cols; l++) {
      unravel(l, outs, oIdx);
      map[r * cols + l] = tapOffset(spatial, a, oIdx, kIdx);
    }
  }
  return { map, rows, cols };
}

/** The row-major multi-index of flat index i over dims, written into `into`. */
export function unravel(i: number, dims: readonly number[], into: number[]): void {
  for (let d = dims.length - 1; d >= 0; d--) { into[d] = i % dims[d]!; i = Math.floor(i / dims[d]!); }
}

/** The flat offset into one input plane of kernel tap kIdx of the window at output position oIdx, or −1 on padding. */
export function tapOffset(spatial: readonly number[], a: WindowAttrs, oIdx: readonly number[], kIdx: readonly number[]): number {
  let off = 0;
  for (let i = 0; i < spatial.length; i++) {
    const at = oIdx[i]! * a.stride[i]! - a.padding[i]! + kIdx[i]! * a.dilation[i]!;
    if (at < 0 || at >= spatial[i]!) return -1;
    off = off * spatial[i]! + at;
  }
  return off;
}

/** (N, C, *spatial) → (N, C·∏k, L): out[n, c·∏k + r, l] = x[n, c, tap(r, l)] (0 on padding). */
export function unfoldKernel([x]: readonly KView[], out: KView, attrs: PrimAttrs['unfold']): void {
  const [n, c] = x!.shape as [number, number];
  const spatial = x!.shape.slice(2);
  const plane = spatial.reduce((p, q) => p * q, 1);
  const { map, rows, cols } = gatherMap(spatial, attrs);
  const src = x!.data;
  const o = out.data;
  for (let nc = 0; nc < n * c; nc++) {
    const ib = nc * plane;
    const ob = nc * rows * cols;
    for (let j = 0; j < rows * cols; j++) {
      const m = map[j]!;
      o[ob + j] = m < 0 ? 0 : src[ib + m]!;
    }
  }
}

/** (N, C·∏k, L) → (N, C, *outputSize): the adjoint of unfold, overlapping taps summed (in float64). */
export function foldKernel([cols]: readonly KView[], out: KView, attrs: PrimAttrs['fold']): void {
  const [n, c] = out.shape as [number, number];
  const spatial = out.shape.slice(2);
  const plane = spatial.reduce((p, q) => p * q, 1);
  const { map, rows, cols: l } = gatherMap(spatial, attrs);
  const src = cols!.data;
  const o = out.data;
  const acc = new Float64Array(plane);
  for (let nc = 0; nc < n * c; nc++) {
    acc.fill(0);
    const ib = nc * rows * l;
    for (let j = 0; j < rows * l; j++) {
      const m = map[j]!;
      if (m >= 0) acc[m]! += src[ib + j]!;
    }
    for (let i = 0; i < plane; i++) o[nc * plane + i] = acc[i]!;
  }
}
