// Exporters for attention models: MultiHeadAttention (self-attention, decomposed into MatMul,
// Softmax and reshapes), LayerNorm, TransformerEncoderLayer and TransformerEncoder.
import { AxonError } from '../../../errors.js';
import { LayerNorm } from '../../../nn/layer-norm.js';
import type { Module } from '../../../nn/module.js';
import { MultiHeadAttention } from '../../../nn/multihead-attention.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../../../nn/transformer.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { at, key, type Exporter } from '../context.js';
import { int, type OnnxGraph } from '../graph.js';
import { geluNode, layerNormNode, linearNode, reshapeNode, transposeNode } from '../nodes.js';

/** Projections of one attention layer: q/k/v as (weight, rows) blocks, and the output map. */
export interface AttentionWeights {
  q: [Tensor, number]; k: [Tensor, number]; v: [Tensor, number];
  qkvBias: Tensor | null;
  out: Tensor; outBias: Tensor | null;
}

/**
 * Self-attention on x (N, L, E): heads of width E/H, softmax(q·kᵀ/√d + mask)·v, heads merged,
 * output projection. `mask` (L, L) is added to the scores (0 or −∞), or null.
 */
export function selfAttentionNodes(g: OnnxGraph, path: string, x: string, E: number, H: number, w: AttentionWeights, mask: string | null): string {
  const hd = E / H;
  const proj = (which: 'q' | 'k' | 'v', i: number): string => {
    const [t, r0] = w[which];
    const y = linearNode(g, path, x, t, null, key(path, `${which}_proj_weight`), r0, r0 + E); // (N, L, E)
    const b = w.qkvBias ? g.floats(key(path, `${which}_proj_bias`), (w.qkvBias.data() as Float32Array).subarray(i * E, (i + 1) * E), [E]) : null;
    return reshapeNode(g, path, b ? g.op('Add', [y, b], {}, at(path, 'Add')) : y, [0, 0, H, hd]); // (N, L, E) -> (N, L, H, hd)
  };
  const q = transposeNode(g, path, proj('q', 0), [0, 2, 1, 3]); // (N, H, L, hd)
  const kT = transposeNode(g, path, proj('k', 1), [0, 2, 3, 1]); // (N, H, hd, L)
  const v = transposeNode(g, path, proj('v', 2), [0, 2, 1, 3]); // (N, H, L, hd)
  let scores = g.op('Mul', [g.op('MatMul', [q, kT], {}, at(path, 'MatMul')), g.scalar(1 / Math.sqrt(hd))], {}, at(path, 'Mul')); // (N, H, L, L)
  if (mask) scores = g.op('Add', [scores, mask], {}, at(path, 'Add'));
  const p = g.op('Softmax', [scores], { axis: int(-1) }, at(path, 'Softmax'));
  const o = transposeNode(g, path, g.op('MatMul', [p, v], {}, at(path, 'MatMul')), [0, 2, 1, 3]); // (N, H, L, hd) -> (N, L, H, hd)
  const merged = reshapeNode(g, path, o, [0, 0, E]); // (N, L, H, hd) -> (N, L, E)
  return linearNode(g, path, merged, w.out, w.outBias, key(path, 'out_proj.weight'));
}

function mhaWeights(m: MultiHeadAttention): AttentionWeights {
  const E = m.embedDim;
  const packed = m.in_proj_weight;
  return {
    q: packed ? [packed, 0] : [m.q_proj_weight!, 0],
    k: packed ? [packed, E] : [m.k_proj_weight!, 0],
    v: packed ? [packed, 2 * E] : [m.v_proj_weight!, 0],
    qkvBias: m.in_proj_bias, out: m.out_proj.weight, outBias: m.out_proj.bias,
  };
}

/** MHA self-attention in the module's layout ((L, N, E) unless batchFirst). */
function mhaNodes(g: OnnxGraph, path: string, x: string, m: MultiHeadAttention): string {
  if (m.kdim !== m.embedDim || m.vdim !== m.embedDim) {
    throw new AxonError('exportOnnx', `MultiHeadAttention at '${path}' has kdim/vdim ≠ embedDim (cross-attention); the exporter handles self-attention`);
  }
  const xin = m.batchFirst ? x : transposeNode(g, path, x, [1, 0, 2]); // (L, N, E) -> (N, L, E)
  const y = selfAttentionNodes(g, path, xin, m.embedDim, m.numHeads, mhaWeights(m), null);
  return m.batchFirst ? y : transposeNode(g, path, y, [1, 0, 2]); // (N, L, E) -> (L, N, E)
}

function encoderLayerNodes(g: OnnxGraph, path: string, x: string, m: TransformerEncoderLayer): string {
  const p = (s: string): string => key(path, s);
  const opts = m.config().args[2] as { activation: 'relu' | 'gelu'; normFirst: boolean };
  const add = (a: string, b: string): string => g.op('Add', [a, b], {}, at(path, 'Add'));
  const sa = (h: string): string => mhaNodes(g, p('self_attn'), h, m.self_attn);
  const ff = (h: string): string => {
    const a = linearNode(g, p('linear1'), h, m.linear1.weight, m.linear1.bias, `${p('linear1')}.weight`); // (..., E) -> (..., F)
    const act = opts.activation === 'gelu' ? geluNode(g, path, a) : g.op('Relu', [a], {}, at(path, 'Relu'));
    return linearNode(g, p('linear2'), act, m.linear2.weight, m.linear2.bias, `${p('linear2')}.weight`); // (..., F) -> (..., E)
  };
  const n1 = (h: string): string => layerNormNode(g, p('norm1'), h, m.norm1);
  const n2 = (h: string): string => layerNormNode(g, p('norm2'), h, m.norm2);
  if (opts.normFirst) {
    const h = add(x, sa(n1(x)));
    return add(h, ff(n2(h)));
  }
  const h = n1(add(x, sa(x)));
  return n2(add(h, ff(h)));
}

const encoder: Exporter<TransformerEncoder> = (ctx, m, x, path) => {
  let h = x.name;
  m.layers.forEach((l, i) => { h = encoderLayerNodes(ctx.g, key(path, `layers.${i}`), h, l); });
  return m.norm ? layerNormNode(ctx.g, key(path, 'norm'), h, m.norm) : h;
};

export const ATTENTION_EXPORTERS: [abstract new (...args: never[]) => Module, Exporter][] = [
  [LayerNorm, (ctx, m: LayerNorm, x, path) => layerNormNode(ctx.g, path, x.name, m)],
  [MultiHeadAttention, (ctx, m: MultiHeadAttention, x, path) => mhaNodes(ctx.g, path, x.name, m)],
  [TransformerEncoderLayer, (ctx, m: TransformerEncoderLayer, x, path) => encoderLayerNodes(ctx.g, path, x.name, m)],
  [TransformerEncoder, encoder],
];
