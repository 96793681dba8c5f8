// Positional encodings: fixed sinusoids (Vaswani et al.), learned position embeddings (GPT-2) and
// rotary embeddings (RoPE, Su et al. 2021).
import { ShapeError, ValueError } from '../errors.js';
import { dropout } from '../ops/activation.js';
import { add, mul } from '../ops/elementwise.js';
import { cat, slice, transpose } from '../ops/movement.js';
import { fromArray } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { keep } from '../tensor/lifetime.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { normal_ } from './init.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';
import { empty } from './util.js';

function checkLength(layer: string, T: number, maxLen: number): void {
  if (T > maxLen) {
    throw new ShapeError(layer, `the sequence has ${T} positions but the layer was built for at most ${maxLen}; crop the input to its last ${maxLen} positions or build the layer with a larger maxLen`);
  }
}

/**
 * Adds the fixed encodings PE[pos, 2i] = sin(pos/10000^(2i/d)), PE[pos, 2i+1] = cos(…), then
 * dropout. The table is the buffer `pe` (maxLen, dModel).
 *
 * Shape: x (N, T, dModel) with batchFirst (default true), else (T, N, dModel) → same.
 *
 * @example
 * new SinusoidalPositionalEncoding(64).forward(zeros([2, 10, 64])).shape; // [2, 10, 64]
 */
export class SinusoidalPositionalEncoding extends Module {
  pe: Tensor;
  constructor(readonly dModel: number, readonly maxLen = 5000, readonly opts: { dropout?: number; batchFirst?: boolean; dtype?: DType } = {}) {
    super();
    const d = new Float64Array(maxLen * dModel);
    for (let p = 0; p < maxLen; p++) {
      for (let i = 0; i < dModel; i += 2) {
        const angle = p / 10000 ** (i / dModel);
        d[p * dModel + i] = Math.sin(angle);
        if (i + 1 < dModel) d[p * dModel + i + 1] = Math.cos(angle);
      }
    }
    this.pe = keep(fromArray(d, [maxLen, dModel], opts.dtype ?? 'float32')); // (maxLen, dModel)
  }
  forward(x: Tensor): Tensor {
    const bf = this.opts.batchFirst ?? true;
    const T = x.shape[bf ? 1 : 0]!;
    if (x.ndim !== 3 || x.shape[2] !== this.dModel) throw new ShapeError('SinusoidalPositionalEncoding', `input must be ${bf ? '(N, T, dModel)' : '(T, N, dModel)'} with dModel ${this.dModel}, got ${shapeStr(x.shape)}`);
    checkLength('SinusoidalPositionalEncoding', T, this.maxLen);
    const pe = slice(this.pe, [[0, T]]); // (T, dModel)
    const y = add(x, bf ? pe : transpose(pe.reshape([1, T, this.dModel]), 0, 1)); // (T, 1, dModel) broadcasts over N
    return dropout(y, { p: this.opts.dropout ?? 0, training: this.training });
  }
  override config(): ModuleConfig { return { type: 'SinusoidalPositionalEncoding', args: [this.dModel, this.maxLen, this.opts] }; }
}
registerModule('SinusoidalPositionalEncoding', (d: number, m?: number, o?: { dropout?: number; batchFirst?: boolean }) => new SinusoidalPositionalEncoding(d, m, o));

/**
 * A learned embedding per position (GPT-2's `wpe`): weight (maxLen, dim) ~ N(0, 0.02²) (GPT-2's
 * init; nn.Embedding's N(0, 1) is too large next to token embeddings). `forward(x)` adds rows
 * offset..offset+T−1 to x.
 *
 * Shape: x (N, T, dim) → same.
 *
 * @example
 * const wpe = new LearnedPositionalEmbedding(64, 128);
 * wpe.forward(zeros([16, 64, 128])).shape; // [16, 64, 128]
 */
export class LearnedPositionalEmbedding extends Module {
  weight: Parameter;
  constructor(readonly maxLen: number, readonly dim: number, { dtype = 'float32' as DType, std = 0.02 } = {}) {
    super();
    this.weight = new Parameter(normal_(empty('LearnedPositionalEmbedding', [maxLen, dim], dtype), 0, std));
  }
  /** The position vectors for positions offset..offset+T−1: (T, dim). */
  positions(T: number, offset = 0): Tensor {
    checkLength('LearnedPositionalEmbedding', offset + T, this.maxLen);
    return slice(this.weight, [[offset, offset + T]]); // (T, dim)
  }
  forward(x: Tensor, offset = 0): Tensor {
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== this.dim) throw new ShapeError('LearnedPositionalEmbedding', `input must be (…, T, ${this.dim}), got ${shapeStr(x.shape)}`);
    return add(x, this.positions(x.shape[x.ndim - 2]!, offset)); // (..., T, dim)
  }
  override config(): ModuleConfig { return { type: 'LearnedPositionalEmbedding', args: [this.maxLen, this.dim, { dtype: this.weight.dtype }] }; }
}
registerModule('LearnedPositionalEmbedding', (m: number, d: number, o?: { dtype?: DType }) => new LearnedPositionalEmbedding(m, d, o));

export interface RotaryOptions {
  /** Frequency base θ: pair i rotates by pos·θ^(−2i/D). Default 10000. */
  base?: number;
  /** Position of the first row (for a key/value cache). Default 0. */
  offset?: number;
}

/**
 * Rotary position embedding (RoPE): rotates each pair (x_i, x_{i+D/2}) of the last dim by the
 * angle pos·base^(−2i/D) (the "rotate half" layout of GPT-NeoX/LLaMA), so q·k depends only on the
 * relative position. Apply to queries and keys after the head split.
 *
 * Shape: x (..., T, D) with D even → same.
 *
 * @example
 * const q = applyRotary(randn([2, 4, 16, 32])); // (N, heads, T, headDim)
 */
export function applyRotary(x: Tensor, { base = 10000, offset = 0 }: RotaryOptions = {}): Tensor {
  const D = x.shape[x.ndim - 1]!;
  const T = x.shape[x.ndim - 2]!;
  if (x.ndim < 2 || D % 2 !== 0) throw new ShapeError('applyRotary', `input must be (…, T, D) with an even D, got ${shapeStr(x.shape)}; use an even head size`);
  if (!(base > 0)) throw new ValueError('applyRotary', `base must be > 0, got ${base}`);
  const half = D / 2;
  const c = new Float64Array(T * D);
  const s = new Float64Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const a = (t + offset) * base ** (-(2 * i) / D);
      c[t * D + i] = c[t * D + i + half] = Math.cos(a);
      s[t * D + i] = s[t * D + i + half] = Math.sin(a);
    }
  }
  const cos = fromArray(c, [T, D], x.dtype, x.storage.backend); // (T, D)
  const sin = fromArray(s, [T, D], x.dtype, x.storage.backend); // (T, D)
  const specs = (a: number, b: number) => [...x.shape.slice(0, -1).map(() => null), [a, b] as const];
  const x1 = slice(x, specs(0, half)); // (..., T, D/2)
  const x2 = slice(x, specs(half, D)); // (..., T, D/2)
  const rotated = cat([mul(x2, -1), x1], -1); // (..., T, D): (−x2, x1)
  return add(mul(x, cos), mul(rotated, sin));
}

/**
 * RoPE as a layer without weights (see applyRotary), for use in a model's module tree.
 *
 * Shape: x (..., T, D) → same.
 *
 * @example
 * new RotaryEmbedding({ base: 10000 }).forward(randn([1, 4, 8, 16]));
 */
export class RotaryEmbedding extends Module {
  constructor(readonly opts: { base?: number } = {}) { super(); }
  forward(x: Tensor, offset = 0): Tensor { return applyRotary(x, { base: this.opts.base, offset }); }
  override config(): ModuleConfig { return { type: 'RotaryEmbedding', args: [this.opts] }; }
}
registerModule('RotaryEmbedding', (o?: { base?: number }) => new RotaryEmbedding(o));
