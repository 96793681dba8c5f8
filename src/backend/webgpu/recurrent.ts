// The fused LSTM cell primitives (ops/lstm-cell.ts) on the GPU: one thread per (row, hidden unit),
// gate order i, f, g, o, the same formulas as the reference kernels (backend/ts/lstm-cell.ts) in
// float32 (the reference rounds each op to float32 the same way; the GPU's sigmoid/tanh are the
// few-ulp ones of wgsl.ts, so results agree within webgpuTranscendentalF32, not bit for bit).
import type { TensorView } from '../backend.js';
import { DTypeError } from '../../errors.js';
import type { Gpu } from './gpu.js';
import { bindings, grid1d, main1d } from './wgsl.js';

/** The fused LSTM kernels (these and recurrent-sequence.ts's) run in float32 only. */
export function assertF32(op: string, views: readonly TensorView[]): void {
  const bad = views.find((t) => t.dtype !== 'float32');
  if (bad) throw new DTypeError(op, `the webgpu backend runs ${op} in float32 only, got ${bad.dtype}; use .float() or the wasm/ts backend`);
}

/** The four gates of element i = (row r, unit j): input, forget, cell candidate, output. */
const GATES = `  let n = u32(P[0]);
  let H = u32(P[1]);
  let r = i / H;
  let j = i % H;
  let q = r * 4u * H + j;
  let ig = ax_sigmoid(Pre[q]);
  let fg = ax_sigmoid(Pre[q + H]);
  let gg = ax_tanh(Pre[q + 2u * H]);
  let og = ax_sigmoid(Pre[q + 3u * H]);`;

/**
 * pre (R, 4H), c (R, H) → out (2, R, H): h' then c'; or out (7, R, H), which also keeps σ(i), σ(f),
 * tanh(g), σ(o) and tanh(c') (rows 2–6) for the gradient.
 */
export function lstmCell(gpu: Gpu, pre: TensorView, c: TensorView, out: TensorView): void {
  assertF32('lstmCell', [pre, c, out]);
  const H = c.shape[c.shape.length - 1]!;
  const n = c.storage.size; // R·H
  if (n === 0) return;
  const save = out.storage.size === 7 * n;
  const code = () => `${bindings([['Pre', 'array<f32>', false], ['C', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`${GATES}
  let cn = fg * C[i] + ig * gg;
  let t = ax_tanh(cn);
  O[n + i] = cn;
  O[i] = og * t;${save ? `
  O[2u * n + i] = ig;
  O[3u * n + i] = fg;
  O[4u * n + i] = gg;
  O[5u * n + i] = og;
  O[6u * n + i] = t;` : ''}`)}`;
  gpu.dispatch(save ? 'lstmCellSave' : 'lstmCell', code, [pre, c], [out], [n, H], grid1d(n));
}

/**
 * out7 (7, R, H) (lstmCell's output with the saved activations), c (R, H), g (2 or 7, R, H; rows 0
 * and 1 read) → out (5·R·H): the gradient of pre (R, 4H) then of c (R, H).
 */
export function lstmCellGrad(gpu: Gpu, saved: TensorView, c: TensorView, g: TensorView, out: TensorView): void {
  assertF32('lstmCellGrad', [saved, c, g, out]);
  const H = c.shape[c.shape.length - 1]!;
  const n = c.storage.size; // R·H
  if (n === 0) return;
  const code = () => `${bindings([['A', 'array<f32>', false], ['C', 'array<f32>', false], ['G', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let n = u32(P[0]);
  let H = u32(P[1]);
  let q = (i / H) * 4u * H + i % H;
  let ig = A[2u * n + i];
  let fg = A[3u * n + i];
  let gg = A[4u * n + i];
  let og = A[5u * n + i];
  let t = A[6u * n + i];
  let dh = G[i];
  let dct = G[n + i] + (dh * og) * (1.0f - t * t);
  O[q] = (dct * gg) * (ig * (1.0f - ig));
  O[q + H] = (dct * C[i]) * (fg * (1.0f - fg));
  O[q + 2u * H] = (dct * ig) * (1.0f - gg * gg);
  O[q + 3u * H] = (dh * t) * (og * (1.0f - og));
  O[4u * n + i] = dct * fg;`)}`;
  gpu.dispatch('lstmCellGrad', code, [saved, c, g], [out], [n, H], grid1d(n));
}
