// Spectrograms of audio: the short-time Fourier transform (torch.stft), the mel filter bank
// (torchaudio.functional.melscale_fbanks) and the (log-)mel spectrogram
// (torchaudio.transforms.MelSpectrogram), computed in float64 on the host from the real FFT in
// fft.ts. They make input features: not differentiable (see assertNoGrad).
import { ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { isFloat, toFloat, type FloatDType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertNoGrad, rfftInto } from './fft.js';

/**
 * The Hann window 0.5 − 0.5·cos(2πn/N) of `length` samples, N = length when `periodic` (the default,
 * as torch.hann_window: the window for spectral analysis) or length − 1 when symmetric.
 */
export function hannWindow(length: number, { periodic = true, dtype = 'float32' }: { periodic?: boolean; dtype?: FloatDType } = {}): Tensor {
  if (!Number.isInteger(length) || length < 0) throw new ValueError('hannWindow', `length must be a non-negative integer, got ${length}`);
  return fromArray(hann(length, periodic), [length], dtype);
}

function hann(length: number, periodic: boolean): Float64Array {
  const N = periodic ? length : length - 1;
  return Float64Array.from({ length }, (_, n) => (length === 1 ? 1 : 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N)));
}

export interface StftOptions {
  /** FFT size: each frame gives nFft / 2 + 1 frequency bins. */
  nFft: number;
  /** Samples between frame starts. Default ⌊winLength / 4⌋ (torch.stft's default). */
  hopLength?: number;
  /** Window length ≤ nFft, zero-padded on both sides to nFft. Default nFft. */
  winLength?: number;
  /** The window: 'hann' (periodic, the default), 'rect' (none) or a (winLength) tensor. */
  window?: 'hann' | 'rect' | Tensor;
  /** Pad nFft / 2 samples on each side so frame t is centred at t·hopLength. Default true. */
  center?: boolean;
  /** How `center` pads: 'reflect' (the default, as torch.stft and librosa) or 'constant' (zeros). */
  padMode?: 'reflect' | 'constant';
}

interface Frames { rows: number; len: number; batch: readonly number[]; src: ArrayLike<number>; dtype: FloatDType }

function signals(op: string, x: Tensor): Frames {
  assertNoGrad(op, x);
  if (!isFloat(x.dtype)) throw new ValueError(op, `the signal must be a float tensor, got ${x.dtype}; convert with .float()`);
  if (x.ndim < 1) throw new ShapeError(op, `the signal must be (L) or (…, L) samples, got a scalar`);
  const len = x.shape.at(-1)!;
  return { rows: x.numel / Math.max(len, 1), len, batch: x.shape.slice(0, -1), src: x.data(), dtype: toFloat(x.dtype) };
}

/** The resolved framing of stftOptions, and a function writing each frame's one-sided spectrum. */
function framing(op: string, o: StftOptions, len: number): { bins: number; frames: number; spectra: (src: ArrayLike<number>, offset: number, visit: (t: number, spec: Float64Array) => void) => void } {
  const { nFft } = o;
  if (!Number.isInteger(nFft) || nFft < 1) throw new ValueError(op, `nFft must be a positive integer, got ${nFft}`);
  const winLength = o.winLength ?? nFft;
  if (!Number.isInteger(winLength) || winLength < 1 || winLength > nFft) throw new ValueError(op, `winLength must be an integer in 1..nFft (${nFft}), got ${winLength}`);
  const hop = o.hopLength ?? Math.floor(winLength / 4);
  if (!Number.isInteger(hop) || hop < 1) throw new ValueError(op, `hopLength must be a positive integer, got ${hop}`);
  const center = o.center ?? true;
  const padMode = o.padMode ?? 'reflect';
  if (padMode !== 'reflect' && padMode !== 'constant') throw new ValueError(op, `padMode must be 'reflect' or 'constant', got ${JSON.stringify(padMode)}`);
  let win: Float64Array;
  const w = o.window ?? 'hann';
  if (w === 'hann') win = hann(winLength, true);
  else if (w === 'rect') win = new Float64Array(winLength).fill(1);
  else if (typeof w === 'object' && w !== null && 'shape' in w) {
    if (w.ndim !== 1 || w.shape[0] !== winLength) throw new ShapeError(op, `window must have shape (${winLength}) (winLength), got ${shapeStr(w.shape)}`);
    win = Float64Array.from(w.data());
  } else throw new ValueError(op, `window must be 'hann', 'rect' or a tensor, got ${JSON.stringify(w)}`);
  const full = new Float64Array(nFft); // the window centred in nFft samples, as torch.stft pads it
  full.set(win, Math.floor((nFft - winLength) / 2));
  const pad = center ? Math.floor(nFft / 2) : 0;
  if (center && padMode === 'reflect' && pad >= len) {
    throw new ShapeError(op, `reflect padding needs a signal longer than nFft / 2 = ${pad} samples, got ${len}; use a shorter nFft, padMode 'constant' or center false`);
  }
  const padded = len + 2 * pad;
  if (padded < nFft) throw new ShapeError(op, `the signal (${len} samples${center ? `, ${padded} after centre padding` : ''}) is shorter than one frame of nFft = ${nFft}`);
  const frames = 1 + Math.floor((padded - nFft) / hop);
  const bins = Math.floor(nFft / 2) + 1;
  const at = (src: ArrayLike<number>, offset: number, i: number): number => { // padded sample i
    let j = i - pad;
    if (j < 0 || j >= len) {
      if (padMode === 'constant') return 0;
      j = j < 0 ? -j : 2 * (len - 1) - j; // reflect without repeating the edge sample (numpy 'reflect')
    }
    return src[offset + j]!;
  };
  const frame = new Float64Array(nFft);
  const spec = new Float64Array(2 * bins);
  return {
    bins, frames,
    spectra: (src, offset, visit) => {
      for (let t = 0; t < frames; t++) {
        for (let i = 0; i < nFft; i++) frame[i] = at(src, offset, t * hop + i) * full[i]!;
        rfftInto(frame, nFft, spec);
        visit(t, spec);
      }
    },
  };
}

/**
 * The short-time Fourier transform, as torch.stft(x, n_fft, hop_length, win_length, window,
 * center, pad_mode, normalized=False, onesided=True, return_complex=True) viewed as real: each
 * frame of nFft samples (starting every hopLength, windowed) goes through the real FFT.
 *
 * Shape: (L) or (B, L) → (nFft/2 + 1, frames, 2) or (B, nFft/2 + 1, frames, 2), the last dim
 * (re, im); frames = 1 + ⌊(L + 2·⌊nFft/2⌋ − nFft) / hopLength⌋ with `center` (without: L, no padding).
 *
 * @example
 * stft(clip, { nFft: 256, hopLength: 128 }) // (8000) -> (129, 63, 2)
 */
export function stft(x: Tensor, opts: StftOptions): Tensor {
  const s = signals('stft', x);
  const f = framing('stft', opts, s.len);
  const out = new Float64Array(s.rows * f.bins * f.frames * 2);
  for (let r = 0; r < s.rows; r++) {
    const base = r * f.bins * f.frames * 2;
    f.spectra(s.src, r * s.len, (t, spec) => {
      for (let k = 0; k < f.bins; k++) {
        out[base + (k * f.frames + t) * 2] = spec[2 * k]!;
        out[base + (k * f.frames + t) * 2 + 1] = spec[2 * k + 1]!;
      }
    });
  }
  return fromArray(out, [...s.batch, f.bins, f.frames, 2], s.dtype, x.storage.backend); // (…, bins, frames, 2)
}

export type MelScale = 'htk' | 'slaney';

/** Hertz to mels: HTK 2595·log10(1 + f/700); Slaney linear below 1 kHz (3 per 200 Hz), logarithmic above. */
export function hzToMel(f: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + f / 700);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logStep : f / fSp;
}

/** Mels to hertz, the inverse of hzToMel. */
export function melToHz(m: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 700 * (10 ** (m / 2595) - 1);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  return m >= minLogMel ? minLogHz * Math.exp(logStep * (m - minLogMel)) : fSp * m;
}

export interface MelFilterBankOptions {
  /** Frequency bins of the spectrogram (nFft / 2 + 1). */
  nFreqs: number;
  /** Number of mel bands. */
  nMels: number;
  sampleRate: number;
  /** Lowest band edge in Hz. Default 0. */
  fMin?: number;
  /** Highest band edge in Hz. Default sampleRate / 2. */
  fMax?: number;
  /** 'htk' (the default, as torchaudio) or 'slaney' (librosa's default). */
  melScale?: MelScale;
  /** 'slaney': scale each triangle to unit area (2 / band width), as librosa's default; null (the default, as torchaudio): peaks of 1. */
  norm?: 'slaney' | null;
  dtype?: FloatDType;
}

/**
 * The triangular mel filter bank, exactly torchaudio.functional.melscale_fbanks: nMels + 2 points
 * evenly spaced in mels from fMin to fMax, triangles between neighbours over the bin frequencies
 * linspace(0, ⌊sampleRate / 2⌋, nFreqs) (torchaudio's integer division; librosa uses sampleRate / 2,
 * the same for even rates).
 *
 * Shape: → (nFreqs, nMels); a power spectrogram (…, nFreqs, T) maps to mels as fbᵀ · spec.
 */
export function melFilterBank({ nFreqs, nMels, sampleRate, fMin = 0, fMax, melScale = 'htk', norm = null, dtype = 'float32' }: MelFilterBankOptions): Tensor {
  return fromArray(filterBank('melFilterBank', { nFreqs, nMels, sampleRate, fMin, fMax: fMax ?? sampleRate / 2, melScale, norm }), [nFreqs, nMels], dtype);
}

function filterBank(op: string, o: { nFreqs: number; nMels: number; sampleRate: number; fMin: number; fMax: number; melScale: MelScale; norm: 'slaney' | null }): Float64Array {
  const { nFreqs, nMels, sampleRate, fMin, fMax, melScale, norm } = o;
  if (!Number.isInteger(nFreqs) || nFreqs < 2) throw new ValueError(op, `nFreqs must be an integer ≥ 2 (nFft / 2 + 1), got ${nFreqs}`);
  if (!Number.isInteger(nMels) || nMels < 1) throw new ValueError(op, `nMels must be a positive integer, got ${nMels}`);
  if (!(sampleRate > 0)) throw new ValueError(op, `sampleRate must be > 0 Hz, got ${sampleRate}`);
  if (!(fMin >= 0 && fMin < fMax && fMax <= sampleRate / 2)) throw new ValueError(op, `need 0 ≤ fMin < fMax ≤ sampleRate / 2 (${sampleRate / 2} Hz), got fMin ${fMin}, fMax ${fMax}`);
  if (melScale !== 'htk' && melScale !== 'slaney') throw new ValueError(op, `melScale must be 'htk' or 'slaney', got ${JSON.stringify(melScale)}`);
  if (norm !== null && norm !== 'slaney') throw new ValueError(op, `norm must be 'slaney' or null, got ${JSON.stringify(norm)}`);
  const top = Math.floor(sampleRate / 2);
  const freqs = Float64Array.from({ length: nFreqs }, (_, i) => (top * i) / (nFreqs - 1));
  const mMin = hzToMel(fMin, melScale);
  const mMax = hzToMel(fMax, melScale);
  const pts = Float64Array.from({ length: nMels + 2 }, (_, i) => melToHz(mMin + ((mMax - mMin) * i) / (nMels + 1), melScale));
  const fb = new Float64Array(nFreqs * nMels);
  for (let m = 0; m < nMels; m++) {
    const [lo, mid, hi] = [pts[m]!, pts[m + 1]!, pts[m + 2]!];
    const scale = norm === 'slaney' ? 2 / (hi - lo) : 1;
    for (let k = 0; k < nFreqs; k++) {
      const down = (freqs[k]! - lo) / (mid - lo); // rising edge
      const up = (hi - freqs[k]!) / (hi - mid); // falling edge
      fb[k * nMels + m] = Math.max(0, Math.min(down, up)) * scale;
    }
  }
  return fb;
}

export interface MelSpectrogramOptions extends Omit<StftOptions, 'nFft'>, Omit<MelFilterBankOptions, 'nFreqs' | 'nMels' | 'dtype'> {
  /** FFT size. Default 400 (torchaudio's). */
  nFft?: number;
  /** Default ⌊winLength / 2⌋ (torchaudio's; stft's own default is a quarter). */
  hopLength?: number;
  /** Mel bands. Default 128 (torchaudio's). */
  nMels?: number;
  /** Exponent of the magnitude: 2 power (the default), 1 amplitude. */
  power?: number;
  /** Return ln(mel + logOffset) instead of mel. Default false. */
  log?: boolean;
  /** Added before the log so silence gives a finite value. Default 1e-6. */
  logOffset?: number;
}

/**
 * The mel spectrogram, as torchaudio.transforms.MelSpectrogram (same defaults: nFft 400, winLength
 * nFft, hopLength ⌊winLength / 2⌋, periodic Hann window, center with reflect padding, power 2, HTK
 * mel scale, no filter normalisation, fMin 0, fMax sampleRate / 2, 128 mels): |stft|^power mapped
 * through melFilterBank. With `log`, ln(mel + logOffset), the usual input to a speech network.
 *
 * Shape: (L) or (B, L) samples → (nMels, frames) or (B, nMels, frames).
 *
 * @example
 * melSpectrogram(clip, { sampleRate: 8000, nFft: 256, hopLength: 128, nMels: 40, log: true }) // (8000) -> (40, 63)
 */
export function melSpectrogram(x: Tensor, opts: MelSpectrogramOptions): Tensor {
  const op = 'melSpectrogram';
  const nFft = opts.nFft ?? 400;
  const winLength = opts.winLength ?? nFft;
  const hopLength = opts.hopLength ?? Math.floor(winLength / 2);
  const nMels = opts.nMels ?? 128;
  const power = opts.power ?? 2;
  if (!(power > 0)) throw new ValueError(op, `power must be > 0, got ${power}`);
  const logOffset = opts.logOffset ?? 1e-6;
  if (opts.log && !(logOffset > 0)) throw new ValueError(op, `logOffset must be > 0 with log, got ${logOffset}`);
  const s = signals(op, x);
  const f = framing(op, { ...opts, nFft, winLength, hopLength }, s.len);
  const fb = filterBank(op, { nFreqs: f.bins, nMels, sampleRate: opts.sampleRate, fMin: opts.fMin ?? 0, fMax: opts.fMax ?? opts.sampleRate / 2, melScale: opts.melScale ?? 'htk', norm: opts.norm ?? null });
  const out = new Float64Array(s.rows * nMels * f.frames);
  const mag = new Float64Array(f.bins);
  for (let r = 0; r < s.rows; r++) {
    const base = r * nMels * f.frames;
    f.spectra(s.src, r * s.len, (t, spec) => {
      for (let k = 0; k < f.bins; k++) {
        const p2 = spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
        mag[k] = power === 2 ? p2 : Math.sqrt(p2) ** power;
      }
      for (let m = 0; m < nMels; m++) {
        let acc = 0;
        for (let k = 0; k < f.bins; k++) acc += fb[k * nMels + m]! * mag[k]!;
        out[base + m * f.frames + t] = opts.log ? Math.log(acc + logOffset) : acc;
      }
    });
  }
  return fromArray(out, [...s.batch, nMels, f.frames], s.dtype, x.storage.backend); // (…, nMels, frames)
}
