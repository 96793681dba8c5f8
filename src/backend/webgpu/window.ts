// unfold (im2col), fold (col2im) and max pooling's window argmax for any number of spatial dims,
// from the reference's maps (uploaded once per geometry): unfold reads one tap per output element;
// fold gives each output element the list of taps that land on it (the map inverted on the host,
// in increasing order) and sums them in that order — deterministic, no atomics; maxPoolIndex walks
// each window's taps in the reference's order.
import type { TensorView } from '../backend.js';
import type { PrimAttrs } from '../prims.js';
import { gatherMap, type GatherMap } from '../ts/im2col.js';
import { poolMap } from '../ts/max-pool.js';
import type { Gpu } from './gpu.js';
import { bindings, grid1d, main1d, scalarOf } from './wgsl.js';

export function unfold(gpu: Gpu, x: TensorView, out: TensorView, attrs: PrimAttrs['unfold']): void {
  const t = scalarOf('unfold', out.dtype);
  const spatial = x.shape.slice(2);
  const plane = spatial.reduce((p, q) => p * q, 1);
  const gm = gatherMap(spatial, attrs);
  const n = out.storage.size;
  const code = () => `${bindings([['X', `array<${t}>`, false], ['G', 'array<i32>', false], ['O', `array<${t}>`, true]])}
${main1d(`  let per = u32(P[1]);
  let m = G[i % per];
  O[i] = select(${t}(0), X[(i / per) * u32(P[2]) + u32(max(m, 0))], m >= 0);`)}`;
  gpu.dispatch(`unfold:${t}`, code, [x, gpu.table(gm.map)], [out], [n, gm.rows * gm.cols, plane], grid1d(n));
}

/** For each plane position, the gather-map entries (r·cols + l) that read it: CSR offsets then entries. */
const INVERSE = new WeakMap<GatherMap, Int32Array>();
function inverse(gm: GatherMap, plane: number): Int32Array {
  let inv = INVERSE.get(gm);
  if (inv === undefined) {
    const counts = new Int32Array(plane + 1);
    for (const m of gm.map) if (m >= 0) counts[m + 1]!++;
    for (let q = 0; q < plane; q++) counts[q + 1]! += counts[q]!;
    inv = new Int32Array(plane + 1 + counts[plane]!);
    inv.set(counts);
    const fill = counts.slice(0, plane);
    gm.map.forEach((m, j) => { if (m >= 0) inv![plane + 1 + fill[m]!++] = j; });
    INVERSE.set(gm, inv);
  }
  return inv;
}

export function fold(gpu: Gpu, cols: TensorView, out: TensorView, attrs: PrimAttrs['fold']): void {
  const t = scalarOf('fold', out.dtype);
  const spatial = out.shape.slice(2);
  const plane = spatial.reduce((p, q) => p * q, 1);
  const gm = gatherMap(spatial, attrs);
  const inv = inverse(gm, plane);
  const n = out.storage.size;
  const code = () => `${bindings([['X', `array<${t}>`, false], ['G', 'array<i32>', false], ['O', `array<${t}>`, true]])}
${main1d(`  let plane = u32(P[1]);
  let q = i % plane;
  let base = (i / plane) * u32(P[2]);
  var acc = ${t}(0);
  for (var e = G[q]; e < G[q + 1u]; e++) { acc = acc + X[base + u32(G[plane + 1u + u32(e)])]; }
  O[i] = acc;`)}`;
  gpu.dispatch(`fold:${t}`, code, [cols, gpu.table(inv)], [out], [n, plane, gm.rows * gm.cols], grid1d(n));
}

/** One invocation per output window: the plane offset of its first maximum (the last NaN if any; padding skipped). */
export function maxPoolIndex(gpu: Gpu, x: TensorView, out: TensorView, attrs: PrimAttrs['maxPoolIndex']): void {
  scalarOf('maxPoolIndex', x.dtype); // float64 is refused with the backend's message
  const spatial = x.shape.slice(2);
  const plane = spatial.reduce((p, q) => p * q, 1);
  const pm = poolMap(spatial, attrs);
  const n = out.storage.size;
  const code = () => `${bindings([['X', 'array<f32>', false], ['G', 'array<i32>', false], ['O', 'array<i32>', true]])}
${main1d(`  let windows = u32(P[1]);
  let l = i % windows;
  let base = (i / windows) * u32(P[2]);
  var best = -1;
  var bv = 0.0f;
  for (var r = 0u; r < u32(P[3]); r++) {
    let m = G[r * u32(P[4]) + l];
    if (m < 0) { continue; }
    let v = X[base + u32(m)];
    if (best < 0 || v > bv || ax_isnan(v)) { best = m; bv = v; }
  }
  O[i] = best;`)}`;
  gpu.dispatch('maxPoolIndex', code, [x, gpu.table(pm.map)], [out], [n, pm.windows, plane, pm.taps, pm.width], grid1d(n));
}
