// Fast paths of the fused LSTM cell and its gradient on float32 (assembly/lstm.ts): rows split
// across threads once a step is big enough to pay for waking one.
import { numelOf } from '../../tensor/shape.js';
import { ELEMS_PER_PART, f32, TRANS_PER_PART, type FastPath, type FastPaths } from './engine.js';

/** Rows per thread at least: ~TRANS_PER_PART transcendentals (5 per element of the state). */
const minRows = (H: number): number => Math.max(1, Math.ceil(TRANS_PER_PART / (5 * Math.max(H, 1))));

const lstmCell: FastPath<'lstmCell'> = (e, [pre, c], out) => {
  if (!f32(pre!, c!, out)) return false;
  const H = c!.shape[c!.shape.length - 1]!;
  const n = numelOf(c!.shape);
  if (H === 0) return true;
  e.parallel('lstmCellF32', { total: n / H, align: 1, minPart: minRows(H), range: ['r0', 'r1'] }, { pre: e.ptr(pre!), c: e.ptr(c!), out: e.ptr(out), n, H, save: numelOf(out.shape) === 7 * n ? 1 : 0 });
  return true;
};

/** Rows per thread for the gradient: products only, ~16 flops an element of the state. */
const minRowsGrad = (H: number): number => Math.max(1, Math.ceil(ELEMS_PER_PART / (4 * Math.max(H, 1))));

const lstmCellGrad: FastPath<'lstmCellGrad'> = (e, [a, c, g], out) => {
  if (!f32(a!, c!, g!, out)) return false;
  const H = c!.shape[c!.shape.length - 1]!;
  const n = numelOf(c!.shape);
  if (H === 0) return true;
  e.parallel('lstmCellGradF32', { total: n / H, align: 1, minPart: minRowsGrad(H), range: ['r0', 'r1'] }, { a: e.ptr(a!), c: e.ptr(c!), g: e.ptr(g!), out: e.ptr(out), n, H });
  return true;
};

export const RECURRENT_PATHS = { lstmCell, lstmCellGrad } satisfies FastPaths;
