// Loss functions (torch.nn.functional semantics), composed from primitives; numerically stable.
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { isFloat, toFloat } from '../tensor/dtype.js';
import { shapesEqual, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { readsSync } from '../tensor/host-read.js';
import { abs, add, cast, clamp, div, eq, exp, ge, gt, log, log1p, logicalAnd, logicalNot, logicalOr, lt, maximum, minimum, mul, ne, neg, sqrt, sub, where } from './elementwise.js';
import { logSoftmax } from './activation.js';
import { gather, indexSelect } from './indexing.js';
import { reshape, unsqueeze, squeeze } from './movement.js';
import { mean, norm, sum } from './reduce.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(op: string, loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return mean(loss);
  if (reduction === 'sum') return sum(loss);
  if (reduction === 'none') return loss;
  throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}

/** A weight given as numbers or a tensor, as a tensor of `like`'s dtype on its backend. */
function weightTensor(w: Tensor | readonly number[] | null | undefined, like: Tensor): Tensor | null {
  if (w === null || w === undefined) return null;
  if (Array.isArray(w)) return fromArray(w as readonly number[], [w.length], like.dtype, like.storage.backend);
  return cast(w as Tensor, like.dtype);
}

/**
 * num / den for a weighted mean over counted targets. When nothing counts (den = 0) the loss is
 * NaN but the gradient is 0, as PyTorch's nll_loss gives with every target ignored.
 */
function countedMean(num: Tensor, den: Tensor): Tensor {
  const none = eq(den, 0);
  return add(div(num, where(none, 1, den)), where(none, NaN, 0));
}

function sameShape(op: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(op, `input ${shapeStr(input.shape)} and target ${shapeStr(target.shape)} must have the same shape (a [N,1] vs [N] mix-up silently broadcasts in other libraries); reshape one of them`);
  }
  const dt = toFloat(input.dtype);
  return [cast(input, dt), cast(target, dt)];
}

export interface RegressionLossOptions { reduction?: Reduction }

/** Mean squared error (x − y)². */
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: RegressionLossOptions = {}): Tensor {
  const [x, y] = sameShape('mseLoss', input, target);
  const d = sub(x, y);
  return reduce('mseLoss', mul(d, d), reduction);
}

/** Mean absolute error |x − y|. */
export function l1Loss(input: Tensor, target: Tensor, { reduction = 'mean' }: RegressionLossOptions = {}): Tensor {
  const [x, y] = sameShape('l1Loss', input, target);
  return reduce('l1Loss', abs(sub(x, y)), reduction);
}

/** Huber: ½d² for |d| < δ, δ(|d| − ½δ) beyond (quadratic near 0, linear for outliers). Default δ = 1. */
export function huberLoss(input: Tensor, target: Tensor, { delta = 1, reduction = 'mean' }: RegressionLossOptions & { delta?: number } = {}): Tensor {
  if (!(delta > 0)) throw new ValueError('huberLoss', `delta must be > 0, got ${delta}`);
  const [x, y] = sameShape('huberLoss', input, target);
  const d = sub(x, y);
  const a = abs(d);
  const inside = lt(a, delta);
  const dq = where(inside, d, 0); // the square only of |d| < δ, so a huge d gives no ∞·0 in the gradient
  return reduce('huberLoss', where(inside, mul(mul(dq, dq), 0.5), mul(sub(a, 0.5 * delta), delta)), reduction);
}

/** Smooth L1: ½d²/β for |d| < β, |d| − ½β beyond. Default β = 1 (equals Huber with δ = 1). */
export function smoothL1Loss(input: Tensor, target: Tensor, { beta = 1, reduction = 'mean' }: RegressionLossOptions & { beta?: number } = {}): Tensor {
  const [x, y] = sameShape('smoothL1Loss', input, target);
  const d = sub(x, y);
  const a = abs(d);
  if (beta === 0) return reduce('smoothL1Loss', a, reduction);
  const inside = lt(a, beta);
  const dq = where(inside, d, 0); // as in huberLoss
  return reduce('smoothL1Loss', where(inside, div(mul(mul(dq, dq), 0.5), beta), sub(a, 0.5 * beta)), reduction);
}

export interface ClassLossOptions {
  /** Per-class weights (length C), for imbalanced classes. */
  weight?: Tensor | readonly number[] | null;
  /** Targets equal to this are skipped (count neither in the sum nor the mean). Default −100. */
  ignoreIndex?: number;
  reduction?: Reduction;
}

function classWeight(op: string, w: ClassLossOptions['weight'], c: number, like: Tensor): Tensor | null {
  const t = weightTensor(w, like);
  if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw new ShapeError(op, `weight must have one entry per class (${c}), got shape ${shapeStr(t.shape)}`);
  return t;
}

/** Check class-index targets against (N, C, d1, …) scores; returns C. */
function checkIndexTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): number {
  if (input.ndim < 1) throw new ShapeError(op, `input must have a class dim: (C), (N, C) or (N, C, d1, …); got ${shapeStr(input.shape)}`);
  const batched = input.ndim >= 2;
  const c = batched ? input.shape[1]! : input.shape[0]!;
  const want = batched ? [input.shape[0]!, ...input.shape.slice(2)] : [];
  if (!shapesEqual(target.shape, want)) {
    throw new ShapeError(op, `class-index target must have shape ${shapeStr(want)} for input ${shapeStr(input.shape)}, got ${shapeStr(target.shape)}${target.ndim === want.length + 1 && target.shape[target.ndim - 1] === 1 ? ' (squeeze the trailing 1)' : ''}`);
  }
  // Where values can only be read asynchronously (WebGPU) the range is checked on the device:
  // nllLoss gives NaN for an out-of-range target instead of this error.
  if (!readsSync(target)) return c;
  for (const v of target.data()) {
    if (v !== ignoreIndex && (v < 0 || v >= c)) {
      throw new ValueError(op, `target class ${v} is out of range for ${c} classes (valid 0..${c - 1}); check the labels or the size of the last layer`);
    }
  }
  return c;
}

/**
 * Negative log-likelihood of class-index targets given log-probabilities (N, C, d1, …).
 * With `weight`, the mean divides by the summed weights of the counted targets (as PyTorch).
 */
export function nllLoss(logProbs: Tensor, target: Tensor, { weight = null, ignoreIndex = -100, reduction = 'mean' }: ClassLossOptions = {}): Tensor {
  if (target.dtype !== 'int32') {
    throw new DTypeError('nllLoss', `target must hold int32 class indices, got ${target.dtype} of shape ${shapeStr(target.shape)}; convert with .int()`);
  }
  const c = checkIndexTarget('nllLoss', logProbs, target, ignoreIndex);
  const batched = logProbs.ndim >= 2;
  const lp = batched ? logProbs : unsqueeze(logProbs, 0); // (N, C, ...)
  const t = batched ? target : unsqueeze(target, 0); // (N, ...)
  const valid = ne(t, ignoreIndex);
  // Out-of-range targets (checked on the CPU where it can read them, see checkIndexTarget): on the device, NaN losses.
  const bad = readsSync(target) ? null : logicalAnd(valid, logicalOr(lt(t, 0), ge(t, c))); // (N, ...)
  const safe = where(bad ? logicalAnd(valid, logicalNot(bad)) : valid, t, 0); // ignored targets point at class 0 and are masked out below
  const picked = squeeze(gather(lp, 1, unsqueeze(safe, 1)), 1); // (N, ...)
  const w = classWeight('nllLoss', weight, c, lp);
  const wt = where(valid, w ? reshape(indexSelect(w, 0, reshape(safe, [-1])), safe.shape) : cast(valid, lp.dtype), 0); // (N, ...)
  let losses = where(valid, neg(mul(picked, wt)), 0); // ignored: 0 even where the log-probability is NaN
  if (bad) losses = where(bad, NaN, losses);
  if (reduction === 'none') return batched ? losses : squeeze(losses, 0);
  if (reduction === 'sum') return sum(losses);
  return countedMean(sum(losses), sum(wt));
}

export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mix the target with the uniform distribution: (1 − ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy between logits (N, C, d1, …) and either int32 class indices (N, d1, …) or class
 * probabilities shaped like the logits. Combines logSoftmax and NLL; stable for large logits.
 *
 * @example
 * crossEntropy(model.forward(x), labels) // labels: int32 (N)
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = opts;
  if (!isFloat(logits.dtype)) throw new DTypeError('crossEntropy', `logits must be float, got ${logits.dtype}`);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError('crossEntropy', `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  const classDim = logits.ndim >= 2 ? 1 : 0;
  const c = logits.shape[classDim]!;
  const lp = logSoftmax(logits, { dim: classDim });
  const wShape = logits.shape.map((s, i) => (i === classDim ? s : 1));
  const w = classWeight('crossEntropy', weight, c, lp);
  const wb = w ? reshape(w, wShape) : null; // broadcast over (N, C, ...)
  if (isFloat(target.dtype)) {
    const indexShape = logits.shape.filter((_, i) => i !== classDim);
    if (shapesEqual(target.shape, indexShape)) {
      throw new DTypeError('crossEntropy', `class labels must be int32, got ${target.dtype} labels of shape ${shapeStr(target.shape)}; convert them with y.int() (probability targets would have the logits' shape ${shapeStr(logits.shape)})`);
    }
    if (!shapesEqual(target.shape, logits.shape)) {
      throw new ShapeError('crossEntropy', `probability targets must have the logits' shape ${shapeStr(logits.shape)}, got ${shapeStr(target.shape)}; for class indices pass an int32 tensor of shape ${shapeStr(logits.shape.filter((_, i) => i !== classDim))}`);
    }
    let p = cast(target, lp.dtype);
    if (labelSmoothing > 0) p = add(mul(p, 1 - labelSmoothing), labelSmoothing / c);
    let terms = mul(lp, p);
    if (wb) terms = mul(terms, wb);
    const losses = neg(sum(terms, { dim: classDim })); // (N, ...)
    if (reduction === 'none') return losses;
    if (reduction === 'sum') return sum(losses);
    return div(sum(losses), logits.ndim >= 2 ? losses.numel : 1);
  }
  if (target.dtype !== 'int32') throw new DTypeError('crossEntropy', `target must be int32 class indices or float probabilities, got ${target.dtype}`);
  const nll = nllLoss(lp, target, { weight: w, ignoreIndex, reduction });
  if (labelSmoothing === 0) return nll;
  // Smoothing term: −Σ_c w_c·log p_c per sample, masked like the NLL term.
  const lpw = wb ? mul(lp, wb) : lp;
  const t = classDim === 1 ? target : unsqueeze(target, 0);
  const valid = cast(ne(t, ignoreIndex), lp.dtype);
  const smooth = mul(neg(sum(classDim === 1 ? lpw : unsqueeze(lpw, 0), { dim: 1 })), valid); // (N, ...)
  let smoothRed: Tensor;
  if (reduction === 'none') smoothRed = classDim === 1 ? smooth : squeeze(smooth, 0);
  else if (reduction === 'sum') smoothRed = sum(smooth);
  else {
    const safe = where(ne(t, ignoreIndex), t, 0);
    const denom = w ? sum(mul(reshape(indexSelect(w, 0, reshape(safe, [-1])), safe.shape), valid)) : sum(valid);
    smoothRed = countedMean(sum(smooth), denom);
  }
  return add(mul(nll, 1 - labelSmoothing), mul(smoothRed, labelSmoothing / c));
}

export interface BinaryLossOptions {
  /** Rescaling weight, broadcast against the input. */
  weight?: Tensor | readonly number[] | null;
  reduction?: Reduction;
}



/** PyTorch's floor on p·(1 − p) in the gradient of binary cross-entropy (1e-12 as a float32). */
const BCE_GRAD_EPS = Math.fround(1e-12);

/**
 * −[y·log p + (1 − y)·log(1 − p)] for probabilities p in [0, 1]; logs clamped at −100 as in
 * PyTorch. The gradient is PyTorch's (p − y)/max(p·(1 − p), 1e-12): where p·(1 − p) is below that
 * floor (p at or next to 0 or 1) the loss is the clamped value and its gradient that formula (a
 * finite slope, where the exact derivative would be huge or NaN).
 */
export function binaryCrossEntropy(probs: Tensor, target: Tensor, { weight = null, reduction = 'mean' }: BinaryLossOptions = {}): Tensor {
  const [p, y] = sameShape('binaryCrossEntropy', probs, target);
  // Checked on the CPU where it can read the values; on the device (WebGPU) such inputs give NaN losses.
  if (readsSync(p)) {
    for (const v of p.data()) {
      if (!(v >= 0 && v <= 1)) throw new ValueError('binaryCrossEntropy', `input ${v} is not a probability in [0, 1]; apply sigmoid first or use binaryCrossEntropyWithLogits`);
    }
  }
  const bce = (q: Tensor): Tensor => {
    const logp = clamp(log(q), { min: -100 });
    const log1mp = clamp(log(sub(1, q)), { min: -100 });
    return neg(add(mul(y, logp), mul(sub(1, y), log1mp)));
  };
  const pd = p.detach();
  const inside = ge(mul(pd, sub(1, pd)), BCE_GRAD_EPS);
  // Inside: the loss itself (differentiable to any order); at the edges: its clamped value plus
  // (p − p̄)·slope, which is 0 but has PyTorch's gradient.
  const slope = div(sub(pd, y.detach()), BCE_GRAD_EPS);
  const edge = add(bce(pd), mul(sub(p, pd), slope));
  let l = where(inside, bce(where(inside, p, 0.5)), edge);
  if (!readsSync(p)) l = where(logicalOr(lt(pd, 0), gt(pd, 1)), NaN, l); // not a probability: NaN (the CPU check above, on the device)
  const w = weightTensor(weight, p);
  if (w) l = mul(l, w);
  return reduce('binaryCrossEntropy', l, reduction);
}

/**
 * Sigmoid + binary cross-entropy in one stable expression:
 * (1 − y)·x + (1 + (pw − 1)·y)·(log(1 + e^{−|x|}) + max(−x, 0)). `posWeight` (per class) > 1
 * raises recall on the positive class.
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, { weight = null, posWeight = null, reduction = 'mean' }: BinaryLossOptions & { posWeight?: Tensor | readonly number[] | null } = {}): Tensor {
  const [x, y] = sameShape('binaryCrossEntropyWithLogits', logits, target);
  // log(1 + e^{−x}), stable; maximum's even split on the tie at 0 gives the exact σ(0) − 1 there.
  const softTerm = add(log1p(exp(neg(abs(x)))), maximum(neg(x), 0));
  const pw = weightTensor(posWeight, x);
  const coef = pw ? add(mul(sub(pw, 1), y), 1) : null;
  let l = add(mul(sub(1, y), x), coef ? mul(coef, softTerm) : softTerm);
  const w = weightTensor(weight, x);
  if (w) l = mul(l, w);
  return reduce('binaryCrossEntropyWithLogits', l, reduction);
}

// ---- losses on embeddings (metric learning) ----

export interface PairwiseDistanceOptions {
  /** The norm's order (> 0). Default 2. */
  p?: number;
  /** Added to the difference before the norm (keeps the gradient finite at x1 = x2). Default 1e-6. */
  eps?: number;
  keepDim?: boolean;
}

/**
 * ‖x1 − x2 + eps‖_p over the last dim, as torch.nn.functional.pairwise_distance: (N, D) and
 * (N, D) (or broadcastable, e.g. (D)) → (N).
 *
 * @example
 * pairwiseDistance(anchorEmb, otherEmb) // (N, 128), (N, 128) -> (N)
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, { p = 2, eps = 1e-6, keepDim = false }: PairwiseDistanceOptions = {}): Tensor {
  if (!(p > 0)) throw new ValueError('pairwiseDistance', `p must be > 0, got ${p}`);
  if (x1.ndim < 1 || x2.ndim < 1) throw new ShapeError('pairwiseDistance', `inputs need an embedding dim; got ${shapeStr(x1.shape)} and ${shapeStr(x2.shape)}`);
  const dt = toFloat(x1.dtype);
  const d = add(sub(cast(x1, dt), cast(x2, dt)), eps); // (N, D)
  return norm(d, { p, dim: -1, keepDim }); // (N, D) -> (N)
}

function checkEmbeddings(op: string, names: string[], xs: Tensor[]): void {
  const d = xs[0]!.shape.at(-1);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!isFloat(x.dtype)) throw new DTypeError(op, `${names[i]} must be a float tensor of embeddings, got ${x.dtype}`);
    if (x.ndim !== 1 && x.ndim !== 2) throw new ShapeError(op, `${names[i]} must be (D) or (N, D) embeddings, got ${shapeStr(x.shape)}`);
    if (x.shape.at(-1) !== d) {
      throw new ShapeError(op, `${names[0]} and ${names[i]} must have the same embedding size, got ${shapeStr(xs[0]!.shape)} and ${shapeStr(x.shape)}`);
    }
  }
}

export interface TripletMarginLossOptions {
  /** The gap wanted between d(a, n) and d(a, p). Default 1. */
  margin?: number;
  /** The distance's norm order. Default 2. */
  p?: number;
  /** As in pairwiseDistance. Default 1e-6. */
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (Balntas et al. 2016). Default false. */
  swap?: boolean;
  reduction?: Reduction;
}

/**
 * The triplet margin loss max(d(a, p) − d(a, n) + margin, 0) with d = pairwiseDistance (Schroff et
 * al. 2015, FaceNet), as torch.nn.functional.triplet_margin_loss: it pulls each anchor towards its
 * positive and pushes it at least `margin` further from its negative.
 *
 * Shape: anchor, positive, negative (N, D) or (D) → (N) with reduction 'none', else a scalar.
 *
 * @example
 * const emb = (x: Tensor) => net.forward(x); // (N, 1, 28, 28) -> (N, 64)
 * tripletMarginLoss(emb(a), emb(p), emb(n), { margin: 0.5 });
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: TripletMarginLossOptions = {}): Tensor {
  const { margin = 1, p = 2, eps = 1e-6, swap = false, reduction = 'mean' } = opts;
  const op = 'tripletMarginLoss';
  checkEmbeddings(op, ['anchor', 'positive', 'negative'], [anchor, positive, negative]);
  if (!Number.isFinite(margin)) throw new ValueError(op, `margin must be a finite number, got ${margin}`);
  const dPos = pairwiseDistance(anchor, positive, { p, eps }); // (N)
  let dNeg = pairwiseDistance(anchor, negative, { p, eps }); // (N)
  if (swap) dNeg = minimum(dNeg, pairwiseDistance(positive, negative, { p, eps }));
  return reduce(op, clamp(add(sub(dPos, dNeg), margin), { min: 0 }), reduction);
}

export interface CosineEmbeddingLossOptions {
  /** Dissimilar pairs cost max(cos − margin, 0); in [−1, 1], 0 to 0.5 suggested. Default 0. */
  margin?: number;
  reduction?: Reduction;
}

/**
 * 1 − cos(x1, x2) for pairs marked similar (target 1), max(0, cos(x1, x2) − margin) for pairs marked
 * dissimilar (target −1), as torch.nn.functional.cosine_embedding_loss; the cosine is
 * x1·x2 / √((‖x1‖² + 1e-12)(‖x2‖² + 1e-12)) as in PyTorch.
 *
 * Shape: x1, x2 (N, D) with target (N), or (D) with a scalar target → (N) with reduction 'none',
 * else a scalar. Targets other than 1 and −1 are refused.
 */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, target: Tensor, { margin = 0, reduction = 'mean' }: CosineEmbeddingLossOptions = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  checkEmbeddings(op, ['x1', 'x2'], [x1, x2]);
  if (x1.ndim !== x2.ndim) throw new ShapeError(op, `x1 ${shapeStr(x1.shape)} and x2 ${shapeStr(x2.shape)} must both be (N, D) or both (D)`);
  if (x1.ndim === 2 && x1.shape[0] !== x2.shape[0]) throw new ShapeError(op, `x1 ${shapeStr(x1.shape)} and x2 ${shapeStr(x2.shape)} must hold the same number of pairs`);
  const want = x1.shape.slice(0, -1);
  if (!shapesEqual(target.shape, want)) throw new ShapeError(op, `target must have shape ${shapeStr(want)} (one 1 or −1 per pair), got ${shapeStr(target.shape)}`);
  // Where values can only be read asynchronously (WebGPU) the targets are checked on the device:
  // a pair whose target is neither 1 nor −1 gets a NaN loss instead of this error.
  if (readsSync(target)) {
    for (const v of target.data()) {
      if (v !== 1 && v !== -1) throw new ValueError(op, `target values must be 1 (similar) or -1 (dissimilar), got ${v}; map 0/1 labels with y*2-1`);
    }
  }
  if (!(margin >= -1 && margin <= 1)) throw new ValueError(op, `margin must be in [-1, 1], got ${margin}`);
  const dt = toFloat(x1.dtype);
  const [a, b] = [cast(x1, dt), cast(x2, dt)];
  const EPS = 1e-12; // PyTorch's EPSILON in cosine_embedding_loss
  const dotAB = sum(mul(a, b), { dim: -1 }); // (N, D) -> (N)
  const magA = add(sum(mul(a, a), { dim: -1 }), EPS);
  const magB = add(sum(mul(b, b), { dim: -1 }), EPS);
  const cos = div(dotAB, sqrt(mul(magA, magB))); // (N)
  const t = cast(target, dt);
  const similar = eq(t, 1);
  const perPair = where(similar, sub(1, cos), clamp(sub(cos, margin), { min: 0 })); // (N)
  const valid = logicalOr(similar, eq(t, -1)); // false only where the CPU check above was skipped
  return reduce(op, readsSync(target) ? perPair : where(valid, perPair, NaN), reduction);
}
