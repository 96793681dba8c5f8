// Fast path of the fused attention forward (FusedOps.attention) on float32: one job over the B·L
// query rows, each row's scores, softmax and weighted sum of values done in one pass by
// assembly/attention.ts. Masks: none, or one bool/float mask of (L, S) or (B, L, S) elements.
import type { AttentionArgs, FusedOps } from '../backend.js';
import { MASK_ADD, MASK_BOOL, MASK_NONE } from './codes.js';
import { f32, FLOPS_PER_PART, type Engine } from './engine.js';

/** Run the fused kernel; false when the case has no kernel (the composite runs instead). */
export function attentionPath(e: Engine, { q, k, v, out, mask }: FusedOps['attention']['views'], { scale, causal }: AttentionArgs): boolean {
  if (!f32(q, k, v, out) || q.shape.length !== 3 || k.shape.length !== 3 || v.shape.length !== 3) return false;
  const [B, L, E] = q.shape as [number, number, number];
  const [S, Ev] = [k.shape[1]!, v.shape[2]!];
  if (k.shape[0] !== B || v.shape[0] !== B || k.shape[2] !== E || v.shape[1] !== S) return false;
  if (out.storage.size !== B * L * Ev || S === 0) return false; // no keys: the composite's empty softmax gives zeros
  let kind = MASK_NONE;
  let maskBatch = 0;
  let pm = 0;
  if (mask) {
    if (mask.dtype === 'bool') kind = MASK_BOOL;
    else if (mask.dtype === 'float32') kind = MASK_ADD;
    else return false;
    const n = mask.storage.size;
    if (n === B * L * S) maskBatch = L * S;
    else if (n !== L * S) return false; // other broadcasts (per head, per key) stay with the composite
    pm = e.ptr(mask);
  }
  if (B * L === 0 || Ev === 0) return true; // nothing to write
  // A row costs ~2·S·(E + Ev) flops (+ S exps): split rows so each part is worth a thread.
  const min = Math.ceil(FLOPS_PER_PART / Math.max(1, 2 * S * (E + Ev) + 20 * S));
  e.parallel('attentionF32', { total: B * L, align: 1, minPart: min, range: ['r0', 'r1'] }, {
    q: e.ptr(q), k: e.ptr(k), v: e.ptr(v), out: e.ptr(out), mask: pm, maskKind: kind, maskBatch, L, S, E, Ev, scale, causal: causal ? 1 : 0,
  });
  return true;
}
