// Fast paths of the fused LSTM cell, its gradient and the sequence-level LSTM on float32
// (assembly/lstm.ts, paths-matmul.ts's gemm): rows split across threads once a step is big enough
// to pay for waking one. The sequence runs each step's product and cell straight on the output's
// planes (lstm-sequence-layout.ts), so a step allocates nothing and records nothing.
import { numelOf } from '../../tensor/shape.js';
import { sequenceLayout, stepsOf, stepTime } from '../lstm-sequence-layout.js';
import { BINARY_CODES } from './codes.js';
import { ELEMS_PER_PART, f32, TRANS_PER_PART, type Engine, type FastPath, type FastPaths } from './engine.js';
import { gemm, gemmPacked, packedOperand } from './paths-matmul.js';

/** Rows per thread at least: ~TRANS_PER_PART transcendentals (5 per element of the state). */
const minRows = (H: number): number => Math.max(1, Math.ceil(TRANS_PER_PART / (5 * Math.max(H, 1))));
/** Rows per thread for the gradient: products only, ~16 flops an element of the state. */
const minRowsGrad = (H: number): number => Math.max(1, Math.ceil(ELEMS_PER_PART / (4 * Math.max(H, 1))));

/** One cell step over R rows: pre (+ pre2) and c → h, cOut (and the saved planes); byte offsets. */
function cellStep(e: Engine, R: number, H: number, p: { pre: number; pre2: number; c: number; h: number; cOut: number; saved: number }): void {
  e.parallel('lstmCellF32', { total: R, align: 1, minPart: minRows(H), range: ['r0', 'r1'] }, { ...p, n: R * H, H });
}

/** The cell's gradient over R rows; byte offsets (dh2, dc2 = 0: no second term). */
function cellGrad(e: Engine, R: number, H: number, p: { saved: number; c: number; gh: number; gc: number; dh2: number; dc2: number; dpre: number; dc: number }): void {
  e.parallel('lstmCellGradF32', { total: R, align: 1, minPart: minRowsGrad(H), range: ['r0', 'r1'] }, { ...p, n: R * H, H });
}

const lstmCell: FastPath<'lstmCell'> = (e, [pre, c], out) => {
  if (!f32(pre!, c!, out)) return false;
  const H = c!.shape[c!.shape.length - 1]!;
  const n = numelOf(c!.shape);
  if (H === 0) return true;
  const po = e.ptr(out);
  cellStep(e, n / H, H, { pre: e.ptr(pre!), pre2: 0, c: e.ptr(c!), h: po, cOut: po + 4 * n, saved: numelOf(out.shape) === 7 * n ? po + 8 * n : 0 });
  return true;
};

const lstmCellGrad: FastPath<'lstmCellGrad'> = (e, [a, c, g], out) => {
  if (!f32(a!, c!, g!, out)) return false;
  const H = c!.shape[c!.shape.length - 1]!;
  const n = numelOf(c!.shape);
  if (H === 0) return true;
  const po = e.ptr(out), pg = e.ptr(g!);
  cellGrad(e, n / H, H, { saved: e.ptr(a!) + 8 * n, c: e.ptr(c!), gh: pg, gc: pg + 4 * n, dh2: 0, dc2: 0, dpre: po, dc: po + 16 * n });
  return true;
};

const lstmSequence: FastPath<'lstmSequence'> = (e, [gi, whh, h0, c0], out, { reverse }) => {
  if (!f32(gi!, whh!, h0!, c0!, out)) return false;
  const [T, N] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const nb = 4 * N * H; // bytes of a plane
  const L = sequenceLayout(T, reverse);
  const po = e.ptr(out), pg = e.ptr(gi!), pw = e.ptr(whh!);
  const save = numelOf(out.shape) === (7 * T + 2) * N * H;
  e.copyBytes(po + L.init * nb, e.ptr(h0!), nb);
  e.copyBytes(po + (L.init + L.cells) * nb, e.ptr(c0!), nb);
  if (nb === 0 || T === 0) return true;
  const hw = e.temp(4 * nb); // h·W_hhᵀ of one step (N, 4H)
  const w = packedOperand(e, pw, 4 * H, H, true); // W_hhᵀ (H, 4H), packed once for every step
  try {
    for (let s = 0; s < T; s++) {
      const t = stepTime(s, T, reverse);
      const prev = L.previous + t, next = L.states + t;
      gemmPacked(e, po + prev * nb, w, hw.ptr, N, 4 * H, H); // (N, H)·(4H, H)ᵀ -> (N, 4H)
      cellStep(e, N, H, { pre: pg + t * 4 * nb, pre2: hw.ptr, c: po + (prev + L.cells) * nb, h: po + next * nb, cOut: po + (next + L.cells) * nb, saved: save ? po + L.saved(t) * nb : 0 });
    }
  } finally {
    hw.release();
    w.release();
  }
  return true;
};

const lstmSequenceGrad: FastPath<'lstmSequenceGrad'> = (e, [saved, whh, g], out, { reverse }) => {
  if (!f32(saved!, whh!, g!, out)) return false;
  const [planes, N] = saved!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const T = stepsOf(planes, true);
  const n = N * H, nb = 4 * n;
  const L = sequenceLayout(T, reverse);
  const ps = e.ptr(saved!), pw = e.ptr(whh!), pg = e.ptr(g!), po = e.ptr(out);
  const dwhh = po + T * 4 * nb, dh = dwhh + 16 * H * H, dc = dh + nb; // the output's parts
  e.ex.zeroFill(dh, 2 * nb); // the running gradients of h and c start at zero (a fresh output is not zeroed)
  const w = packedOperand(e, pw, H, 4 * H, false); // W_hh (4H, H), packed once for every step
  try {
    for (let s = T - 1; s >= 0 && n > 0; s--) {
      const t = stepTime(s, T, reverse);
      const prev = L.previous + t, next = L.states + t;
      const dpre = po + t * 4 * nb;
      cellGrad(e, N, H, { saved: ps + L.saved(t) * nb, c: ps + (prev + L.cells) * nb, gh: pg + next * nb, gc: pg + (next + L.cells) * nb, dh2: dh, dc2: dc, dpre, dc });
      gemmPacked(e, dpre, w, dh, N, H, 4 * H); // (N, 4H)·(4H, H) -> (N, H)
    }
  } finally {
    w.release();
  }
  // The initial states' own gradients (their planes of g) plus what the first step sends back.
  e.ex.binaryF32(BINARY_CODES.add, pg + L.init * nb, dh, dh, n, 0, 1, 0, 1, 1, 0, 0, 0, n);
  e.ex.binaryF32(BINARY_CODES.add, pg + (L.init + L.cells) * nb, dc, dc, n, 0, 1, 0, 1, 1, 0, 0, 0, n);
  if (H > 0) gemm(e, po, ps + L.previous * nb, dwhh, 1, 4 * H, H, T * N, true, false); // dW_hh: (T·N, 4H)ᵀ·(T·N, H) -> (4H, H)
  return true;
};

export const RECURRENT_PATHS = { lstmCell, lstmCellGrad, lstmSequence, lstmSequenceGrad } satisfies FastPaths;
