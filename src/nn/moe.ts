// Mixture of Experts feed-forward (Shazeer et al. 2017; Switch Transformer, Fedus et al. 2021):
// a learned gate sends each token to its top-k expert MLPs and mixes their outputs.
import { ValueError } from '../errors.js';
import { gelu, softmax } from '../ops/activation.js';
import { div, mul } from '../ops/elementwise.js';
import { gather, indexAdd, indexSelect } from '../ops/indexing.js';
import { reshape, unsqueeze } from '../ops/movement.js';
import { mean, sum } from '../ops/reduce.js';
import { fromArray, zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { Linear } from './linear.js';
import { Module, registerModule, type ModuleConfig } from './module.js';

export interface MoEOptions {
  /** Number of expert MLPs. Required. */
  nExperts: number;
  /** Experts per token; their gate probabilities are renormalized to sum to 1. Default 2. */
  topK?: number;
  /** Hidden width of each expert. Default 4·dim (the GPT MLP ratio). */
  hidden?: number;
  /**
   * null (default) = no-drop routing: every token reaches its k experts. A number c caps each
   * expert at ⌈c·N·k/nExperts⌉ tokens per batch (Switch's capacity factor); overflow tokens get
   * no contribution from that expert (the residual carries them).
   */
  capacityFactor?: number | null;
  /** Biases in the expert MLPs. Default true. */
  bias?: boolean;
  dtype?: DType;
}

/** One expert: Linear(dim, hidden) → GELU → Linear(hidden, dim) (keys c_fc, c_proj as nanoGPT's MLP). */
export class ExpertMLP extends Module {
  c_fc: Linear;
  c_proj: Linear;
  constructor(readonly dim: number, readonly hidden: number, { bias = true, dtype = 'float32' as DType } = {}) {
    super();
    this.c_fc = new Linear(dim, hidden, { bias, dtype });
    this.c_proj = new Linear(hidden, dim, { bias, dtype });
  }
  forward(x: Tensor): Tensor {
    return this.c_proj.forward(gelu(this.c_fc.forward(x))); // (n, dim) -> (n, hidden) -> (n, dim)
  }
  override config(): ModuleConfig { return { type: 'ExpertMLP', args: [this.dim, this.hidden, { bias: this.c_fc.bias !== null, dtype: this.c_fc.weight.dtype }] }; }
}
registerModule('ExpertMLP', (d: number, h: number, o?: { bias?: boolean; dtype?: DType }) => new ExpertMLP(d, h, o));

/**
 * Mixture-of-Experts feed-forward layer. For each token x: p = softmax(gate(x)) over experts,
 * keep the top-k, renormalize them to w, output Σ w_e · expert_e(x). Only the chosen experts run.
 *
 * After each forward, `lastAuxLoss` holds the Switch load-balancing loss
 * nExperts · Σ_e f_e · P_e (f_e = share of routed assignments that went to e, P_e = mean gate
 * probability of e; 1 when perfectly balanced) — add it, times ~0.01, to the training loss.
 * `lastUsage` counts the tokens each expert received in the last batch; `usage` accumulates
 * them until `resetUsage()`.
 *
 * Shape: x (..., dim) → (..., dim).
 *
 * @example
 * const moe = new MoE(128, { nExperts: 4, topK: 2 });
 * const y = moe.forward(randn([16, 64, 128])); // (16, 64, 128)
 * const loss = task.add(moe.lastAuxLoss!.mul(0.01));
 */
export class MoE extends Module {
  readonly nExperts: number;
  readonly topK: number;
  readonly capacityFactor: number | null;
  gate: Linear;
  experts: ExpertMLP[];
  /** Tokens per expert in the last forward. */
  lastUsage: number[];
  /** Tokens per expert since construction or resetUsage(). */
  usage: number[];
  #aux: Tensor | null = null;

  constructor(readonly dim: number, opts: MoEOptions) {
    super();
    const { nExperts, topK = 2, hidden = 4 * dim, capacityFactor = null, bias = true, dtype = 'float32' } = opts;
    if (!(Number.isInteger(nExperts) && nExperts >= 1)) throw new ValueError('MoE', `nExperts must be a positive integer, got ${nExperts}`);
    if (!(Number.isInteger(topK) && topK >= 1 && topK <= nExperts)) throw new ValueError('MoE', `topK must be an integer in 1..nExperts (${nExperts}), got ${topK}`);
    if (capacityFactor !== null && !(capacityFactor > 0)) throw new ValueError('MoE', `capacityFactor must be > 0 or null (no-drop), got ${capacityFactor}`);
    this.nExperts = nExperts;
    this.topK = topK;
    this.capacityFactor = capacityFactor;
    this.gate = new Linear(dim, nExperts, { bias: false, dtype });
    this.experts = Array.from({ length: nExperts }, () => new ExpertMLP(dim, hidden, { bias, dtype }));
    this.lastUsage = new Array(nExperts).fill(0);
    this.usage = new Array(nExperts).fill(0);
  }

  /** The load-balancing loss of the last forward (carries gradient to the gate), or null before one. */
  get lastAuxLoss(): Tensor | null { return this.#aux; }

  resetUsage(): void { this.usage.fill(0); }

  forward(x: Tensor): Tensor {
    const C = this.dim;
    const E = this.nExperts;
    const k = this.topK;
    const xs = reshape(x, [-1, C]); // (..., C) -> (N, C)
    const N = xs.shape[0]!;
    const probs = softmax(this.gate.forward(xs), { dim: -1 }); // (N, E)
    const p = probs.data();
    // Top-k experts per token (ties go to the lower index), chosen outside the graph.
    const top = new Int32Array(N * k);
    const order = Array.from({ length: E }, (_, i) => i);
    for (let n = 0; n < N; n++) {
      order.sort((a, b) => p[n * E + b]! - p[n * E + a]! || a - b);
      for (let j = 0; j < k; j++) top[n * k + j] = order[j]!;
    }
    const topIdx = fromArray(top, [N, k], 'int32', x.storage.backend); // (N, k)
    const vals = gather(probs, 1, topIdx); // (N, k)
    const w = reshape(div(vals, sum(vals, { dim: 1, keepDim: true })), [N * k]); // renormalized, (N·k)
    const cap = this.capacityFactor === null ? Infinity : Math.ceil((this.capacityFactor * N * k) / E);
    const tokens: number[][] = Array.from({ length: E }, () => []);
    const slots: number[][] = Array.from({ length: E }, () => []);
    for (let i = 0; i < N * k; i++) {
      const e = top[i]!;
      if (tokens[e]!.length >= cap) continue;
      tokens[e]!.push(Math.floor(i / k));
      slots[e]!.push(i);
    }
    let out = zeros([N, C], { dtype: xs.dtype }); // (N, C)
    for (let e = 0; e < E; e++) {
      const n = tokens[e]!.length;
      this.lastUsage[e] = n;
      this.usage[e]! += n;
      if (n === 0) continue;
      const ti = fromArray(tokens[e]!, [n], 'int32', x.storage.backend); // (n)
      const si = fromArray(slots[e]!, [n], 'int32', x.storage.backend); // (n)
      const y = this.experts[e]!.forward(indexSelect(xs, 0, ti)); // (n, C)
      out = indexAdd(out, 0, ti, mul(y, unsqueeze(indexSelect(w, 0, si), 1))); // (n, C) weighted into (N, C)
    }
    // Switch load balancing: E · Σ f_e · P_e with f counted over all k assignments (constant).
    const f = new Float64Array(E);
    for (let i = 0; i < N * k; i++) f[top[i]!]! += 1 / (N * k);
    this.#aux = mul(sum(mul(mean(probs, { dim: 0 }), fromArray(f, [E], probs.dtype, x.storage.backend))), E);
    return reshape(out, x.shape); // (N, C) -> (..., C)
  }

  /** Usage as shares of all routed assignments (sums to 1), from the cumulative counts. */
  usageHistogram(): number[] {
    const total = this.usage.reduce((a, b) => a + b, 0) || 1;
    return this.usage.map((u) => u / total);
  }

  override config(): ModuleConfig {
    return { type: 'MoE', args: [this.dim, { nExperts: this.nExperts, topK: this.topK, hidden: this.experts[0]!.hidden, capacityFactor: this.capacityFactor, bias: this.experts[0]!.c_fc.bias !== null, dtype: this.gate.weight.dtype }] };
  }
  override extraRepr(): string { return `dim=${this.dim}, nExperts=${this.nExperts}, topK=${this.topK}, capacityFactor=${this.capacityFactor ?? 'none'}`; }
}
registerModule('MoE', (d: number, o: MoEOptions) => new MoE(d, o));
