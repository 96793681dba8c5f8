// Fast paths of the fused GELU (with its slope when a gradient will be needed) on float32
// (assembly/gelu.ts): one pass over the elements, split across threads like the other transcendental maps; and of the fused softmax over
// the last dim and its gradient (assembly/softmax.ts), rows split across threads.
import { numelOf } from '../../tensor/shape.js';
import { f32, TRANS_PER_PART, type FastPath, type FastPaths } from './engine.js';
import { ERF_TAIL } from './erf-table.js';

const gelu: FastPath<'gelu'> = (e, [x], out, { approximate }) => {
  if (!f32(x!, out)) return false;
  const n = numelOf(x!.shape);
  const po = e.ptr(out);
  const slope = numelOf(out.shape) === 2 * n && n > 0 ? po + 4 * n : 0; // (2, ...): the slope too, for the gradient
  e.parallel('geluF32', { total: n, align: 16, minPart: TRANS_PER_PART, range: ['e0', 'e1'] }, { x: e.ptr(x!), out: po, slope, tanhForm: approximate === 'tanh' ? 1 : 0, table: e.constant(ERF_TAIL) });
  return true;
};

/** Rows of D a thread takes at least: ~TRANS_PER_PART exps. */
const softmaxRows = (D: number): number => Math.max(1, Math.ceil(TRANS_PER_PART / Math.max(D, 1)));

const softmax: FastPath<'softmax'> = (e, [x], out, { log }) => {
  if (!f32(x!, out)) return false;
  const D = x!.shape[x!.shape.length - 1] ?? 1;
  if (8 * D > e.scratchBytes) return false; // a row's exps must fit a thread's scratch: the reference runs it
  const R = D === 0 ? 0 : numelOf(out.shape) / D;
  if (R === 0) return true;
  e.parallel('softmaxF32', { total: R, align: 1, minPart: softmaxRows(D), range: ['r0', 'r1'] }, { x: e.ptr(x!), out: e.ptr(out), D, log: log ? 1 : 0 });
  return true;
};

const softmaxGrad: FastPath<'softmaxGrad'> = (e, [y, g], out, { log }) => {
  if (!f32(y!, g!, out)) return false;
  const D = y!.shape[y!.shape.length - 1] ?? 1;
  const R = D === 0 ? 0 : numelOf(out.shape) / D;
  if (R === 0) return true;
  e.parallel('softmaxGradF32', { total: R, align: 1, minPart: softmaxRows(D), range: ['r0', 'r1'] }, { y: e.ptr(y!), g: e.ptr(g!), out: e.ptr(out), D, log: log ? 1 : 0 });
  return true;
};

export const ACTIVATION_PATHS = { gelu, softmax, softmaxGrad } satisfies FastPaths;
