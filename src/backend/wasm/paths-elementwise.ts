// Fast paths of the elementwise primitives on float32: binary ops and comparisons in the
// (looped) 2-level broadcast form, unary maps, transcendentals, erf, rsqrt, where, f32 copies.
import type { BinaryOp, UnaryOp } from '../prims.js';
import { numelOf } from '../../tensor/shape.js';
import { ELEMS_PER_PART, f32, TRANS_PER_PART, type FastPath } from './engine.js';
import { broadcastLoop, whereForm } from './layout.js';

const BIN_CODE: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const CMP_CODE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
const UN_CODE: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, relu: 2, sqrt: 3 };
const TRANS_CODE: Partial<Record<UnaryOp, number>> = { exp: 0, expm1: 1, log: 2, tanh: 3, sigmoid: 4 };

function binary(fn: 'binaryF32' | 'compareF32', code: number): FastPath<BinaryOp> {
  return (e, [a, b], out) => {
    if (!f32(a!, b!) || out.dtype !== (fn === 'binaryF32' ? 'float32' : 'bool')) return false;
    const l = broadcastLoop(out.shape, a!.shape, b!.shape);
    if (l === null) return false;
    const { form: f, count } = l;
    const pa = e.ptr(a!); const pb = e.ptr(b!); const po = e.ptr(out);
    const outBytes = fn === 'binaryF32' ? 4 : 1;
    const slice = numelOf(out.shape) / count;
    for (let s = 0; s < count; s++) {
      e.parallel(fn, slice, 16, ELEMS_PER_PART, [code, pa + 4 * s * l.stepA, pb + 4 * s * l.stepB, po + outBytes * s * l.stepOut, f.inner, f.sao, f.sai, f.sbo, f.sbi, 0, 0], 9);
    }
    return true;
  };
}

function unary(code: number): FastPath<UnaryOp> {
  return (e, [x], out) => {
    if (!f32(x!, out)) return false;
    const px = e.ptr(x!); const po = e.ptr(out);
    e.parallel('unaryF32', numelOf(out.shape), 16, ELEMS_PER_PART, [code, px, po, 0, 0], 3);
    return true;
  };
}

function transcendental(code: number): FastPath<UnaryOp> {
  return (e, [x], out) => {
    if (!f32(x!, out)) return false;
    const px = e.ptr(x!); const po = e.ptr(out);
    e.parallel('transcendentalF32', numelOf(out.shape), 16, TRANS_PER_PART, [code, px, po, 0, 0], 3);
    return true;
  };
}

const where: FastPath<'where'> = (e, [c, a, b], out) => {
  if (c!.dtype !== 'bool' || !f32(a!, b!, out)) return false;
  const f = whereForm(out.shape, c!.shape, a!.shape, b!.shape);
  if (f === null) return false;
  const pc = e.ptr(c!); const pa = e.ptr(a!); const pb = e.ptr(b!); const po = e.ptr(out);
  e.parallel('whereF32', numelOf(out.shape), 16, ELEMS_PER_PART, [pc, pa, pb, po, f.inner, f.sco, f.sci, f.sao, f.sai, f.sbo, f.sbi, 0, 0], 11);
  return true;
};

const erf: FastPath<'erf'> = (e, [x], out) => {
  if (!f32(x!, out)) return false;
  const px = e.ptr(x!); const po = e.ptr(out);
  e.parallel('erfF32', numelOf(out.shape), 16, TRANS_PER_PART, [px, po, 0, 0], 2);
  return true;
};

const rsqrt: FastPath<'rsqrt'> = (e, [x], out) => {
  if (!f32(x!, out)) return false;
  const px = e.ptr(x!); const po = e.ptr(out);
  e.parallel('rsqrtF32', numelOf(out.shape), 16, ELEMS_PER_PART, [px, po, 0, 0], 2);
  return true;
};

const cast: FastPath<'cast'> = (e, [x], out) => {
  if (!f32(x!, out)) return false;
  const px = e.ptr(x!); const po = e.ptr(out);
  e.parallel('unaryF32', numelOf(out.shape), 16, ELEMS_PER_PART, [4, px, po, 0, 0], 3); // 4 = copy
  return true;
};

/** The elementwise fast paths by primitive. */
export const ELEMENTWISE_PATHS: Record<string, FastPath<never>> = { where, erf, rsqrt, cast } as Record<string, FastPath<never>>;
for (const [op, code] of Object.entries(BIN_CODE)) ELEMENTWISE_PATHS[op] = binary('binaryF32', code) as FastPath<never>;
for (const [op, code] of Object.entries(CMP_CODE)) ELEMENTWISE_PATHS[op] = binary('compareF32', code) as FastPath<never>;
for (const [op, code] of Object.entries(UN_CODE)) ELEMENTWISE_PATHS[op] = unary(code) as FastPath<never>;
for (const [op, code] of Object.entries(TRANS_CODE)) ELEMENTWISE_PATHS[op] = transcendental(code) as FastPath<never>;
