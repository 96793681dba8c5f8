// Fast paths of the fused layer normalization and its gradient on float32 (assembly/layer-norm.ts):
// rows split across threads; the weight's and bias's gradients, sums over all rows, in a second
// job that splits the columns instead, so each column still sums its rows in order whatever the
// split (and equals the reference bit for bit).
import { numelOf } from '../../tensor/shape.js';
import { f32, ELEMS_PER_PART, type FastPath, type FastPaths } from './engine.js';

/** Rows a thread takes at least: ~ELEMS_PER_PART elements (three to four passes over each). */
const minRows = (D: number): number => Math.max(1, Math.ceil(ELEMS_PER_PART / (4 * Math.max(D, 1))));

const layerNorm: FastPath<'layerNorm'> = (e, [x, w, b], out, { eps }) => {
  if (!f32(x!, w!, b!, out)) return false;
  const D = numelOf(w!.shape);
  const R = D === 0 ? 0 : numelOf(x!.shape) / D;
  if (R === 0) return true;
  e.parallel('layerNormF32', { total: R, align: 1, minPart: minRows(D), range: ['r0', 'r1'] },
    { x: e.ptr(x!), w: e.ptr(w!), b: e.ptr(b!), out: e.ptr(out), D, eps });
  return true;
};

const layerNormGrad: FastPath<'layerNormGrad'> = (e, [x, w, g], out, { eps }) => {
  if (!f32(x!, w!, g!, out)) return false;
  const D = numelOf(w!.shape);
  const R = D === 0 ? 0 : numelOf(x!.shape) / D;
  if (16 * D > e.scratchBytes) return false; // a thread's running column sums must fit its scratch: the reference runs it
  const po = e.ptr(out);
  const n = R * D;
  if (R === 0) {
    e.ex.zeroFill(po, 8 * D); // dw and db: sums over no rows (wasm outputs are not zeroed)
    return true;
  }
  const stats = e.temp(16 * R); // each row's μ and rstd (f64), from the row job for the column job
  try {
    const px = e.ptr(x!), pg = e.ptr(g!);
    e.parallel('layerNormGradRowsF32', { total: R, align: 1, minPart: minRows(D), range: ['r0', 'r1'] },
      { x: px, w: e.ptr(w!), g: pg, dx: po, stats: stats.ptr, D, eps });
    e.parallel('layerNormGradColumnsF32', { total: D, align: 4, minPart: Math.max(4, Math.ceil(ELEMS_PER_PART / R)), range: ['c0', 'c1'] },
      { x: px, g: pg, stats: stats.ptr, dw: po + 4 * n, db: po + 4 * (n + D), R, D });
  } finally {
    stats.release();
  }
  return true;
};

export const NORM_PATHS = { layerNorm, layerNormGrad } satisfies FastPaths;
