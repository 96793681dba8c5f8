// Reference kernels of the fused LSTM cell (ops/lstm-cell.ts). Every step is one op of the
// composite it replaces (recurrent-step.ts's formula and the tape rules of sigmoid, tanh, mul and
// add), each computed in float64 and rounded to the output's dtype as that op's kernel rounds it,
// so the fused result equals the composite's bit for bit. Gate order i, f, g, o; rows R = numel(c)/H.
import type { KView } from './kernels.js';

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const same = (x: number): number => x;
/** The rounding of one op's result to the output dtype. */
const rounding = (out: KView): ((x: number) => number) => (out.dtype === 'float32' ? Math.fround : same);

/**
 * pre (R, 4H), c (R, H) → out (2, R, H): h' then c'; or out (7, R, H), which also keeps σ(i),
 * σ(f), tanh(g), σ(o) and tanh(c') (rows 2–6) for the gradient.
 */
export function lstmCellKernel([pre, c]: readonly KView[], out: KView): void {
  const H = c!.shape[c!.shape.length - 1]!;
  const n = c!.data.length;
  const p = pre!.data, cd = c!.data, o = out.data;
  const save = o.length === 7 * n;
  const R = rounding(out);
  for (let r = 0; r * H < n; r++) {
    for (let j = 0; j < H; j++) {
      const q = r * 4 * H + j;
      const k = r * H + j;
      const i = R(sigmoid(p[q]!)), f = R(sigmoid(p[q + H]!)), g = R(Math.tanh(p[q + 2 * H]!)), og = R(sigmoid(p[q + 3 * H]!));
      const cn = R(R(f * cd[k]!) + R(i * g));
      const t = R(Math.tanh(cn));
      o[n + k] = cn;
      o[k] = og * t;
      if (save) { o[2 * n + k] = i; o[3 * n + k] = f; o[4 * n + k] = g; o[5 * n + k] = og; o[6 * n + k] = t; }
    }
  }
}

/**
 * out7 (7, R, H) (lstmCell's output with the saved activations), c (R, H), g (2 or 7, R, H; rows
 * 0 and 1 read) → out (5·R·H): the gradient of pre (R, 4H) then of c (R, H).
 */
export function lstmCellGradKernel([saved, c, g]: readonly KView[], out: KView): void {
  const H = c!.shape[c!.shape.length - 1]!;
  const n = c!.data.length;
  const a = saved!.data, cd = c!.data, gd = g!.data, o = out.data;
  const R = rounding(out);
  for (let r = 0; r * H < n; r++) {
    for (let j = 0; j < H; j++) {
      const q = r * 4 * H + j;
      const k = r * H + j;
      const i = a[2 * n + k]!, f = a[3 * n + k]!, gg = a[4 * n + k]!, og = a[5 * n + k]!, t = a[6 * n + k]!;
      const dh = gd[k]!;
      const dct = R(gd[n + k]! + R(R(dh * og) * R(1 - R(t * t))));
      o[q] = R(dct * gg) * R(i * R(1 - i));
      o[q + H] = R(dct * cd[k]!) * R(f * R(1 - f));
      o[q + 2 * H] = R(dct * i) * R(1 - R(gg * gg));
      o[q + 3 * H] = R(dh * t) * R(og * R(1 - og));
      o[4 * n + k] = dct * f;
    }
  }
}
