// Fast paths of the fused LSTM cell, its gradient and the sequence-level LSTM, GRU and Elman RNN on
// float32 (assembly/lstm.ts, assembly/gru.ts, paths-matmul.ts's gemm): rows split across threads once a step is big enough
// to pay for waking one. The sequence kernels run every step for a thread's batch rows straight on
// the output's planes (lstm-sequence-layout.ts): one job a sequence, nothing allocated per step.
import { numelOf } from '../../tensor/shape.js';
import { sequenceLayout, stepsOf } from '../lstm-sequence-layout.js';
import { gruLayout, gruStepsOf } from '../gru-sequence-layout.js';
import { ELEMS_PER_PART, f32, FLOPS_PER_PART, TRANS_PER_PART, type Engine, type FastPath, type FastPaths } from './engine.js';
import { gemm, MR, packedOperand } from './paths-matmul.js'; // sequence rows split on the micro-kernel's panel height MR

/** Rows per thread at least: ~TRANS_PER_PART transcendentals (5 per element of the state). */
const minRows = (H: number): number => Math.max(1, Math.ceil(TRANS_PER_PART / (5 * Math.max(H, 1))));
/** Rows per thread for the gradient: products only, ~16 flops an element of the state. */
const minRowsGrad = (H: number): number => Math.max(1, Math.ceil(ELEMS_PER_PART / (4 * Math.max(H, 1))));

const lstmCell: FastPath<'lstmCell'> = (e, [pre, c], out) => {
  if (!f32(pre!, c!, out)) return false;
  const H = c!.shape[c!.shape.length - 1]!;
  const n = numelOf(c!.shape);
  if (H === 0) return true;
  const po = e.ptr(out);
  e.parallel('lstmCellF32', { total: n / H, align: 1, minPart: minRows(H), range: ['r0', 'r1'] },
    { pre: e.ptr(pre!), c: e.ptr(c!), h: po, cOut: po + 4 * n, saved: numelOf(out.shape) === 7 * n ? po + 8 * n : 0, n, H });
  return true;
};

const lstmCellGrad: FastPath<'lstmCellGrad'> = (e, [a, c, g], out) => {
  if (!f32(a!, c!, g!, out)) return false;
  const H = c!.shape[c!.shape.length - 1]!;
  const n = numelOf(c!.shape);
  if (H === 0) return true;
  const po = e.ptr(out), pg = e.ptr(g!);
  e.parallel('lstmCellGradF32', { total: n / H, align: 1, minPart: minRowsGrad(H), range: ['r0', 'r1'] },
    { saved: e.ptr(a!) + 8 * n, c: e.ptr(c!), gh: pg, gc: pg + 4 * n, dpre: po, dc: po + 16 * n, n, H });
  return true;
};

/**
 * Batch rows a thread takes at least in the sequence kernels: the whole sequence's products for a
 * row are T·2G·H² flops (G gate blocks: 4 LSTM, 3 GRU, 1 RNN); the rows split at most `threads`
 * ways (the recurrence never mixes rows, so a thread runs every step for its rows with no barrier
 * between steps).
 */
const seqRows = (e: Engine, T: number, N: number, H: number, G: number): number =>
  Math.max(1, Math.floor(N / e.threads()), Math.ceil(FLOPS_PER_PART / Math.max(1, 2 * G * T * H * H)));

const lstmSequence: FastPath<'lstmSequence'> = (e, [gi, whh, h0, c0], out, { reverse }) => {
  if (!f32(gi!, whh!, h0!, c0!, out)) return false;
  const [T, N] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  if (16 * H > e.ex.gemmSpareBytes()) return false; // a row of a step's product (4H floats) must fit the kernel's scratch: the reference runs it
  const nb = 4 * N * H; // bytes of a plane
  const L = sequenceLayout(T, reverse);
  const po = e.ptr(out);
  e.copyBytes(po + L.init * nb, e.ptr(h0!), nb);
  e.copyBytes(po + (L.init + L.cells) * nb, e.ptr(c0!), nb);
  if (nb === 0 || T === 0) return true;
  const w = packedOperand(e, e.ptr(whh!), 4 * H, H, true); // W_hhᵀ (H, 4H), packed once for every step
  try {
    e.parallel('lstmSequenceF32', { total: N, align: MR, minPart: seqRows(e, T, N, H, 4), range: ['r0', 'r1'] },
      { gi: e.ptr(gi!), w: w.ptr, out: po, T, N, H, reverse: reverse ? 1 : 0, save: numelOf(out.shape) === (7 * T + 2) * N * H ? 1 : 0 });
  } finally {
    w.release();
  }
  return true;
};

const lstmSequenceGrad: FastPath<'lstmSequenceGrad'> = (e, [saved, whh, g], out, { reverse }) => {
  if (!f32(saved!, whh!, g!, out)) return false;
  const [planes, N] = saved!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const T = stepsOf(planes, true);
  if (N * H === 0) return true; // nothing to write
  const nb = 4 * N * H;
  const L = sequenceLayout(T, reverse);
  const ps = e.ptr(saved!), po = e.ptr(out);
  const w = packedOperand(e, e.ptr(whh!), H, 4 * H, false); // W_hh (4H, H), packed once for every step
  try {
    e.parallel('lstmSequenceGradF32', { total: N, align: MR, minPart: seqRows(e, T, N, H, 4), range: ['r0', 'r1'] },
      { saved: ps, w: w.ptr, g: e.ptr(g!), out: po, T, N, H, reverse: reverse ? 1 : 0 });
  } finally {
    w.release();
  }
  gemm(e, po, ps + L.previous * nb, po + T * 4 * nb, 1, 4 * H, H, T * N, true, false); // dW_hh: (T·N, 4H)ᵀ·(T·N, H) -> (4H, H)
  return true;
};

const gruSequence: FastPath<'gruSequence'> = (e, [gi, whh, bhh, h0], out, { reverse }) => {
  if (!f32(gi!, whh!, bhh!, h0!, out)) return false;
  const [T, N] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  if (12 * H > e.ex.gemmSpareBytes()) return false; // a row of a step's product (3H floats) must fit the kernel's scratch: the reference runs it
  const nb = 4 * N * H;
  const po = e.ptr(out);
  e.copyBytes(po + gruLayout(T, reverse).init * nb, e.ptr(h0!), nb);
  if (nb === 0 || T === 0) return true;
  const w = packedOperand(e, e.ptr(whh!), 3 * H, H, true); // W_hhᵀ (H, 3H), packed once for every step
  try {
    e.parallel('gruSequenceF32', { total: N, align: MR, minPart: seqRows(e, T, N, H, 3), range: ['r0', 'r1'] },
      { gi: e.ptr(gi!), w: w.ptr, b: e.ptr(bhh!), out: po, T, N, H, reverse: reverse ? 1 : 0, save: numelOf(out.shape) === (5 * T + 1) * N * H ? 1 : 0 });
  } finally {
    w.release();
  }
  return true;
};

const gruSequenceGrad: FastPath<'gruSequenceGrad'> = (e, [saved, whh, g], out, { reverse }) => {
  if (!f32(saved!, whh!, g!, out)) return false;
  const [planes, N] = saved!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const T = gruStepsOf(planes, true);
  if (N * H === 0) return true; // nothing to write
  if (4 * H > e.ex.gemmSpareBytes()) return false; // a row of dgh·W_hh (H floats) must fit the kernel's scratch
  const w = packedOperand(e, e.ptr(whh!), H, 3 * H, false); // W_hh (3H, H), packed once for every step
  try {
    e.parallel('gruSequenceGradF32', { total: N, align: MR, minPart: seqRows(e, T, N, H, 3), range: ['r0', 'r1'] },
      { saved: e.ptr(saved!), w: w.ptr, g: e.ptr(g!), out: e.ptr(out), T, N, H, reverse: reverse ? 1 : 0 });
  } finally {
    w.release();
  }
  return true;
};

const rnnSequence: FastPath<'rnnSequence'> = (e, [gi, whh, h0], out, { reverse, relu }) => {
  if (!f32(gi!, whh!, h0!, out)) return false;
  const [T, N] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  if (4 * H > e.ex.gemmSpareBytes()) return false; // a row of a step's product (H floats) must fit the kernel's scratch: the reference runs it
  const nb = 4 * N * H;
  const po = e.ptr(out);
  e.copyBytes(po + gruLayout(T, reverse).init * nb, e.ptr(h0!), nb);
  if (nb === 0 || T === 0) return true;
  const w = packedOperand(e, e.ptr(whh!), H, H, true); // W_hhᵀ (H, H), packed once for every step
  try {
    e.parallel('rnnSequenceF32', { total: N, align: MR, minPart: seqRows(e, T, N, H, 1), range: ['r0', 'r1'] },
      { gi: e.ptr(gi!), w: w.ptr, out: po, T, N, H, reverse: reverse ? 1 : 0, relu: relu ? 1 : 0 });
  } finally {
    w.release();
  }
  return true;
};

const rnnSequenceGrad: FastPath<'rnnSequenceGrad'> = (e, [saved, whh, g], out, { reverse, relu }) => {
  if (!f32(saved!, whh!, g!, out)) return false;
  const [planes, N] = saved!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  if (N * H === 0) return true; // nothing to write
  const w = packedOperand(e, e.ptr(whh!), H, H, false); // W_hh (H, H), packed once for every step
  try {
    e.parallel('rnnSequenceGradF32', { total: N, align: MR, minPart: seqRows(e, planes - 1, N, H, 1), range: ['r0', 'r1'] },
      { saved: e.ptr(saved!), w: w.ptr, g: e.ptr(g!), out: e.ptr(out), T: planes - 1, N, H, reverse: reverse ? 1 : 0, relu: relu ? 1 : 0 });
  } finally {
    w.release();
  }
  return true;
};

export const RECURRENT_PATHS = { lstmCell, lstmCellGrad, lstmSequence, lstmSequenceGrad, gruSequence, gruSequenceGrad, rnnSequence, rnnSequenceGrad } satisfies FastPaths;
