// Fast paths of the fused GELU and its gradient on float32 (assembly/gelu.ts): one pass over the
// elements, split across threads like the other transcendental maps.
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

export const ACTIVATION_PATHS = { gelu, geluGrad } satisfies FastPaths;
