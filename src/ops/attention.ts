// Scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention), composed from
// matmul/softmax/where: no kernel and no gradient rule of its own. When no gradient is needed, a
// backend's fused forward (FusedOps.attention) may run it instead, tested equal to the composite.
import { ShapeError, ValueError, DTypeError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { isFloat } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { numelOf, shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { noteConsumed, scopeDepth } from '../tensor/lifetime.js';
import { runFused, type TensorView } from '../backend/backend.js';
import { needsGrad } from './dispatch.js';
import { dropout, softmax } from './activation.js';
import { add, cast, logicalAnd, logicalNot, mul, where } from './elementwise.js';
import { bmm, matmul } from './linalg.js';
import { reshape, transpose } from './movement.js';

export interface SdpaOptions {
  /**
   * Broadcastable to (..., L, S). A bool mask says where to attend (true = attend, false = masked,
   * as in PyTorch's SDPA); a float mask is added to the scores (use −Infinity to mask).
   */
  attnMask?: Tensor | null;
  /** Probability of dropping an attention weight (applied when > 0, as in PyTorch). Default 0. */
  dropoutP?: number;
  /** Mask out keys after the query (top-left aligned lower triangle, as PyTorch). Default false. */
  isCausal?: boolean;
  /** Score scale; default 1/√E with E the query/key width. */
  scale?: number | null;
  /**
   * (N, S) bool, true = this key is padding and is ignored (PyTorch's key_padding_mask
   * convention), for queries shaped (N, ..., L, E).
   */
  keyPaddingMask?: Tensor | null;
  /** Random stream for the attention dropout. */
  generator?: Generator;
}

/** A (L, S) bool tensor, true on and below the diagonal (positions a query may attend to). */
export function causalMask(L: number, S: number, like: Tensor): Tensor {
  const m = new Uint8Array(L * S);
  for (let i = 0; i < L; i++) for (let j = 0; j <= Math.min(i, S - 1); j++) m[i * S + j] = 1;
  return fromArray(m, [L, S], 'bool', like.storage.backend); // (L, S)
}

function checkMask(op: string, mask: Tensor, want: readonly number[], what: string): void {
  const ok = mask.ndim <= want.length && mask.shape.every((s, i) => {
    const w = want[want.length - mask.ndim + i]!;
    return s === w || s === 1;
  });
  if (!ok) {
    throw new ShapeError(op, `${what} has shape ${shapeStr(mask.shape)} but must broadcast to the scores' shape ${shapeStr(want)} (…, L queries, S keys); build it as (L, S) or (N·heads, L, S)`);
  }
}

/** Turn the masks into one boolean "attend" mask and/or one additive float mask. */
function combineMasks(op: string, scores: Tensor, { attnMask = null, isCausal = false, keyPaddingMask = null }: SdpaOptions): { allow: Tensor | null; bias: Tensor | null } {
  const L = scores.shape[scores.ndim - 2]!;
  const S = scores.shape[scores.ndim - 1]!;
  let allow: Tensor | null = null;
  let bias: Tensor | null = null;
  if (isCausal) {
    if (attnMask) throw new ValueError(op, 'pass either attnMask or isCausal, not both (PyTorch refuses both too); fold the causal triangle into your mask');
    allow = causalMask(L, S, scores);
  }
  if (attnMask) {
    checkMask(op, attnMask, scores.shape, 'attnMask');
    if (attnMask.dtype === 'bool') allow = attnMask;
    else if (isFloat(attnMask.dtype)) bias = attnMask;
    else throw new DTypeError(op, `attnMask must be bool (true = attend) or float (added to the scores), got ${attnMask.dtype}`);
  }
  if (keyPaddingMask) {
    const N = scores.shape[0]!;
    if (keyPaddingMask.ndim !== 2 || keyPaddingMask.shape[0] !== N || keyPaddingMask.shape[1] !== S) {
      throw new ShapeError(op, `keyPaddingMask has shape ${shapeStr(keyPaddingMask.shape)} but must be (N, S) = [${N}, ${S}] (batch, keys), true where the key is padding`);
    }
    const kp = keyPaddingMask.dtype === 'bool' ? logicalNot(keyPaddingMask) : null;
    const shape = [N, ...Array(scores.ndim - 2).fill(1), S]; // (N, 1.., S)
    if (kp) allow = allow ? logicalAnd(allow, reshape(kp, shape)) : reshape(kp, shape);
    else bias = bias ? add(bias, reshape(keyPaddingMask, shape)) : reshape(cast(keyPaddingMask, scores.dtype), shape);
  }
  return { allow, bias };
}

/** Validate q/k/v and dropoutP; returns the score scale and whether q, k, v share their batch dims. */
function checkInputs(op: string, q: Tensor, k: Tensor, v: Tensor, opts: SdpaOptions): { s: number; sameBatch: boolean } {
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) {
    throw new ShapeError(op, `query, key and value need at least 2 dims (…, L, E), got ${shapeStr(q.shape)}, ${shapeStr(k.shape)}, ${shapeStr(v.shape)}`);
  }
  const E = q.shape[q.ndim - 1]!;
  if (k.shape[k.ndim - 1] !== E) throw new ShapeError(op, `query width ${E} ≠ key width ${k.shape[k.ndim - 1]} (query ${shapeStr(q.shape)}, key ${shapeStr(k.shape)}); project them to the same size`);
  if (k.shape[k.ndim - 2] !== v.shape[v.ndim - 2]) throw new ShapeError(op, `key and value need the same number of positions S, got key ${shapeStr(k.shape)} and value ${shapeStr(v.shape)}`);
  const { dropoutP = 0, scale = null } = opts;
  if (!(dropoutP >= 0 && dropoutP < 1)) throw new ValueError(op, `dropoutP must be in [0, 1), got ${dropoutP}`);
  const sameBatch = q.ndim === k.ndim && q.ndim === v.ndim && q.shape.slice(0, -2).every((d, i) => d === k.shape[i] && d === v.shape[i]);
  return { s: scale ?? 1 / Math.sqrt(E), sameBatch };
}

/**
 * Attention with its weights: softmax(q·kᵀ·scale + masks) (after dropout) and weights·v.
 * Returns [output (..., L, Ev), weights (..., L, S)].
 */
export function attentionWithWeights(q: Tensor, k: Tensor, v: Tensor, opts: SdpaOptions = {}): [Tensor, Tensor] {
  const op = 'scaledDotProductAttention';
  const { s, sameBatch } = checkInputs(op, q, k, v, opts);
  const E = q.shape[q.ndim - 1]!;
  const { dropoutP = 0, generator } = opts;
  let scores: Tensor;
  if (sameBatch) {
    const lead = q.shape.slice(0, -2);
    const B = numelOf(lead);
    const [L, S] = [q.shape[q.ndim - 2]!, k.shape[k.ndim - 2]!];
    const q3 = reshape(q, [B, L, E]); // (..., L, E) -> (B, L, E)
    const k3 = reshape(k, [B, S, E]); // (..., S, E) -> (B, S, E)
    scores = reshape(bmm(q3, k3, false, true), [...lead, L, S]); // (B, L, S) -> (..., L, S)
  } else {
    scores = matmul(q, transpose(k, -2, -1)); // (..., L, E)·(..., E, S) -> (..., L, S)
  }
  scores = mul(scores, s);
  const { allow, bias } = combineMasks(op, scores, opts);
  if (bias) scores = add(scores, bias);
  if (allow) scores = where(allow, scores, -Infinity);
  let w = softmax(scores, { dim: -1 }); // (..., L, S)
  if (dropoutP > 0) w = dropout(w, { p: dropoutP, training: true, generator });
  let out: Tensor;
  if (sameBatch && w.ndim === v.ndim) {
    const lead = w.shape.slice(0, -2);
    const B = numelOf(lead);
    const [L, S, Ev] = [w.shape[w.ndim - 2]!, w.shape[w.ndim - 1]!, v.shape[v.ndim - 1]!];
    out = reshape(bmm(reshape(w, [B, L, S]), reshape(v, [B, S, Ev])), [...lead, L, Ev]); // (B, L, S)·(B, S, Ev) -> (..., L, Ev)
  } else {
    out = matmul(w, v); // (..., L, S)·(..., S, Ev) -> (..., L, Ev)
  }
  return [out, w];
}

/**
 * Scaled dot-product attention, as torch.nn.functional.scaled_dot_product_attention:
 * softmax(q·kᵀ·scale + mask)·v with scale = 1/√E by default.
 *
 * Masks: `attnMask` bool (true = attend) or float (added); `isCausal` lets query i see keys
 * 0..i; `keyPaddingMask` (N, S) bool with true = ignore that key. A query that can see no key
 * gets NaN, as in PyTorch.
 *
 * Shape: q (..., L, E), k (..., S, E), v (..., S, Ev) → (..., L, Ev).
 *
 * @example
 * const q = randn([2, 4, 8, 16]); // (N, heads, L, E)
 * scaledDotProductAttention(q, q, q, { isCausal: true }).shape; // [2, 4, 8, 16]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: SdpaOptions = {}): Tensor {
  return fusedAttention(q, k, v, opts) ?? attentionWithWeights(q, k, v, opts)[0];
}

/**
 * The backend's fused forward (FusedOps.attention, e.g. the wasm SIMD kernel) when it applies: no
 * gradient needed (grad mode off or no input requires grad — generation, evaluation), no dropout,
 * no key-padding mask, q/k/v with the same batch dims, and a mask (if any) of (L, S) or the full
 * (..., L, S) shape. Null otherwise, and the composite runs; both compute the same function
 * (test/unit/wasm-attention.test.ts holds them equal).
 */
function fusedAttention(q: Tensor, k: Tensor, v: Tensor, opts: SdpaOptions): Tensor | null {
  const backend = q.storage.backend;
  const { attnMask = null, isCausal = false, keyPaddingMask = null, dropoutP = 0 } = opts;
  if (!backend.fused?.attention || dropoutP > 0 || keyPaddingMask || (isCausal && attnMask)) return null;
  const inputs = attnMask ? [q, k, v, attnMask] : [q, k, v];
  if (needsGrad(inputs) || inputs.some((t) => t.storage.backend !== backend)) return null;
  const { s, sameBatch } = checkInputs('scaledDotProductAttention', q, k, v, opts);
  if (!sameBatch) return null;
  const lead = q.shape.slice(0, -2);
  const B = numelOf(lead);
  const [L, E, S, Ev] = [q.shape[q.ndim - 2]!, q.shape[q.ndim - 1]!, k.shape[k.ndim - 2]!, v.shape[v.ndim - 1]!];
  if (attnMask) {
    const m = attnMask.shape;
    const inner = m.length >= 2 && m[m.length - 2] === L && m[m.length - 1] === S;
    const onePlane = inner && m.slice(0, -2).every((d) => d === 1);
    const full = m.length === lead.length + 2 && inner && lead.every((d, i) => d === m[i]);
    if (!onePlane && !full) return null; // other broadcasts: the composite (which also validates them)
  }
  const outShape = [...lead, L, Ev]; // (..., L, Ev)
  const out = new Tensor(backend.alloc(q.dtype, numelOf(outShape)), outShape, q.dtype);
  const view = (t: Tensor, shape: number[]): TensorView => ({ storage: t.storage, shape, dtype: t.dtype });
  const done = runFused(backend, 'attention', { q: view(q, [B, L, E]), k: view(k, [B, S, E]), v: view(v, [B, S, Ev]), out: view(out, [B, L, Ev]), mask: attnMask },
    { scale: s, causal: isCausal });
  if (!done) {
    out.dispose();
    return null;
  }
  if (scopeDepth() === 0) out.sources = inputs; // as dispatch's record(): released with a hand-written loop's graph
  else noteConsumed(inputs);
  return out;
}
