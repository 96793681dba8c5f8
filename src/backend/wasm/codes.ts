// The kernels' op codes keyed by primitive name, built from assembly/codes.ts (the one list the
// AssemblyScript kernels also import), so a code can't drift between the two languages and a
// misspelt primitive name fails to compile. The elementwise fast paths are generated from these.
import * as K from '../../../assembly/codes.js';
import type { BinaryOp, ReduceOp, UnaryOp } from '../prims.js';

/** binaryF32's op by primitive. */
export const BINARY_CODES = {
  add: K.ADD, sub: K.SUB, mul: K.MUL, div: K.DIV, maximum: K.MAXIMUM, minimum: K.MINIMUM,
} as const satisfies Partial<Record<BinaryOp, number>>;

/** compareF32's op by primitive (bool output). */
export const COMPARE_CODES = {
  eq: K.EQ, ne: K.NE, lt: K.LT, le: K.LE, gt: K.GT, ge: K.GE,
} as const satisfies Partial<Record<BinaryOp, number>>;

/** unaryF32's op by primitive (its COPY code serves the f32 → f32 cast). */
export const UNARY_CODES = {
  neg: K.NEG, abs: K.ABS, relu: K.RELU, sqrt: K.SQRT,
} as const satisfies Partial<Record<UnaryOp, number>>;

/** transcendentalF32's op by primitive. */
export const TRANSCENDENTAL_CODES = {
  exp: K.EXP, expm1: K.EXPM1, log: K.LOG, tanh: K.TANH, sigmoid: K.SIGMOID,
} as const satisfies Partial<Record<UnaryOp, number>>;

/** reduceF32 / reduceOuterInnerF32's op by primitive. */
export const REDUCE_CODES = {
  sum: K.REDUCE_SUM, max: K.REDUCE_MAX, min: K.REDUCE_MIN,
} as const satisfies Partial<Record<ReduceOp, number>>;

export const { COPY, MASK_NONE, MASK_BOOL, MASK_ADD } = K;
