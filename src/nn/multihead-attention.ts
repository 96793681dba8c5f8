// MultiHeadAttention: torch.nn.MultiheadAttention's parameters, masks and outputs in TS casing.
import { ShapeError, ValueError } from '../errors.js';
import { attentionWithWeights } from '../ops/attention.js';
import { cast, logicalNot } from '../ops/elementwise.js';
import { linear } from '../ops/linalg.js';
import { permute, reshape, slice, split, transpose, unsqueeze, squeeze } from '../ops/movement.js';
import { mean } from '../ops/reduce.js';
import type { DType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { constant_, xavierUniform_ } from './init.js';
import { Linear } from './linear.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';
import { empty } from './util.js';

export interface MultiHeadAttentionOptions {
  /** Dropout on the attention weights (training only). Default 0. */
  dropout?: number;
  /** Biases on the input and output projections. Default true. */
  bias?: boolean;
  /** Key width (default embedDim); a different value gives separate q/k/v projection weights. */
  kdim?: number;
  /** Value width (default embedDim). */
  vdim?: number;
  /** Inputs and outputs are (N, L, E) instead of PyTorch's default (L, N, E). Default false. */
  batchFirst?: boolean;
  dtype?: DType;
}

export interface AttentionCallOptions {
  /** (N, S) bool, true = ignore that key (padding); or float, added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights. Default true (as PyTorch). */
  needWeights?: boolean;
  /**
   * (L, S) or (N·numHeads, L, S). Bool: true = NOT allowed to attend (PyTorch's MHA convention,
   * the opposite of scaledDotProductAttention's); float: added to the scores.
   */
  attnMask?: Tensor | null;
  /** Average the weights over heads, (N, L, S); false gives (N, numHeads, L, S). Default true. */
  averageAttnWeights?: boolean;
  /** Apply a causal mask (query i attends to keys 0..i); use instead of attnMask. */
  isCausal?: boolean;
}

/**
 * Multi-head attention (Vaswani et al. 2017): project q/k/v, split into `numHeads` heads of width
 * embedDim/numHeads, scaled dot-product attention per head, concatenate, project out.
 *
 * Parameters keep PyTorch's names so its state dicts load unchanged: `in_proj_weight` (3E, E) and
 * `in_proj_bias` (3E) when kdim = vdim = embedDim, else `q_proj_weight` (E, E), `k_proj_weight`
 * (E, kdim), `v_proj_weight` (E, vdim) and `in_proj_bias`; then `out_proj.weight`/`out_proj.bias`.
 * Init as PyTorch: Xavier-uniform input projections, zero biases.
 *
 * Shape: query (L, N, E) (or (N, L, E) with batchFirst, or unbatched (L, E)), key (S, N, kdim),
 * value (S, N, vdim) → output like query; weights (N, L, S) averaged or (N, numHeads, L, S).
 *
 * `forward` returns the output; `forwardWithWeights` returns [output, weights] like PyTorch's
 * module call (weights null when needWeights is false).
 *
 * @example
 * const mha = new MultiHeadAttention(64, 4, { batchFirst: true });
 * const x = randn([2, 10, 64]);
 * const [y, w] = mha.forwardWithWeights(x, x, x, { isCausal: true }); // y (2, 10, 64), w (2, 10, 10)
 */
export class MultiHeadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  // Field names are PyTorch's state-dict keys on purpose (weights load without a name map).
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null;
  out_proj: Linear;

  constructor(embedDim: number, numHeads: number, opts: MultiHeadAttentionOptions = {}) {
    super();
    if (!(Number.isInteger(embedDim) && embedDim > 0 && Number.isInteger(numHeads) && numHeads > 0)) {
      throw new ValueError('MultiHeadAttention', `embedDim and numHeads must be positive integers, got ${embedDim} and ${numHeads}`);
    }
    if (embedDim % numHeads !== 0) {
      throw new ValueError('MultiHeadAttention', `embedDim ${embedDim} is not divisible by numHeads ${numHeads}; pick numHeads among the divisors of ${embedDim} (e.g. ${divisors(embedDim).join(', ')})`);
    }
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new ValueError('MultiHeadAttention', `dropout must be in [0, 1), got ${this.dropout}`);
    this.batchFirst = opts.batchFirst ?? false;
    const dtype = opts.dtype ?? 'float32';
    const bias = opts.bias ?? true;
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.in_proj_weight = new Parameter(empty('MultiHeadAttention', [3 * embedDim, embedDim], dtype));
    } else {
      this.q_proj_weight = new Parameter(empty('MultiHeadAttention', [embedDim, embedDim], dtype));
      this.k_proj_weight = new Parameter(empty('MultiHeadAttention', [embedDim, this.kdim], dtype));
      this.v_proj_weight = new Parameter(empty('MultiHeadAttention', [embedDim, this.vdim], dtype));
    }
    this.in_proj_bias = bias ? new Parameter(empty('MultiHeadAttention', [3 * embedDim], dtype)) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype });
    this.resetParameters();
  }

  /** PyTorch's _reset_parameters: Xavier-uniform projections, zero biases. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) xavierUniform_(w);
    if (this.in_proj_bias) constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
  }

  /** The attention output only (see forwardWithWeights for the weights). */
  forward(query: Tensor, key?: Tensor, value?: Tensor, opts: AttentionCallOptions = {}): Tensor {
    return this.forwardWithWeights(query, key ?? query, value ?? key ?? query, { ...opts, needWeights: false })[0];
  }

  /** [output, weights] as torch.nn.MultiheadAttention.forward (weights null when needWeights is false). */
  forwardWithWeights(query: Tensor, key: Tensor, value: Tensor, opts: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    const { needWeights = true, averageAttnWeights = true, isCausal = false } = opts;
    const E = this.embedDim;
    const H = this.numHeads;
    const unbatched = query.ndim === 2;
    const want = unbatched ? 2 : 3;
    if (query.ndim !== 2 && query.ndim !== 3) throw new ShapeError('MultiHeadAttention', `query must be (L, N, E), (N, L, E) with batchFirst, or unbatched (L, E); got ${shapeStr(query.shape)}`);
    if (key.ndim !== want || value.ndim !== want) throw new ShapeError('MultiHeadAttention', `query ${shapeStr(query.shape)}, key ${shapeStr(key.shape)} and value ${shapeStr(value.shape)} must all be ${want}-D`);
    this.checkWidth('query', query, E);
    this.checkWidth('key', key, this.kdim);
    this.checkWidth('value', value, this.vdim);
    // To (N, L, E) whatever the input layout.
    const toNLE = (t: Tensor): Tensor => (unbatched ? unsqueeze(t, 0) : this.batchFirst ? t : transpose(t, 0, 1)); // (L, N, E) -> (N, L, E)
    const q0 = toNLE(query);
    const k0 = toNLE(key);
    const v0 = toNLE(value);
    const [N, L] = [q0.shape[0]!, q0.shape[1]!];
    const S = k0.shape[1]!;
    if (k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S) {
      throw new ShapeError('MultiHeadAttention', `batch/positions disagree: query ${shapeStr(query.shape)}, key ${shapeStr(key.shape)}, value ${shapeStr(value.shape)} (batchFirst=${this.batchFirst})`);
    }
    const [q, k, v] = this.project(q0, k0, v0); // each (N, L|S, E)
    const heads = (t: Tensor, n: number): Tensor => permute(reshape(t, [N, n, H, this.headDim]), [0, 2, 1, 3]); // (N, n, E) -> (N, H, n, hd)
    const attnMask = this.attnMaskFor(opts.attnMask ?? null, N, L, S);
    let kpm = opts.keyPaddingMask ?? null;
    if (kpm && unbatched && kpm.ndim === 1) kpm = unsqueeze(kpm, 0); // (S) -> (1, S)
    const [o, w] = attentionWithWeights(heads(q, L), heads(k, S), heads(v, S), {
      attnMask, isCausal: isCausal && !attnMask, keyPaddingMask: kpm,
      dropoutP: this.training ? this.dropout : 0,
    }); // o (N, H, L, hd), w (N, H, L, S)
    const merged = reshape(permute(o, [0, 2, 1, 3]), [N, L, E]); // (N, H, L, hd) -> (N, L, E)
    let out = this.out_proj.forward(merged); // (N, L, E)
    out = unbatched ? squeeze(out, 0) : this.batchFirst ? out : transpose(out, 0, 1); // back to the input layout
    if (!needWeights) return [out, null];
    let weights = averageAttnWeights ? mean(w, { dim: 1 }) : w; // (N, L, S) or (N, H, L, S)
    if (unbatched) weights = squeeze(weights, 0);
    return [out, weights];
  }

  private checkWidth(what: string, t: Tensor, want: number): void {
    if (t.shape[t.ndim - 1] !== want) {
      throw new ShapeError('MultiHeadAttention', `${what} has shape ${shapeStr(t.shape)} but its last dim must be ${want} (embedDim=${this.embedDim}, kdim=${this.kdim}, vdim=${this.vdim})`);
    }
  }

  /** The q/k/v input projections (one GEMM for self-attention with packed weights). */
  private project(q: Tensor, k: Tensor, v: Tensor): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const b = this.in_proj_bias;
    const bPart = (i: number): Tensor | null => (b ? slice(b, [[i * E, (i + 1) * E]]) : null);
    if (this.in_proj_weight) {
      if (q === k && k === v) {
        const [a, c, d] = split(linear(q, this.in_proj_weight, b), E, -1); // (N, L, 3E) -> 3 × (N, L, E)
        return [a!, c!, d!];
      }
      const wPart = (i: number): Tensor => slice(this.in_proj_weight!, [[i * E, (i + 1) * E]]); // (E, E)
      return [linear(q, wPart(0), bPart(0)), linear(k, wPart(1), bPart(1)), linear(v, wPart(2), bPart(2))];
    }
    return [linear(q, this.q_proj_weight!, bPart(0)), linear(k, this.k_proj_weight!, bPart(1)), linear(v, this.v_proj_weight!, bPart(2))];
  }

  /** Validate attnMask and turn it into SDPA's form: (1|N, H, L, S), bool meaning "attend". */
  private attnMaskFor(m: Tensor | null, N: number, L: number, S: number): Tensor | null {
    if (!m) return null;
    const H = this.numHeads;
    let r: Tensor;
    if (m.ndim === 2 && m.shape[0] === L && m.shape[1] === S) r = m; // (L, S)
    else if (m.ndim === 3 && m.shape[0] === N * H && m.shape[1] === L && m.shape[2] === S) r = reshape(m, [N, H, L, S]); // (N·H, L, S) -> (N, H, L, S)
    else {
      throw new ShapeError('MultiHeadAttention', `attnMask has shape ${shapeStr(m.shape)} but must be (L, S) = [${L}, ${S}] or (N·numHeads, L, S) = [${N * H}, ${L}, ${S}]`);
    }
    return r.dtype === 'bool' ? logicalNot(r) : cast(r, r.dtype);
  }

  override config(): ModuleConfig {
    return { type: 'MultiHeadAttention', args: [this.embedDim, this.numHeads, { dropout: this.dropout, bias: this.in_proj_bias !== null, kdim: this.kdim, vdim: this.vdim, batchFirst: this.batchFirst, dtype: this.out_proj.weight.dtype }] };
  }
  override extraRepr(): string { return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, batchFirst=${this.batchFirst}`; }
}
registerModule('MultiHeadAttention', (e: number, h: number, o?: MultiHeadAttentionOptions) => new MultiHeadAttention(e, h, o));

function divisors(n: number): number[] {
  const d: number[] = [];
  for (let i = 1; i <= n && d.length < 6; i++) if (n % i === 0) d.push(i);
  return d;
}
