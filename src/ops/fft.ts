// The discrete Fourier transform of real signals (numpy.fft.rfft / torch.fft.rfft): a radix-2
// real FFT for power-of-two lengths, the direct O(n²) sum otherwise; computed in float64 on the
// host. Axon has no complex dtype, so spectra come as a trailing (re, im) pair, the layout of
// torch.view_as_real.
import { GradError, ShapeError, ValueError } from '../errors.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { toFloat } from '../tensor/dtype.js';
import { normalizeDim, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { transpose } from './movement.js';

/** Refuse a tensor that would need gradients: the spectral ops are features, computed outside the graph. */
export function assertNoGrad(op: string, x: Tensor): void {
  if (x.requiresGrad && isGradEnabled()) {
    throw new GradError(op, `${op} is not differentiable in Axon (it computes input features); call it on a tensor that needs no gradient (x.detach()) or inside noGrad()`);
  }
}

/** In-place iterative radix-2 complex FFT of (re, im), length a power of two. */
function fftInPlace(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) { // bit-reversal permutation
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { [re[i], re[j]] = [re[j]!, re[i]!]; [im[i], im[j]] = [im[j]!, im[i]!]; }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let k = 0; k < len / 2; k++) {
      const wr = Math.cos(ang * k); // twiddles computed directly (not by recurrence): no drift for long transforms
      const wi = Math.sin(ang * k);
      for (let i = k; i < n; i += len) {
        const j = i + len / 2;
        const xr = re[j]! * wr - im[j]! * wi;
        const xi = re[j]! * wi + im[j]! * wr;
        re[j] = re[i]! - xr; im[j] = im[i]! - xi;
        re[i] = re[i]! + xr; im[i] = im[i]! + xi;
      }
    }
  }
}

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/**
 * The one-sided spectrum X[k] = Σ_t x[t]·e^{−2πikt/n}, k = 0…n/2, of n real samples, written as
 * (re, im) pairs into `out` (length 2·(⌊n/2⌋ + 1)). Power-of-two n ≥ 4: an n/2-point complex FFT of
 * the samples packed as (even, odd) pairs, then the split step (Numerical Recipes §12.3);
 * otherwise the direct sum.
 */
export function rfftInto(x: ArrayLike<number>, n: number, out: Float64Array): void {
  const bins = Math.floor(n / 2) + 1;
  if (isPow2(n) && n >= 4) {
    const h = n / 2;
    const zr = new Float64Array(h);
    const zi = new Float64Array(h);
    for (let i = 0; i < h; i++) { zr[i] = x[2 * i]!; zi[i] = x[2 * i + 1]!; }
    fftInPlace(zr, zi);
    for (let k = 0; k <= h; k++) {
      const a = k % h;
      const b = (h - k) % h;
      // E[k] = (Z[k] + conj Z[h−k]) / 2 (the even samples' spectrum), O[k] = (Z[k] − conj Z[h−k]) / 2i.
      const er = (zr[a]! + zr[b]!) / 2;
      const ei = (zi[a]! - zi[b]!) / 2;
      const or = (zi[a]! + zi[b]!) / 2;
      const oi = -(zr[a]! - zr[b]!) / 2;
      const wr = Math.cos((-2 * Math.PI * k) / n);
      const wi = Math.sin((-2 * Math.PI * k) / n);
      out[2 * k] = er + wr * or - wi * oi; // X[k] = E[k] + W^k·O[k]
      out[2 * k + 1] = ei + wr * oi + wi * or;
    }
    return;
  }
  for (let k = 0; k < bins; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const ang = (-2 * Math.PI * ((k * t) % n)) / n; // k·t mod n keeps the angle small and exact
      sr += x[t]! * Math.cos(ang);
      si += x[t]! * Math.sin(ang);
    }
    out[2 * k] = sr;
    out[2 * k + 1] = si;
  }
}

/**
 * The real-input FFT along `dim` (default the last), as torch.fft.rfft / numpy.fft.rfft with
 * norm 'backward' (no scaling): the ⌊n/2⌋ + 1 non-negative-frequency bins of n samples. The signal
 * is cut or zero-padded to `n` (default: its length). Returns (re, im) in a new trailing dim of 2
 * (torch.view_as_real's layout), in the input's float dtype. Not differentiable (see assertNoGrad).
 *
 * Shape: (…, L, …) → (…, ⌊n/2⌋ + 1, …, 2).
 *
 * @example
 * rfft(tensor([1, 2, 3, 4])) // [[10, 0], [-2, 2], [-2, 0]]
 */
export function rfft(x: Tensor, { n, dim = -1 }: { n?: number; dim?: number } = {}): Tensor {
  assertNoGrad('rfft', x);
  if (x.ndim === 0) throw new ShapeError('rfft', 'input must have at least one dim (the signal), got a scalar');
  const d = normalizeDim('rfft', dim, x.ndim);
  const len = n ?? x.shape[d]!;
  if (!Number.isInteger(len) || len < 1) throw new ValueError('rfft', `n must be a positive integer, got ${len} (input ${shapeStr(x.shape)})`);
  const last = x.ndim - 1;
  const moved = d === last ? x : transpose(x, d, last); // (…, L)
  const L = moved.shape.at(-1)!;
  const rows = moved.numel / Math.max(L, 1);
  const src = moved.data();
  const bins = Math.floor(len / 2) + 1;
  const out = new Float64Array(rows * bins * 2);
  const buf = new Float64Array(len);
  const spec = new Float64Array(bins * 2);
  for (let r = 0; r < rows; r++) {
    buf.fill(0);
    for (let t = 0; t < Math.min(L, len); t++) buf[t] = src[r * L + t]!;
    rfftInto(buf, len, spec);
    out.set(spec, r * bins * 2);
  }
  const dt = toFloat(x.dtype);
  const y = fromArray(out, [...moved.shape.slice(0, -1), bins, 2], dt, x.storage.backend); // (…, bins, 2)
  return d === last ? y : transpose(y, d, last); // (…, bins, …, 2)
}
