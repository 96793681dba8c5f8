// Attention maps: the attention weights of every MultiHeadAttention / GPT attention layer of a
// model on one forward pass, per layer and head, and attention rollout across the layers.
import { noGrad } from '../autograd/grad-mode.js';
import { ValueError } from '../errors.js';
import { add, div, mul } from '../ops/elementwise.js';
import { matmul } from '../ops/linalg.js';
import { mean, sum } from '../ops/reduce.js';
import { CausalSelfAttention, GPTBlock } from '../nn/gpt.js';
import { Module } from '../nn/module.js';
import { MultiHeadAttention, type AttentionCallOptions } from '../nn/multihead-attention.js';
import { eye } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { Tensor } from '../tensor/tensor.js';

export interface AttentionLayerMap {
  /** The layer's dotted name in the model (`h.0.attn`, `layers.1.self_attn`). */
  name: string;
  /** Weights per head: (N, heads, L, S); row l is how query position l spreads over the keys. */
  weights: Tensor;
}

export interface AttentionMaps {
  /** One entry per attention layer, in the order the forward pass ran them. */
  layers: AttentionLayerMap[];
  /**
   * Attention rollout over the self-attention layers (L = S), (N, L, L): row l says how much each
   * input position flowed into position l's output through all layers; null when no layer is self-attention
   * of one length (cross-attention alone).
   */
  rollout: Tensor | null;
}

export interface AttentionMapsOptions {
  /** In rollout, the weight of the residual path: Â = (1 − r)·mean_h A + r·I. Default 0.5 (Abnar & Zuidema). */
  residual?: number;
  /** Other arguments of the model's forward after the tokens. */
  args?: unknown[];
}

/**
 * Run `model.forward(tokens)` once and collect the attention weights softmax(q·kᵀ/√d + mask) of
 * every `MultiHeadAttention` and GPT `CausalSelfAttention` inside it, read through forward hooks
 * (the layer's weights recomputed from the inputs it got, with its masks; a GPT block's from its
 * ln_1 output, the input of its attention). The same weights as
 * PyTorch's `nn.MultiheadAttention(..., need_weights=True, average_attn_weights=False)`.
 *
 * Rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"): per layer
 * Â = (1 − r)·(mean over heads of A) + r·I, rows renormalised to sum to 1, and
 * rollout = Â_last ⋯ Â_first.
 *
 * Shape: each layer's weights (N, heads, L, S); rollout (N, L, L).
 *
 * @example
 * const { layers, rollout } = attentionMaps(gpt, ids); // ids (1, T) int32
 * layers[0].weights.shape; // [1, 4, T, T]
 */
export function attentionMaps(model: Module, tokens: Tensor, opts: AttentionMapsOptions = {}): AttentionMaps {
  const op = 'attentionMaps';
  const r = opts.residual ?? 0.5;
  if (!(r >= 0 && r <= 1)) throw new ValueError(op, `residual must be in [0, 1], got ${r}`);
  const named = [...model.namedModules()];
  // A GPT block calls its attention's attend() (for the key/value cache), not forward(): its
  // attention input is ln_1's output, so the block's ln_1 carries the hook.
  const blocks = named.filter(([, m]) => m instanceof GPTBlock) as [string, GPTBlock][];
  const inBlock = new Set<Module>(blocks.map(([, b]) => b.attn));
  const mhas = named.filter(([, m]) => m instanceof MultiHeadAttention || (m instanceof CausalSelfAttention && !inBlock.has(m)));
  if (mhas.length + blocks.length === 0) throw new ValueError(op, `${model.constructor.name} has no MultiHeadAttention or GPT attention layer; attention maps need a transformer`);
  return scope(() => noGrad(() => {
    const layers: AttentionLayerMap[] = [];
    const handles = mhas.map(([name, m]) => m.registerForwardHook((mod, args) => {
      if (mod instanceof MultiHeadAttention) {
        const [q, k, v, o] = args as [Tensor, Tensor?, Tensor?, AttentionCallOptions?];
        let w = mod.forwardWithWeights(q, k ?? q, v ?? k ?? q, { ...o, needWeights: true, averageAttnWeights: false })[1]!;
        if (w.ndim === 3) w = w.reshape([1, ...w.shape]); // unbatched (H, L, S) -> (1, H, L, S)
        layers.push({ name, weights: w });
      } else if (mod instanceof CausalSelfAttention) {
        layers.push({ name, weights: mod.attentionWeights(args[0] as Tensor) }); // (B, nh, T, T)
      }
    }));
    for (const [name, b] of blocks) {
      handles.push(b.ln_1.registerForwardHook((_m, _args, out) => {
        layers.push({ name: name ? `${name}.attn` : 'attn', weights: b.attn.attentionWeights(out as Tensor) }); // (B, nh, T, T)
      }));
    }
    try {
      model.forward(tokens, ...(opts.args ?? []));
    } finally {
      handles.forEach((h) => h.remove());
    }
    const self = layers.filter((l) => l.weights.shape[2] === l.weights.shape[3]);
    let rollout: Tensor | null = null;
    const L = self[0]?.weights.shape[2];
    if (self.length > 0 && self.every((l) => l.weights.shape[2] === L)) {
      const I = eye(L!, L!, { dtype: self[0]!.weights.dtype });
      for (const l of self) {
        const a = add(mul(mean(l.weights, { dim: 1 }), 1 - r), mul(I, r)); // (N, H, L, L) -> (N, L, L)
        const norm = div(a, sum(a, { dim: -1, keepDim: true }));
        rollout = rollout === null ? norm : matmul(norm, rollout); // Â_l · (Â_{l−1} ⋯ Â_1)
      }
    }
    return { layers, rollout };
  }));
}
