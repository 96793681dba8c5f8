// GPT: a decoder-only transformer language model (Radford et al. 2018/2019), laid out like
// nanoGPT (wte, wpe, h.i.{ln_1, attn, ln_2, mlp}, ln_f) so its weights map 1:1, with a key/value
// cache for generation and an optional Mixture-of-Experts MLP.
import { ShapeError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { attentionWithWeights, scaledDotProductAttention } from '../ops/attention.js';
import { dropout, gelu } from '../ops/activation.js';
import { add, mul } from '../ops/elementwise.js';
import { indexSelect } from '../ops/indexing.js';
import { linear } from '../ops/linalg.js';
import { crossEntropy } from '../ops/losses.js';
import { cat, permute, reshape, select, split } from '../ops/movement.js';
import { fromArray } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { scope } from '../tensor/lifetime.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { normal_, zeros_ } from './init.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { MoE } from './moe.js';
import { Parameter } from './parameter.js';
import { LearnedPositionalEmbedding } from './positional.js';
import { empty } from './util.js';

/** GPT hyper-parameters; every field has the default a small char-level model wants. */
export interface GPTConfig {
  /** Token ids are 0..vocabSize−1. Default 96 (printable ASCII plus newline, the sotu-gpt example's characters). */
  vocabSize: number;
  /** Longest sequence the model sees (size of the position table). Default 64 (the sotu-gpt example). */
  contextLength: number;
  /** Transformer blocks. Default 2 (enough depth for char n-gram structure on a CPU budget). */
  nLayer: number;
  /** Attention heads; must divide nEmbd. Default 4 (head size 32 at width 128). */
  nHead: number;
  /** Width of the residual stream. Default 128 (the sotu-gpt example). */
  nEmbd: number;
  /** Dropout on embeddings, attention output and MLP output. Default 0: small models on a few
   * minutes of data underfit rather than overfit. */
  dropout: number;
  /** Biases in Linear layers and LayerNorms. Default true (GPT-2's; false is slightly faster). */
  bias: boolean;
  /** Share the token embedding with the output projection (GPT-2's weight tying). Default true:
   * fewer parameters and better sample efficiency for small models. */
  tieWeights: boolean;
  /** Replace each block's MLP with a Mixture of Experts (null = dense MLP). Default null. */
  moe: { nExperts: number; topK: number; capacityFactor?: number | null } | null;
  /** Weight of the MoE load-balancing loss in `loss()`. Default 0.01 (Switch Transformer's). */
  auxLossCoef: number;
}

export const GPT_DEFAULTS: GPTConfig = {
  vocabSize: 96, contextLength: 64, nLayer: 2, nHead: 4, nEmbd: 128, dropout: 0, bias: true, tieWeights: true, moe: null, auxLossCoef: 0.01,
};

/** Keys and values of one attention layer for the positions seen so far: (B, nh, Tpast, hs) each. */
interface LayerCache { k: Tensor; v: Tensor }

/** A token embedding table: weight (vocab, dim) ~ N(0, 0.02²) (GPT-2's init). */
export class TokenEmbedding extends Module {
  weight: Parameter;
  constructor(readonly numEmbeddings: number, readonly dim: number, { dtype = 'float32' as DType } = {}) {
    super();
    this.weight = new Parameter(normal_(empty('TokenEmbedding', [numEmbeddings, dim], dtype), 0, 0.02));
  }
  forward(idx: Tensor): Tensor {
    if (idx.dtype !== 'int32') throw new ValueError('TokenEmbedding', `token ids must be int32, got ${idx.dtype}; build them with tensor(ids, { dtype: 'int32' })`);
    return reshape(indexSelect(this.weight, 0, reshape(idx, [-1])), [...idx.shape, this.dim]); // (...) -> (..., dim)
  }
}

/** Causal self-attention with packed q/k/v (c_attn) and an output projection (c_proj). */
export class CausalSelfAttention extends Module {
  c_attn: Linear;
  c_proj: Linear;
  constructor(readonly cfg: GPTConfig) {
    super();
    this.c_attn = new Linear(cfg.nEmbd, 3 * cfg.nEmbd, { bias: cfg.bias });
    this.c_proj = new Linear(cfg.nEmbd, cfg.nEmbd, { bias: cfg.bias });
  }
  forward(x: Tensor): Tensor { return this.attend(x, null)[0]; }

  /**
   * The causal attention weights softmax(q·kᵀ/√hs) of input `x` (B, T, C), per head: (B, nh, T, T),
   * row i spreading over positions 0..i (what `forward` averages the values with).
   */
  attentionWeights(x: Tensor): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const nh = this.cfg.nHead;
    const heads = (t: Tensor): Tensor => permute(reshape(t, [B, T, nh, C / nh]), [0, 2, 1, 3]); // (B, T, C) -> (B, nh, T, hs)
    const [q, k, v] = split(this.c_attn.forward(x), C, 2).map(heads) as [Tensor, Tensor, Tensor]; // (B, T, 3C) -> 3 × (B, nh, T, hs)
    return attentionWithWeights(q, k, v, { isCausal: true })[1]; // (B, nh, T, T)
  }

  /** Attention over the cached positions plus the T new ones; returns [y, updated cache]. */
  attend(x: Tensor, cache: LayerCache | null): [Tensor, LayerCache] {
    const [B, T, C] = x.shape as [number, number, number];
    const nh = this.cfg.nHead;
    const hs = C / nh;
    const heads = (t: Tensor): Tensor => permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, T, C) -> (B, nh, T, hs)
    const [q, k0, v0] = split(this.c_attn.forward(x), C, 2).map(heads) as [Tensor, Tensor, Tensor]; // (B, T, 3C) -> 3 × (B, nh, T, hs)
    const past = cache ? cache.k.shape[2]! : 0;
    const k = cache ? cat([cache.k, k0], 2) : k0; // (B, nh, past+T, hs)
    const v = cache ? cat([cache.v, v0], 2) : v0;
    let y: Tensor;
    if (past === 0) y = scaledDotProductAttention(q, k, v, { isCausal: true });
    else if (T === 1) y = scaledDotProductAttention(q, k, v); // the newest query sees every cached key
    else {
      const m = new Uint8Array(T * (past + T));
      for (let i = 0; i < T; i++) for (let j = 0; j <= past + i; j++) m[i * (past + T) + j] = 1;
      y = scaledDotProductAttention(q, k, v, { attnMask: fromArray(m, [T, past + T], 'bool', x.storage.backend) });
    } // (B, nh, T, hs)
    y = reshape(permute(y, [0, 2, 1, 3]), [B, T, C]); // (B, nh, T, hs) -> (B, T, C)
    y = dropout(this.c_proj.forward(y), { p: this.cfg.dropout, training: this.training });
    return [y, { k, v }];
  }
}

/** The dense feed-forward: c_fc (C → 4C), GELU, c_proj (4C → C), dropout. */
export class GPTMLP extends Module {
  c_fc: Linear;
  c_proj: Linear;
  constructor(readonly cfg: GPTConfig) {
    super();
    this.c_fc = new Linear(cfg.nEmbd, 4 * cfg.nEmbd, { bias: cfg.bias });
    this.c_proj = new Linear(4 * cfg.nEmbd, cfg.nEmbd, { bias: cfg.bias });
  }
  forward(x: Tensor): Tensor {
    return dropout(this.c_proj.forward(gelu(this.c_fc.forward(x))), { p: this.cfg.dropout, training: this.training }); // (B, T, C) -> (B, T, 4C) -> (B, T, C)
  }
}

/** One pre-LN block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
export class GPTBlock extends Module {
  ln_1: LayerNorm;
  attn: CausalSelfAttention;
  ln_2: LayerNorm;
  mlp: GPTMLP | MoE;
  constructor(readonly cfg: GPTConfig) {
    super();
    this.ln_1 = new LayerNorm(cfg.nEmbd, { bias: cfg.bias });
    this.attn = new CausalSelfAttention(cfg);
    this.ln_2 = new LayerNorm(cfg.nEmbd, { bias: cfg.bias });
    this.mlp = cfg.moe ? new MoE(cfg.nEmbd, { ...cfg.moe, bias: cfg.bias }) : new GPTMLP(cfg);
  }
  forward(x: Tensor): Tensor { return this.step(x, null)[0]; }
  step(x: Tensor, cache: LayerCache | null): [Tensor, LayerCache] {
    const [a, c] = this.attn.attend(this.ln_1.forward(x), cache);
    const h = add(x, a);
    return [add(h, this.mlp.forward(this.ln_2.forward(h))), c];
  }
}

export interface GenerateOptions {
  /** Tokens to append. Required. */
  maxNewTokens: number;
  /** Divide the logits by this; 0 = greedy (argmax). Default 1. */
  temperature?: number;
  /** Sample only among the k most likely tokens. Default: all. */
  topK?: number | null;
  /** Nucleus sampling: the smallest set of tokens whose probability reaches p. Default 1 (off). */
  topP?: number;
  /** Stop (after appending it) when this token is sampled, per row; rows that stopped are padded with it. */
  stopToken?: number | null;
  /** Random stream for sampling (default: the global generator). */
  generator?: Generator;
  /** Reuse keys/values so each new token costs one position. Default true. */
  useCache?: boolean;
}

/**
 * A GPT-2-style decoder-only language model: token + learned position embeddings, `nLayer` pre-LN
 * blocks of causal self-attention and a 4× GELU MLP (or MoE), a final LayerNorm and a linear head
 * (tied to the token embedding by default). Init as GPT-2/nanoGPT: N(0, 0.02²) weights, zero
 * biases, residual projections (c_proj) scaled by 1/√(2·nLayer).
 *
 * Shape: idx (B, T) int32 with T ≤ contextLength → logits (B, T, vocabSize).
 *
 * @example
 * const gpt = new GPT({ vocabSize: 65, contextLength: 64 });
 * const loss = gpt.loss(x, y); // x, y: (B, T) int32, y = x shifted by one
 * const out = gpt.generate(tensor([[0]], { dtype: 'int32' }), { maxNewTokens: 100, topK: 10 });
 */
export class GPT extends Module {
  readonly cfg: GPTConfig;
  wte: TokenEmbedding;
  wpe: LearnedPositionalEmbedding;
  drop: number;
  h: GPTBlock[];
  ln_f: LayerNorm;
  lm_head: Linear | null;

  constructor(config: Partial<GPTConfig> = {}) {
    super();
    const cfg = { ...GPT_DEFAULTS, ...config };
    this.cfg = cfg;
    for (const k of ['vocabSize', 'contextLength', 'nLayer', 'nHead', 'nEmbd'] as const) {
      if (!(Number.isInteger(cfg[k]) && cfg[k] > 0)) throw new ValueError('GPT', `${k} must be a positive integer, got ${cfg[k]}`);
    }
    if (cfg.nEmbd % cfg.nHead !== 0) {
      throw new ValueError('GPT', `nEmbd ${cfg.nEmbd} is not divisible by nHead ${cfg.nHead}; choose nHead dividing the width (e.g. nEmbd ${cfg.nHead * Math.max(1, Math.round(cfg.nEmbd / cfg.nHead))} for ${cfg.nHead} heads)`);
    }
    this.wte = new TokenEmbedding(cfg.vocabSize, cfg.nEmbd);
    this.wpe = new LearnedPositionalEmbedding(cfg.contextLength, cfg.nEmbd);
    this.drop = cfg.dropout;
    this.h = Array.from({ length: cfg.nLayer }, () => new GPTBlock(cfg));
    this.ln_f = new LayerNorm(cfg.nEmbd, { bias: cfg.bias });
    this.lm_head = cfg.tieWeights ? null : new Linear(cfg.nEmbd, cfg.vocabSize, { bias: false });
    this.resetParameters();
  }

  /** GPT-2 init: N(0, 0.02²) for Linear/embedding weights, zero biases, c_proj std 0.02/√(2·nLayer). */
  resetParameters(): void {
    for (const [name, p] of this.namedParameters()) {
      if (name.endsWith('.bias')) zeros_(p);
      else if (name.includes('ln_') || name.startsWith('ln_f')) continue;
      else if (name.endsWith('c_proj.weight')) normal_(p, 0, 0.02 / Math.sqrt(2 * this.cfg.nLayer));
      else normal_(p, 0, 0.02);
    }
  }

  forward(idx: Tensor): Tensor { return this.run(idx, null, 0)[0]; }

  /**
   * The final hidden states (after ln_f, before the LM head): features for a classifier or a
   * probe on top of a pretrained model. Shape: (B, T) int32 token ids → (B, T, nEmbd).
   */
  features(idx: Tensor): Tensor { return this.hidden(idx, null, 0)[0]; }

  /** Logits for the tokens `idx` placed after `offset` cached positions; returns [logits, caches]. */
  private run(idx: Tensor, caches: LayerCache[] | null, offset: number): [Tensor, LayerCache[]] {
    const [x, next] = this.hidden(idx, caches, offset); // (B, T, C)
    const logits = this.lm_head ? this.lm_head.forward(x) : linear(x, this.wte.weight); // (B, T, C) -> (B, T, V)
    return [logits, next];
  }

  /** Hidden states after ln_f for the tokens `idx` placed after `offset` cached positions; returns [(B, T, C), caches]. */
  private hidden(idx: Tensor, caches: LayerCache[] | null, offset: number): [Tensor, LayerCache[]] {
    if (idx.ndim !== 2) throw new ShapeError('GPT', `idx must be (B, T) int32 token ids, got ${shapeStr(idx.shape)}; add a batch dim with unsqueeze(0)`);
    const T = idx.shape[1]!;
    if (offset + T > this.cfg.contextLength) {
      throw new ShapeError('GPT', `the sequence has ${offset + T} positions but the model's contextLength is ${this.cfg.contextLength}; crop the input to its last ${this.cfg.contextLength} tokens (generate() does this) or build the model with a larger contextLength`);
    }
    let x = add(this.wte.forward(idx), this.wpe.positions(T, offset)); // (B, T, C) + (T, C)
    x = dropout(x, { p: this.drop, training: this.training });
    const next: LayerCache[] = [];
    this.h.forEach((b, i) => {
      const [y, c] = b.step(x, caches ? caches[i]! : null);
      x = y;
      next.push(c);
    });
    return [this.ln_f.forward(x), next]; // (B, T, C)
  }

  /** Sum of the MoE load-balancing losses of the last forward (0 for a dense model). */
  auxLoss(): Tensor | null {
    let total: Tensor | null = null;
    for (const b of this.h) {
      const a = b.mlp instanceof MoE ? b.mlp.lastAuxLoss : null;
      if (a) total = total ? add(total, a) : a;
    }
    return total;
  }

  /**
   * Mean next-token cross-entropy of `idx` against `targets` (both (B, T) int32), plus
   * auxLossCoef × the MoE balancing loss when the blocks are MoE.
   */
  loss(idx: Tensor, targets: Tensor): Tensor {
    const logits = this.forward(idx); // (B, T, V)
    const V = this.cfg.vocabSize;
    let l = crossEntropy(reshape(logits, [-1, V]), reshape(targets, [-1])); // (B·T, V) vs (B·T)
    const aux = this.auxLoss();
    if (aux) l = add(l, mul(aux, this.cfg.auxLossCoef));
    return l;
  }

  /**
   * Append `maxNewTokens` sampled tokens to each row of `idx` (B, T) int32 and return the whole
   * (B, T + n) sequence. With the cache (default) each new token runs the model on one position;
   * once the sequence fills the context, the window slides and the cache is rebuilt from the last
   * contextLength tokens (exactly what the uncached model sees), so both paths give the same tokens.
   */
  generate(idx: Tensor, opts: GenerateOptions): Tensor {
    const { maxNewTokens, temperature = 1, topK = null, topP = 1, stopToken = null, generator = defaultGenerator, useCache = true } = opts;
    if (idx.ndim !== 2 || idx.dtype !== 'int32') throw new ShapeError('generate', `idx must be (B, T) int32, got ${idx.dtype} ${shapeStr(idx.shape)}`);
    if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 0)) throw new ValueError('generate', `maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
    if (!(temperature >= 0)) throw new ValueError('generate', `temperature must be ≥ 0, got ${temperature}`);
    if (!(topP > 0 && topP <= 1)) throw new ValueError('generate', `topP must be in (0, 1], got ${topP}`);
    const B = idx.shape[0]!;
    const ctx = this.cfg.contextLength;
    const rows: number[][] = scope(() => Array.from({ length: B }, (_, b) => Array.from(select(idx, 0, b).data())));
    const done = new Array(B).fill(false);
    const was = this.training;
    this.eval();
    let caches: LayerCache[] | null = null;
    let cached = 0; // positions held in the cache
    const free = (c: LayerCache[] | null): void => c?.forEach((l) => { l.k.dispose(); l.v.dispose(); });
    try {
      for (let s = 0; s < maxNewTokens && !done.every(Boolean); s++) {
        const len = rows[0]!.length;
        const canAppend = useCache && caches !== null && len <= ctx;
        const start = canAppend ? cached : Math.max(0, len - ctx);
        const feed = rows.map((r) => r.slice(canAppend ? cached : start));
        const [lastLogits, next] = noGrad(() => scope(() => {
          const x = fromArray(feed.flat(), [B, feed[0]!.length], 'int32', idx.storage.backend); // (B, t)
          const [logits, c] = this.run(x, canAppend ? caches : null, canAppend ? cached : 0); // (B, t, V)
          const lastRow = select(logits, 1, logits.shape[1]! - 1); // (B, V)
          return [Array.from(lastRow.data()), useCache ? c : null] as const;
        }));
        free(caches);
        caches = next ? [...next] : null;
        cached = canAppend ? len : len - start;
        const V = this.cfg.vocabSize;
        for (let b = 0; b < B; b++) {
          if (done[b]) { rows[b]!.push(stopToken!); continue; }
          const tok = sampleToken(lastLogits.slice(b * V, (b + 1) * V), temperature, topK, topP, generator);
          rows[b]!.push(tok);
          if (stopToken !== null && tok === stopToken) done[b] = true;
        }
      }
    } finally {
      free(caches);
      this.train(was);
    }
    return fromArray(rows.flat(), [B, rows[0]!.length], 'int32', idx.storage.backend); // (B, T + n)
  }

  override config(): ModuleConfig { return { type: 'GPT', args: [this.cfg] }; }
  override extraRepr(): string { const c = this.cfg; return `vocab=${c.vocabSize}, context=${c.contextLength}, layers=${c.nLayer}, heads=${c.nHead}, width=${c.nEmbd}${c.moe ? `, moe=${c.moe.nExperts}x top${c.moe.topK}` : ''}`; }
}
registerModule('GPT', (c: Partial<GPTConfig>) => new GPT(c));

/** One token from `logits` with temperature, top-k and top-p (nucleus) filtering. */
export function sampleToken(logits: readonly number[], temperature: number, topK: number | null, topP: number, generator: Generator): number {
  const V = logits.length;
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
  if (temperature === 0) return order[0]!;
  let keepN = topK === null ? V : Math.max(1, Math.min(V, topK));
  const m = logits[order[0]!]!;
  const w = order.slice(0, keepN).map((i) => Math.exp((logits[i]! - m) / temperature));
  let total = w.reduce((a, b) => a + b, 0);
  if (topP < 1) {
    let acc = 0;
    for (let j = 0; j < keepN; j++) {
      acc += w[j]! / total;
      if (acc >= topP) { keepN = j + 1; break; }
    }
    total = w.slice(0, keepN).reduce((a, b) => a + b, 0);
  }
  let u = generator.uniform() * total;
  for (let j = 0; j < keepN; j++) {
    u -= w[j]!;
    if (u < 0) return order[j]!;
  }
  return order[keepN - 1]!;
}
