// Reference kernel of maxPoolIndex (max pooling's window argmax), and the window map it walks,
// shared with the wasm and WebGPU kernels: for each output position, its taps' offsets into one
// input plane. Taps on padding are left out of the map, so a window's first real tap is where its
// search starts, as in PyTorch's max_pool (a window of −∞ points at its first real tap).
import { AxonError } from '../../errors.js';
import type { PrimAttrs } from '../prims.js';
import type { KView } from './kernels.js';
import { byGeometry, tapOffset, unravel } from './im2col.js';

/**
 * For tap r (row-major over the kernel) and output position l (row-major over outputSize):
 * map[r·width + l] is the flat offset into one input plane, or −1 where the tap is on padding or
 * past the input (the ceil-mode window). `width` is `windows` rounded up to a multiple of 4 (the
 * wasm kernel takes four windows at a time), the extra entries −1. Every window has at least one
 * real tap: the frontend keeps padding at most half the kernel and starts windows inside the input.
 */
export interface PoolMap { map: Int32Array; taps: number; windows: number; width: number }

export const poolMap = byGeometry((spatial: readonly number[], a: PrimAttrs['maxPoolIndex']) => buildMap(spatial, a));

function buildMap(spatial: readonly number[], a: PrimAttrs['maxPoolIndex']): PoolMap {
  const nd = spatial.length;
  const taps = a.kernel.reduce((x, y) => x * y, 1);
  const windows = a.outputSize.reduce((x, y) => x * y, 1);
  const width = Math.ceil(windows / 4) * 4;
  const map = new Int32Array(width * taps).fill(-1);
  const oIdx = new Array<number>(nd).fill(0);
  const kIdx = new Array<number>(nd).fill(0);
  for (let l = 0; l < windows; l++) {
    unravel(l, a.outputSize, oIdx);
    let real = 0;
    for (let r = 0; r < taps; r++) {
      unravel(r, a.kernel, kIdx);
      const off = tapOffset(spatial, a, oIdx, kIdx);
      map[r * width + l] = off;
      if (off >= 0) real++;
    }
    if (real === 0) {
      throw new AxonError('maxPoolIndex', `window ${l} of output ${JSON.stringify(a.outputSize)} has no tap inside the input ${JSON.stringify(spatial)} (kernel ${JSON.stringify(a.kernel)}, padding ${JSON.stringify(a.padding)}); an Axon bug: the frontend checks the geometry`);
    }
  }
  return { map, taps, windows, width };
}

/** (N, C, *spatial) → (N, C, *outputSize) int32: the plane offset of each window's first maximum (its last NaN if any). */
export function maxPoolIndexKernel([x]: readonly KView[], out: KView, attrs: PrimAttrs['maxPoolIndex']): void {
  const [n, c] = x!.shape as [number, number];
  const spatial = x!.shape.slice(2);
  const plane = spatial.reduce((p, q) => p * q, 1);
  const { map, taps, windows, width } = poolMap(spatial, attrs);
  const src = x!.data;
  const o = out.data;
  for (let p = 0; p < n * c; p++) {
    const base = p * plane;
    for (let l = 0; l < windows; l++) {
      let best = -1;
      let bv = 0;
      for (let r = 0; r < taps; r++) {
        const m = map[r * width + l]!;
        if (m < 0) continue;
        const v = src[base + m]!;
        if (best < 0 || v > bv || v !== v) { best = m; bv = v; } // a later NaN takes it again, as in PyTorch
      }
      o[p * windows + l] = best;
    }
  }
}
