// Reference kernel of maxPoolIndex (max pooling's window argmax), and the window map it walks,
// shared with the wasm and WebGPU kernels: for each output position, its taps' offsets into one
// input plane. Taps on padding are left out of the map, so a window's first real tap is where its
// search starts, as in PyTorch's max_pool (a window of −∞ points at its first real tap).
import { AxonError } from '../../errors.js';
import type { PrimAttrs } from '../prims.js';
import type { KView } from './kernels.js';

/**
 * For tap r (row-major over the kernel) and output position l (row-major over outputSize):
 * map[r·width + l] is the flat offset into one input plane, or −1 where the tap is on padding or
 * past the input (the ceil-mode window). `width` is `windows` rounded up to a multiple of 4 (the
 * wasm kernel takes four windows at a time), the extra entries −1. Every window has at least one
 * real tap: the frontend keeps padding at most half the kernel and starts windows inside the input.
 */
export interface PoolMap { map: Int32Array; taps: number; windows: number; width: number }

const MAPS = new Map<string, PoolMap>();

export function poolMap(spatial: readonly number[], a: PrimAttrs['maxPoolIndex']): PoolMap {
  // A training loop asks for the same few geometries every step: keep the last maps.
  const key = `${spatial.join(',')}|${a.kernel.join(',')}|${a.stride.join(',')}|${a.padding.join(',')}|${a.dilation.join(',')}|${a.outputSize.join(',')}`;
  let m = MAPS.get(key);
  if (m === undefined) {
    m = buildMap(spatial, a);
    if (MAPS.size >= 64) MAPS.delete(MAPS.keys().next().value!);
    MAPS.set(key, m);
  }
  return m;
}

function buildMap(spatial: readonly number[], a: PrimAttrs['maxPoolIndex']): PoolMap {
  const nd = spatial.length;
  const taps = a.kernel.reduce((x, y) => x * y, 1);
  const windows = a.outputSize.reduce((x, y) => x * y, 1);
  const width = Math.ceil(windows / 4) * 4;
  const map = new Int32Array(width * taps).fill(-1);
  const oIdx = new Array<number>(nd).fill(0);
  const kIdx = new Array<number>(nd).fill(0);
  for (let l = 0; l < windows; l++) {
    let lr = l;
    for (let i = nd - 1; i >= 0; i--) { oIdx[i] = lr % a.outputSize[i]!; lr = Math.floor(lr / a.outputSize[i]!); }
    let real = 0;
    for (let r = 0; r < taps; r++) {
      let rr = r;
      for (let i = nd - 1; i >= 0; i--) { kIdx[i] = rr % a.kernel[i]!; rr = Math.floor(rr / a.kernel[i]!); }
      let off = 0;
      for (let i = 0; i < nd; i++) {
        const at = oIdx[i]! * a.stride[i]! - a.padding[i]! + kIdx[i]! * a.dilation[i]!;
        if (at < 0 || at >= spatial[i]!) { off = -1; break; }
        off = off * spatial[i]! + at;
      }
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
