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
export function gatherMap(spatial: readonly number[], a: WindowAttrs): GatherMap {
  // A training loop asks for the same few geometries every step: keep the last maps.
  const key = `${spatial.join(',')}|${a.kernel.join(',')}|${a.stride.join(',')}|${a.padding.join(',')}|${a.dilation.join(',')}`;
  let m = MAPS.get(key);
  if (m === undefined) {
    m = buildMap(spatial, a);
    if (MAPS.size >= 64) MAPS.delete(MAPS.keys().next().value!);
    MAPS.set(key, m);
  }
  return m;
}

export interface GatherMap { map: Int32Array; rows: number; cols: number }
const MAPS = new Map<string, GatherMap>();

function buildMap(spatial: readonly number[], a: WindowAttrs): GatherMap {
  const nd = spatial.length;
  const outs = spatial.map((n, i) => windowCount(n, a.kernel[i]!, a.stride[i]!, a.padding[i]!, a.dilation[i]!));
  const rows = a.kernel.reduce((x, y) => x * y, 1);
  const cols = outs.reduce((x, y) => x * y, 1);
  const map = new Int32Array(rows * cols);
  const kIdx = new Array<number>(nd).fill(0);
  const oIdx = new Array<number>(nd).fill(0);
  for (let r = 0; r < rows; r++) {
    let rem = r;
    for (let i = nd - 1; i >= 0; i--) { kIdx[i] = rem % a.kernel[i]!; rem = Math.floor(rem / a.kernel[i]!); }
    for (let l = 0; l < cols; l++) {
      let lr = l;
      for (let i = nd - 1; i >= 0; i--) { oIdx[i] = lr % outs[i]!; lr = Math.floor(lr / outs[i]!); }
      let off = 0;
      for (let i = 0; i < nd; i++) {
        const at = oIdx[i]! * a.stride[i]! - a.padding[i]! + kIdx[i]! * a.dilation[i]!;
        if (at < 0 || at >= spatial[i]!) { off = -1; break; }
        off = off * spatial[i]! + at;
      }
      map[r * cols + l] = off;
    }
  }
  return { map, rows, cols };
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
