// Fast paths of the fused GELU and its gradient on float32 (assembly/gelu.ts): one pass over the
// elements, split across threads like the other transcendental maps; and of the fused softmax over
// the last dim and its gradient (assembly/softmax.ts), rows split across threads.
import { numelOf } from '../../tensor/shape.js';
import { f32, TRANS_PER_PART, type FastPath, type FastPaths } from './engine.js';
import { ERF_TAIL } from './erf-table.js';

const gelu: FastPath<'gelu'> = (e, [x], out, { approximate }) => {
  if (!f32(x!, out)) return false;
  e.parallel('geluF32', { total: numelOf(out.shape), align: 16, minPart: TRANS_PER_PART, range: ['e0', 'e1'] }, { x: e.ptr(x!), out: e.ptr(out), tanhForm: approximate === 'tanh' ? 1 : 0, table: e.constant(ERF_TAIL) });
  return true;
};

const geluGrad: FastPath<'geluGrad'> = (e, [x, g], out, { approximate }) => {
  if (!f32(x!, g!, out)) return false;
  e.parallel('geluGradF32', { total: numelOf(out.shape), align: 16, minPart: TRANS_PER_PART, range: ['e0', 'e1'] }, { x: e.ptr(x!), g: e.ptr(g!), out: e.ptr(out), tanhForm: approximate === 'tanh' ? 1 : 0, table: e.constant(ERF_TAIL) });
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

export const ACTIVATION_PATHS = { gelu, geluGrad, softmax, softmaxGrad } satisfies FastPaths;
