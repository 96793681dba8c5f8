// THE table of gradient rules (vector-Jacobian products), one per primitive. The mapped type makes
// a missing rule a compile error. Rules are written with ordinary ops, so they are differentiable
// themselves (higher-order gradients) and never mention memory.
import type { Tensor } from '../tensor/tensor.js';
import type { PrimAttrs, PrimOp, UnaryOp } from '../backend/prims.js';
import { execute, executeReshape } from '../ops/dispatch.js';
import * as E from '../ops/elementwise.js';
import { prod, sum } from '../ops/reduce.js';
import { permute, flip, expand, pad, select } from '../ops/movement.js';
import { gather, indexAdd, indexSelect, scatterAdd } from '../ops/indexing.js';
import { bmm } from '../ops/linalg.js';
import { fold, unfold } from '../ops/unfold.js';
import { lstmCellVjp } from '../ops/lstm-cell.js';
import { lstmSequenceVjp } from '../ops/lstm-sequence.js';
import { gruSequenceVjp } from '../ops/gru-sequence.js';
import { rnnSequenceVjp } from '../ops/rnn-sequence.js';
import { geluVjp } from '../ops/gelu.js';
import { layerNormVjp } from '../ops/layer-norm.js';
import { softmaxVjp } from '../ops/softmax.js';
import { AxonError } from '../errors.js';
import { checkSavedReads } from './saved-tensors.js';
import { sumToShape, zerosOf } from './sum-to-shape.js';

export interface RuleContext<K extends PrimOp> {
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly attrs: PrimAttrs[K];
  /** Which inputs need a gradient (skip work for the others). */
  readonly needs: readonly boolean[];
}

/**
 * A gradient that is zero except on a slice of the input: `value` belongs at `attrs` of a tensor
 * shaped like the input. Backward adds it in place into the input's gradient instead of
 * materializing a full-size zero tensor per slice (which made T per-timestep slices cost O(T²)).
 */
export interface SliceGrad { readonly kind: 'slice'; readonly value: Tensor; readonly attrs: PrimAttrs['slice'] }

/**
 * A gradient that is the product op(a)·op(b) (a matmul's gradient for its second operand, the
 * weight of x·Wᵀ). Backward collects the products that reach one tensor and runs them as one GEMM
 * over their inner dims laid end to end (backward.ts): a weight used at every step of a recurrence
 * then costs one large product instead of T thin ones and T − 1 additions.
 */
export interface ProductGrad { readonly kind: 'product'; readonly a: Tensor; readonly b: Tensor; readonly transA: boolean; readonly transB: boolean }

/** A gradient contribution: a tensor, or one of the deferred forms above. */
export type GradPart = Tensor | SliceGrad | ProductGrad;

/** Given the gradient `g` of the output, the gradient of each input (null: none / not needed). */
export type VjpRule<K extends PrimOp> = (g: Tensor, ctx: RuleContext<K>) => (GradPart | null)[];

const product = (a: Tensor, b: Tensor, transA: boolean, transB: boolean): ProductGrad => ({ kind: 'product', a, b, transA, transB });

const zeroGrad: VjpRule<PrimOp> = (_g, { inputs }) => inputs.map((x) => zerosOf(x));
const noGrad: VjpRule<PrimOp> = (_g, { inputs }) => inputs.map(() => null);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const unaryRules: { [K in UnaryOp]: VjpRule<K> } = {
  neg: (g) => [E.neg(g)],
  exp: (g, { out }) => [E.mul(g, out)],
  log: (g, { inputs: [x] }) => [E.div(g, x!)],
  log1p: (g, { inputs: [x] }) => [E.div(g, E.add(x!, 1))],
  expm1: (g, { out }) => [E.mul(g, E.add(out, 1))],
  sqrt: (g, { out }) => [E.div(g, E.mul(out, 2))],
  rsqrt: (g, { out }) => [E.mul(g, E.mul(E.mul(out, E.mul(out, out)), -0.5))], // d x^-1/2 = -1/2 · (x^-1/2)³ (−∞ at −0, as PyTorch)
  abs: (g, { inputs: [x] }) => [E.mul(g, E.sign(x!))],
  sign: zeroGrad,
  sin: (g, { inputs: [x] }) => [E.mul(g, E.cos(x!))],
  cos: (g, { inputs: [x] }) => [E.neg(E.mul(g, E.sin(x!)))],
  tanh: (g, { out }) => [E.mul(g, E.sub(1, E.mul(out, out)))],
  sigmoid: (g, { out }) => [E.mul(g, E.mul(out, E.sub(1, out)))],
  relu: (g, { inputs: [x] }) => [E.where(E.le(x!, 0), 0, g)], // 0 at the kink; NaN inputs pass g on, as in PyTorch
  erf: (g, { inputs: [x] }) => [E.mul(g, E.mul(E.exp(E.neg(E.mul(x!, x!))), TWO_OVER_SQRT_PI))],
  floor: zeroGrad,
  ceil: zeroGrad,
  round: zeroGrad,
  isNaN: noGrad,
  isFinite: noGrad,
  logicalNot: noGrad,
};

/**
 * Gradient of maximum/minimum for one operand, PyTorch's rule: all of g where this operand wins
 * (`loses` false) or either is NaN, half on ties, none where it loses.
 */
function extremeShare(g: Tensor, a: Tensor, b: Tensor, loses: Tensor): Tensor {
  return E.where(loses, 0, E.where(E.eq(a, b), E.mul(g, 0.5), g));
}

/**
 * Ops whose rule reads only the first k entries along dim 0 of its output's gradient (k from the
 * output's length along dim 0, or undefined when the rule reads it all; `ndim` and `inNdim` are
 * the output's and the first input's ranks): lstmCell's output keeps the saved activations in rows
 * 2–6 behind h' and c', lstmSequence's behind its 2T + 2 states, gruSequence's behind its T + 1,
 * gelu's slope behind y when it has one more dim than x; nothing differentiates them.
 * Its gradient may then arrive with only those k rows (backward.ts, when built from slices).
 */
export const LEADING_GRAD: { readonly [K in PrimOp]?: (outRows: number, ndim: number, inNdim: number) => number | undefined } = {
  lstmCell: () => 2,
  lstmSequence: (rows) => 2 * ((rows - 2) / 7) + 2, // (7T + 2) planes: the 2T + 2 states
  gruSequence: (rows) => (rows - 1) / 5 + 1, // (5T + 1) planes: the T + 1 states
  gelu: (_rows, ndim, inNdim) => (ndim === inNdim + 1 ? 1 : undefined), // (2, ...x's shape): y, then gelu′(x)
};

export const RULES: { [K in PrimOp]: VjpRule<K> } = {
  ...unaryRules,
  add: (g, { inputs: [a, b] }) => [sumToShape(g, a!.shape), sumToShape(g, b!.shape)],
  sub: (g, { inputs: [a, b], needs }) => [sumToShape(g, a!.shape), needs[1] ? sumToShape(E.neg(g), b!.shape) : null],
  mul: (g, { inputs: [a, b], needs }) => [
    needs[0] ? sumToShape(E.mul(g, b!), a!.shape) : null,
    needs[1] ? sumToShape(E.mul(g, a!), b!.shape) : null,
  ],
  div: (g, { inputs: [a, b], out, needs }) => [
    needs[0] ? sumToShape(E.div(g, b!), a!.shape) : null,
    needs[1] ? sumToShape(E.neg(E.div(E.mul(g, out), b!)), b!.shape) : null, // d(a/b)/db = -(a/b)/b
  ],
  pow: (g, { inputs: [a, b], out, needs }) => {
    // As PyTorch: d(a^b)/da = b·a^(b−1), defined as 0 where b = 0 (also at a = 0, where 0·∞ would
    // give NaN); d(a^b)/db = a^b·log a, defined as 0 where a = 0 and b ≥ 0 (NaN for a < 0).
    const zeroBase = needs[1] ? E.logicalAnd(E.eq(a!, 0), E.ge(b!, 0)) : null;
    return [
      needs[0] ? sumToShape(E.where(E.eq(b!, 0), 0, E.mul(g, E.mul(b!, E.pow(a!, E.sub(b!, 1))))), a!.shape) : null,
      needs[1] ? sumToShape(E.where(zeroBase!, 0, E.mul(g, E.mul(out, E.log(E.where(zeroBase!, 1, a!))))), b!.shape) : null,
    ];
  },
  maximum: (g, { inputs: [a, b] }) => [
    sumToShape(extremeShare(g, a!, b!, E.lt(a!, b!)), a!.shape),
    sumToShape(extremeShare(g, a!, b!, E.gt(a!, b!)), b!.shape),
  ],
  minimum: (g, { inputs: [a, b] }) => [
    sumToShape(extremeShare(g, a!, b!, E.gt(a!, b!)), a!.shape),
    sumToShape(extremeShare(g, a!, b!, E.lt(a!, b!)), b!.shape),
  ],
  eq: noGrad, ne: noGrad, lt: noGrad, le: noGrad, gt: noGrad, ge: noGrad,
  logicalAnd: noGrad, logicalOr: noGrad, logicalXor: noGrad,
  where: (g, { inputs: [c, a, b], needs }) => [
    null,
    needs[1] ? sumToShape(E.where(c!, g, 0), a!.shape) : null,
    needs[2] ? sumToShape(E.where(c!, 0, g), b!.shape) : null,
  ],
  cast: (g, { inputs: [x] }) => [E.cast(g, x!.dtype)],
  sum: (g, { inputs: [x] }) => [expand(g, x!.shape)],
  prod: (g, { inputs: [x], out, attrs: { dims } }) => {
    // ∂Πx/∂xᵢ = the product of the others: Πx / xᵢ in a slice without zeros; with one zero, the
    // product of the non-zeros at the zero and 0 elsewhere; with several zeros, 0 (as PyTorch).
    // The zeros' own values (0, held in zsum) stay as factors, so the rule's gradient (the second
    // derivative) is right too: with one zero, ∂²/∂xᵢ∂x_zero = Π(non-zeros)/xᵢ; with two, the
    // other zero's factor.
    const isZero = E.eq(x!, 0);
    const zeros = sum(E.cast(isZero, x!.dtype), { dim: dims, keepDim: true });
    const safe = E.where(isZero, 1, x!);
    const nz = prod(safe, { dim: dims, keepDim: true }); // product of the non-zeros
    const zsum = sum(E.where(isZero, x!, 0), { dim: dims, keepDim: true }); // 0, the zeros' values
    const one = E.where(isZero, nz, E.div(E.mul(zsum, nz), safe));
    const two = E.where(isZero, E.mul(E.sub(zsum, x!), nz), 0);
    const others = E.where(E.eq(zeros, 0), E.div(out, safe), E.where(E.eq(zeros, 1), one, E.where(E.eq(zeros, 2), two, 0)));
    return [E.mul(expand(g, x!.shape), others)];
  },
  max: (g, ctx) => extremeGrad(g, ctx),
  min: (g, ctx) => extremeGrad(g, ctx),
  argmax: noGrad,
  maxPoolIndex: noGrad,
  argmin: noGrad,
  reshape: (g, { inputs: [x] }) => [executeReshape(g, [...x!.shape])],
  permute: (g, { attrs: { dims } }) => {
    const inv = new Array<number>(dims.length);
    dims.forEach((d, i) => { inv[d] = i; });
    return [permute(g, inv)];
  },
  expand: (g, { inputs: [x] }) => [sumToShape(g, x!.shape)],
  slice: (g, { attrs }) => [{ kind: 'slice', value: g, attrs }],
  sliceAdd: (g, { inputs: [, v], attrs, needs }) => [g, needs[1] ? execute('slice', [g], attrs, v!.shape, g.dtype) : null],
  sliceUpdate: (g, { inputs: [, v], attrs, needs }) => [
    needs[0] ? execute('sliceUpdate', [g, zerosOf(v!)], attrs, g.shape, g.dtype) : null,
    needs[1] ? execute('slice', [g], attrs, v!.shape, g.dtype) : null,
  ],
  pad: (g, { inputs: [x], attrs: { pads } }) => [
    execute('slice', [g], { starts: pads.map(([b]) => b), steps: pads.map(() => 1) }, x!.shape, g.dtype),
  ],
  cat: (g, { inputs, attrs: { dim }, needs }) => {
    let at = 0;
    return inputs.map((t, i) => {
      const starts = t.shape.map((_, d) => (d === dim ? at : 0));
      at += t.shape[dim]!;
      return needs[i] ? execute('slice', [g], { starts, steps: t.shape.map(() => 1) }, t.shape, g.dtype) : null;
    });
  },
  flip: (g, { attrs: { dims } }) => [flip(g, dims)],
  gather: (g, { inputs: [x, idx], attrs: { dim } }) => [scatterAdd(zerosOf(x!), dim, idx!, g), null],
  scatterAdd: (g, { inputs: [, idx, src], attrs: { dim }, needs }) => {
    let gs: Tensor | null = null;
    if (needs[2]) {
      gs = gather(g, dim, idx!); // index-shaped; src may be larger: the rest got no gradient
      const extra = src!.shape.map((s, d) => s - idx!.shape[d]!);
      if (extra.some((e) => e > 0)) gs = pad(gs, [...extra].reverse().flatMap((e) => [0, e])); // pad order: last dim first
    }
    return [g, null, gs];
  },
  indexSelect: (g, { inputs: [x, idx], attrs: { dim } }) => [indexAdd(zerosOf(x!), dim, idx!, g), null],
  indexAdd: (g, { inputs: [, idx], attrs: { dim }, needs }) => [g, null, needs[2] ? indexSelect(g, dim, idx!) : null],
  lstmCell: (g, { inputs: [pre, c], out }) => lstmCellVjp(pre!, c!, out, g),
  // lstmCellVjp runs it only when no graph of the gradient is built (it composes ordinary ops otherwise).
  lstmCellGrad: () => { throw new AxonError('lstmCellGrad', 'the fused LSTM gradient was recorded for a second derivative; it is only run outside gradient recording (an Axon bug: please report it)'); },
  lstmSequence: (g, { inputs, out, attrs: { reverse }, needs }) => lstmSequenceVjp(inputs, out, g, reverse, needs),
  // lstmSequenceVjp runs it only when no graph of the gradient is built (it composes ordinary ops otherwise).
  lstmSequenceGrad: () => { throw new AxonError('lstmSequenceGrad', 'the fused LSTM sequence gradient was recorded for a second derivative; it is only run outside gradient recording (an Axon bug: please report it)'); },
  gruSequence: (g, { inputs, out, attrs: { reverse }, needs }) => gruSequenceVjp(inputs, out, g, reverse, needs),
  // gruSequenceVjp runs it only when no graph of the gradient is built (it composes ordinary ops otherwise).
  gruSequenceGrad: () => { throw new AxonError('gruSequenceGrad', 'the fused GRU sequence gradient was recorded for a second derivative; it is only run outside gradient recording (an Axon bug: please report it)'); },
  rnnSequence: (g, { inputs, out, attrs, needs }) => rnnSequenceVjp(inputs, out, g, attrs, needs),
  // rnnSequenceVjp runs it only when no graph of the gradient is built (it composes ordinary ops otherwise).
  rnnSequenceGrad: () => { throw new AxonError('rnnSequenceGrad', 'the fused RNN sequence gradient was recorded for a second derivative; it is only run outside gradient recording (an Axon bug: please report it)'); },
  gelu: (g, { inputs: [x], out, attrs: { approximate } }) => [geluVjp(x!, out, g, approximate)],
  layerNorm: (g, { inputs, attrs: { eps }, needs }) => layerNormVjp(inputs, g, eps, needs),
  // layerNormVjp runs it only when no graph of the gradient is built (it composes ordinary ops otherwise).
  layerNormGrad: () => { throw new AxonError('layerNormGrad', 'the fused layer-norm gradient was recorded for a second derivative; it is only run outside gradient recording (an Axon bug: please report it)'); },
  softmax: (g, { out, attrs: { log } }) => [softmaxVjp(out, g, log)],
  // softmaxVjp runs it only when no graph of the gradient is built (it composes ordinary ops otherwise).
  softmaxGrad: () => { throw new AxonError('softmaxGrad', 'the fused softmax gradient was recorded for a second derivative; it is only run outside gradient recording (an Axon bug: please report it)'); },
  matmul: (g, { inputs: [a, b], attrs: { transA, transB }, needs }) => {
    // C = op(A)·op(B); each case writes dA, dB as one more product without materialising a transpose.
    let ga: Tensor | null = null;
    let gb: ProductGrad | null = null;
    if (needs[0]) ga = !transA ? bmm(g, b!, false, !transB) : transB ? bmm(b!, g, true, true) : bmm(b!, g, false, true);
    if (needs[1]) {
      checkSavedReads([a!]); // the product runs later, outside this rule: check the saved input now
      gb = !transB ? (transA ? product(a!, g, false, false) : product(a!, g, true, false)) : transA ? product(g, a!, true, true) : product(g, a!, true, false);
    }
    return [ga, gb];
  },
  // unfold and fold are adjoint linear maps: each one's VJP is the other with the same geometry.
  unfold: (g, { inputs: [x], attrs: { kernel, ...o } }) => [fold(g, x!.shape.slice(2), kernel, o)],
  fold: (g, { attrs: { kernel, outputSize: _, ...o } }) => [unfold(g, kernel, o)],
};

/** max/min over dims: the gradient goes to the elements equal to the result, split evenly on ties. */
function extremeGrad<K extends 'max' | 'min'>(g: Tensor, { inputs: [x], out, attrs: { dims } }: RuleContext<K>): (Tensor | null)[] {
  const hit = E.cast(E.eq(x!, out), x!.dtype);
  const count = sum(hit, { dim: dims, keepDim: true });
  return [E.div(E.mul(expand(g, x!.shape), hit), count)];
}
