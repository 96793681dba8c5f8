// Weight initialization (torch.nn.init): each function fills a tensor in place and returns it.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { bumpVersion } from '../tensor/version.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear/conv/
 * sigmoid, 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for leakyRelu (slope default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leakyRelu': { const s = param ?? 0.01; return Math.sqrt(2 / (1 + s * s)); }
    case 'selu': return 3 / 4;
    default: throw new ValueError('calculateGain', `unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/** fan_in and fan_out of a weight: (out, in, *kernel) → in·k, out·k. */
export function calculateFans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ValueError('init', `fan in/out need a tensor with at least 2 dims, got shape [${t.shape.join(',')}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

interface GenOpt { generator?: Generator }

function fill(t: Tensor, f: () => number): Tensor {
  const v = new Float64Array(t.numel);
  for (let i = 0; i < v.length; i++) v[i] = f();
  t.storage.backend.write(t.storage, v);
  bumpVersion(t);
  return t;
}

/** Fill from U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, { generator = defaultGenerator }: GenOpt = {}): Tensor {
  return fill(t, () => a + (b - a) * generator.uniform());
}
/** Fill from N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, { generator = defaultGenerator }: GenOpt = {}): Tensor {
  return fill(t, () => mean + std * generator.normal());
}
export const constant_ = (t: Tensor, value: number): Tensor => fill(t, () => value);
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** Glorot/Xavier uniform: U(−a, a) with a = gain·√(6/(fanIn+fanOut)). */
export function xavierUniform_(t: Tensor, { gain = 1, generator }: GenOpt & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = calculateFans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, { generator });
}
/** Glorot/Xavier normal: N(0, std²) with std = gain·√(2/(fanIn+fanOut)). */
export function xavierNormal_(t: Tensor, { gain = 1, generator }: GenOpt & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = calculateFans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), { generator });
}

export interface KaimingOptions extends GenOpt {
  /** Negative slope of the leaky ReLU that follows (0 for ReLU). */
  a?: number;
  /** 'fanIn' keeps the forward variance, 'fanOut' the backward one. Default 'fanIn'. */
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' }: KaimingOptions): number {
  const fans = calculateFans(t);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}
/** He/Kaiming uniform: U(−b, b) with b = gain·√(3/fan). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound, opts);
}
/** He/Kaiming normal: N(0, (gain/√fan)²). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts), opts);
}

/**
 * A (semi-)orthogonal matrix (Saxe et al. 2013): QR of a Gaussian matrix with the signs of R's
 * diagonal folded into Q, scaled by `gain`. Dims after the first are flattened.
 */
export function orthogonal_(t: Tensor, { gain = 1, generator = defaultGenerator }: GenOpt & { gain?: number } = {}): Tensor {
  if (t.ndim < 2) throw new ValueError('orthogonal_', `needs at least 2 dims, got shape [${t.shape.join(',')}]`);
  const rows = t.shape[0]!;
  const cols = t.numel / rows;
  const tall = rows >= cols;
  const [m, n] = tall ? [rows, cols] : [cols, rows]; // work on an m×n matrix with m ≥ n
  const q: Float64Array[] = []; // n orthonormal columns of length m (modified Gram–Schmidt)
  for (let j = 0; j < n; j++) {
    const v = Float64Array.from({ length: m }, () => generator.normal());
    for (const u of q) {
      let d = 0;
      for (let i = 0; i < m; i++) d += u[i]! * v[i]!;
      for (let i = 0; i < m; i++) v[i]! -= d * u[i]!;
    }
    const nrm = Math.hypot(...v);
    for (let i = 0; i < m; i++) v[i]! /= nrm;
    q.push(v);
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? q[c]![r]! : q[r]![c]!);
  t.storage.backend.write(t.storage, out);
  bumpVersion(t);
  return t;
}
