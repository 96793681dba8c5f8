// Exporters for token models: Embedding and TokenEmbedding as Gather, and the GPT without its
// key/value cache: token + position embeddings (positions sliced to the input's length, so the
// sequence length may be dynamic), causal self-attention blocks, final LayerNorm and the head.
import { AxonError } from '../../../errors.js';
import { Embedding } from '../../../nn/embedding.js';
import { GPT, GPTMLP, TokenEmbedding, type GPTBlock } from '../../../nn/gpt.js';
import type { Module } from '../../../nn/module.js';
import { at, key, type Exporter } from '../context.js';
import { int, type OnnxGraph } from '../graph.js';
import { geluNode, layerNormNode, linearNode, transposed } from '../nodes.js';
import { selfAttentionNodes } from './attention.js';

const embedding: Exporter<Embedding | TokenEmbedding> = (ctx, m, x, path) => {
  if (m instanceof Embedding && m.maxNorm !== null) {
    throw new AxonError('exportOnnx', `Embedding at '${path}' has maxNorm, which rescales the table during the lookup; ONNX export handles plain lookups (maxNorm: null)`);
  }
  return ctx.g.op('Gather', [ctx.g.weight(key(path, 'weight'), m.weight), x.name], { axis: int(0) }, at(path, 'Gather')); // ids (*) -> (*, E)
};

/** The (ctx, ctx) additive causal mask cut to (T, T) with T read from the ids' shape. */
function causalMask(g: OnnxGraph, ctxLen: number, t1: string): string {
  const m = new Float32Array(ctxLen * ctxLen);
  for (let i = 0; i < ctxLen; i++) for (let j = i + 1; j < ctxLen; j++) m[i * ctxLen + j] = -Infinity;
  const full = g.floats('causal_mask', m, [ctxLen, ctxLen]);
  const ends = g.op('Concat', [t1, t1], { axis: int(0) }, 'mask/Concat');
  return g.op('Slice', [full, g.int64([0, 0]), ends, g.int64([0, 1])], {}, 'mask/Slice'); // (ctx, ctx) -> (T, T)
}

function blockNodes(g: OnnxGraph, path: string, x: string, b: GPTBlock, mask: string): string {
  const C = b.cfg.nEmbd;
  if (!(b.mlp instanceof GPTMLP)) {
    throw new AxonError('exportOnnx', `the GPT block '${path}' uses a Mixture-of-Experts MLP (MoE), whose token routing has no ONNX exporter; export a dense GPT (moe: null)`);
  }
  const ca = b.attn.c_attn;
  const attn = selfAttentionNodes(g, key(path, 'attn'), layerNormNode(g, key(path, 'ln_1'), x, b.ln_1), C, b.cfg.nHead, {
    q: [ca.weight, 0], k: [ca.weight, C], v: [ca.weight, 2 * C], qkvBias: ca.bias, out: b.attn.c_proj.weight, outBias: b.attn.c_proj.bias,
  }, mask); // (B, T, C)
  const h = g.op('Add', [x, attn], {}, at(path, 'Add'));
  const mlp = b.mlp;
  const f = linearNode(g, `${path}.mlp.c_fc`, layerNormNode(g, key(path, 'ln_2'), h, b.ln_2), mlp.c_fc.weight, mlp.c_fc.bias, `${path}.mlp.c_fc.weight`); // (B, T, C) -> (B, T, 4C)
  const y = linearNode(g, `${path}.mlp.c_proj`, geluNode(g, key(path, 'mlp'), f), mlp.c_proj.weight, mlp.c_proj.bias, `${path}.mlp.c_proj.weight`); // (B, T, 4C) -> (B, T, C)
  return g.op('Add', [h, y], {}, at(path, 'Add'));
}

const gpt: Exporter<GPT> = (ctx, m, x, path) => {
  const g = ctx.g;
  const p = (s: string): string => key(path, s);
  const tok = g.op('Gather', [g.weight(p('wte.weight'), m.wte.weight), x.name], { axis: int(0) }, at(p('wte'), 'Gather')); // (B, T) -> (B, T, C)
  const t1 = g.op('Slice', [g.op('Shape', [x.name], {}, 'Shape'), g.int64([1]), g.int64([2])], {}, 'T'); // [T]
  const pos = g.op('Slice', [g.weight(p('wpe.weight'), m.wpe.weight), g.int64([0]), t1, g.int64([0])], {}, at(p('wpe'), 'Slice')); // (ctx, C) -> (T, C)
  let h = g.op('Add', [tok, pos], {}, at(path, 'Add')); // (B, T, C) + (T, C)
  const mask = causalMask(g, m.cfg.contextLength, t1);
  m.h.forEach((b, i) => { h = blockNodes(g, p(`h.${i}`), h, b, mask); });
  h = layerNormNode(g, p('ln_f'), h, m.ln_f);
  if (m.lm_head) return linearNode(g, p('lm_head'), h, m.lm_head.weight, null, `${p('lm_head')}.weight`); // (B, T, C) -> (B, T, V)
  const [V, C] = m.wte.weight.shape as [number, number];
  const head = g.floats(`${p('wte.weight')}^T`, transposed(m.wte.weight.data(), V, C), [C, V]);
  return g.op('MatMul', [h, head], {}, at(p('lm_head'), 'MatMul')); // tied head: (B, T, C) -> (B, T, V)
};

export const GPT_EXPORTERS: [abstract new (...args: never[]) => Module, Exporter][] = [
  [Embedding, embedding],
  [TokenEmbedding, embedding],
  [GPT, gpt],
];
