// Fast paths of the elementwise primitives on float32: binary ops and comparisons in the 3-level
// broadcast form (layout.ts's looped 2-level form), unary maps, transcendentals, erf, rsqrt, where, f32 copies.
// The op-coded paths are one per entry of the code records in codes.ts.
import type { BinaryOp, KernelOp, UnaryOp } from '../prims.js';
import { numelOf } from '../../tensor/shape.js';
import { BINARY_CODES, COMPARE_CODES, COPY, TRANSCENDENTAL_CODES, UNARY_CODES } from './codes.js';
import { ELEMS_PER_PART, f32, TRANS_PER_PART, type FastPath, type FastPaths } from './engine.js';
import { broadcastLoop, whereForm } from './layout.js';
import { ERF_TAIL } from './erf-table.js';

function binary(fn: 'binaryF32' | 'compareF32', code: number): FastPath<BinaryOp> {
  return (e, [a, b], out) => {
    if (!f32(a!, b!) || out.dtype !== (fn === 'binaryF32' ? 'float32' : 'bool')) return false;
    const l = broadcastLoop(out.shape, a!.shape, b!.shape);
    if (l === null) return false;
    const { form: f } = l;
    const total = numelOf(out.shape);
    // The looped form's slices are the kernel's third level: one job, however many slices.
    e.parallel(fn, { total, align: 16, minPart: ELEMS_PER_PART, range: ['e0', 'e1'] }, {
      op: code, a: e.ptr(a!), b: e.ptr(b!), out: e.ptr(out),
      inner: f.inner, sao: f.sao, sai: f.sai, sbo: f.sbo, sbi: f.sbi, mid: total / l.count / Math.max(f.inner, 1), sas: l.stepA, sbs: l.stepB,
    });
    return true;
  };
}

/** One map x → out by an op-coded kernel (unaryF32, transcendentalF32). */
function map(fn: 'unaryF32' | 'transcendentalF32', code: number, minPart: number): FastPath<UnaryOp | 'cast'> {
  return (e, [x], out) => {
    if (!f32(x!, out)) return false;
    e.parallel(fn, { total: numelOf(out.shape), align: 16, minPart, range: ['e0', 'e1'] }, { op: code, x: e.ptr(x!), out: e.ptr(out) });
    return true;
  };
}

const where: FastPath<'where'> = (e, [c, a, b], out) => {
  if (c!.dtype !== 'bool' || !f32(a!, b!, out)) return false;
  const f = whereForm(out.shape, c!.shape, a!.shape, b!.shape);
  if (f === null) return false;
  e.parallel('whereF32', { total: numelOf(out.shape), align: 16, minPart: ELEMS_PER_PART, range: ['e0', 'e1'] }, {
    cond: e.ptr(c!), a: e.ptr(a!), b: e.ptr(b!), out: e.ptr(out),
    inner: f.inner, sco: f.sco, sci: f.sci, sao: f.sao, sai: f.sai, sbo: f.sbo, sbi: f.sbi,
  });
  return true;
};

/** x → out by a kernel of (x, out, e0, e1): rsqrtF32. */
function plain(fn: 'rsqrtF32', minPart: number): FastPath<UnaryOp> {
  return (e, [x], out) => {
    if (!f32(x!, out)) return false;
    e.parallel(fn, { total: numelOf(out.shape), align: 16, minPart, range: ['e0', 'e1'] }, { x: e.ptr(x!), out: e.ptr(out) });
    return true;
  };
}

/** erf: erfF32 also takes the table of its tail polynomials' coefficients (erf-table.ts). */
const erf: FastPath<UnaryOp> = (e, [x], out) => {
  if (!f32(x!, out)) return false;
  e.parallel('erfF32', { total: numelOf(out.shape), align: 16, minPart: TRANS_PER_PART, range: ['e0', 'e1'] }, { x: e.ptr(x!), out: e.ptr(out), table: e.constant(ERF_TAIL) });
  return true;
};

type Paths<Op extends KernelOp, K extends Op> = { [P in K]: FastPath<Op> };

/** One path per entry of a code record, keyed by the same primitive names (the loop sets every key). */
function byCode<Op extends KernelOp, K extends Op>(codes: Readonly<Record<K, number>>, path: (code: number) => FastPath<Op>): Paths<Op, K> {
  const out: Partial<Paths<Op, K>> = {};
  for (const op in codes) out[op] = path(codes[op]);
  return out as Paths<Op, K>;
}

/** The elementwise fast paths by primitive. */
export const ELEMENTWISE_PATHS = {
  ...byCode<BinaryOp, keyof typeof BINARY_CODES>(BINARY_CODES, (c) => binary('binaryF32', c)),
  ...byCode<BinaryOp, keyof typeof COMPARE_CODES>(COMPARE_CODES, (c) => binary('compareF32', c)),
  ...byCode<UnaryOp, keyof typeof UNARY_CODES>(UNARY_CODES, (c) => map('unaryF32', c, ELEMS_PER_PART)),
  ...byCode<UnaryOp, keyof typeof TRANSCENDENTAL_CODES>(TRANSCENDENTAL_CODES, (c) => map('transcendentalF32', c, TRANS_PER_PART)),
  where,
  erf,
  rsqrt: plain('rsqrtF32', ELEMS_PER_PART),
  cast: map('unaryF32', COPY, ELEMS_PER_PART), // f32 → f32 only (the path refuses other dtypes)
} satisfies FastPaths;
