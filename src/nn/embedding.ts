// Embedding: a lookup table of learned vectors indexed by int32 token ids (torch.nn.Embedding).
import { DTypeError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { abs, add, div, eq, ge, gt, logicalAnd, logicalOr, lt, mul, pow, where } from '../ops/elementwise.js';
import { indexAdd, indexSelect } from '../ops/indexing.js';
import { reshape, sliceUpdate, squeeze, unsqueeze } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { assign } from '../ops/assign.js';
import { scope } from '../tensor/lifetime.js';
import { readsSync } from '../tensor/host-read.js';
import { fromArray } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { normal_ } from './init.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';
import { empty } from './util.js';
import { bumpVersion } from '../tensor/version.js';

export interface EmbeddingOptions {
  /** Row that pads sequences: initialized to zeros and never updated (its gradient is 0). */
  paddingIdx?: number | null;
  /** Before each lookup, rescale looked-up rows whose `normType`-norm exceeds this (in place). */
  maxNorm?: number | null;
  /** p of the norm for maxNorm. Default 2. */
  normType?: number;
  dtype?: DType;
}

/**
 * out[..., :] = weight[ids[...], :].
 *
 * Init (as PyTorch): weight ~ N(0, 1), the paddingIdx row set to zeros.
 *
 * Shape: ids (*) int32 → output (*, embeddingDim); weight (numEmbeddings, embeddingDim).
 *
 * @example
 * const emb = new Embedding(100, 16, { paddingIdx: 0 });
 * emb.forward(tensor([[5, 9, 0]], { dtype: 'int32' })).shape; // [1, 3, 16]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let p = opts.paddingIdx ?? null;
    if (p !== null) {
      if (!Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings) throw new ValueError('Embedding', `paddingIdx ${p} must index a row of the table (−${numEmbeddings}..${numEmbeddings - 1})`);
      if (p < 0) p += numEmbeddings;
    }
    this.paddingIdx = p;
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    this.weight = new Parameter(empty('Embedding', [numEmbeddings, embeddingDim], opts.dtype ?? 'float32'));
    this.resetParameters();
  }

  /** weight ~ N(0, 1), padding row zeroed (uses the default generator). */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) {
      const pad = this.paddingIdx;
      noGrad(() => scope(() => { assign(this.weight, sliceUpdate(this.weight, [[pad, pad + 1]], 0)); })); // row paddingIdx = 0, on the device
    }
  }

  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new DTypeError('Embedding', `token ids must be an int32 tensor, got ${ids.dtype}; convert with .int()`);
    if (!readsSync(ids)) return this.forwardOnDevice(ids);
    const v = ids.data();
    let hasPad = false;
    for (let i = 0; i < v.length; i++) {
      const id = v[i]!;
      if (id < 0 || id >= this.numEmbeddings) {
        throw new ValueError('Embedding', `token id ${id} (at flat position ${i} of ids [${ids.shape.join(', ')}]) is outside the table's 0..${this.numEmbeddings - 1}; build the layer with numEmbeddings > the largest id (the vocabulary size) or map unknown tokens to an <unk> id`);
      }
      if (id === this.paddingIdx) hasPad = true;
    }
    if (this.maxNorm !== null) this.renorm(v);
    const flat = reshape(ids, [ids.numel]); // (*) -> (M)
    let rows = indexSelect(this.weight, 0, flat); // (M, E)
    if (hasPad) {
      // The padding row gets no gradient: take it from a detached copy of the table.
      const isPad = fromArray(Array.from(v, (id) => (id === this.paddingIdx ? 1 : 0)), [v.length, 1], 'bool', this.weight.storage.backend);
      rows = where(isPad, indexSelect(this.weight.detach(), 0, flat), rows); // (M, E)
    }
    return reshape(rows, [...ids.shape, this.embeddingDim]); // (M, E) -> (*, E)
  }

  /**
   * forward() where the ids can only be read asynchronously (WebGPU): the same values and
   * gradients, computed on the device. An id outside 0..numEmbeddings−1 gives a row of NaN
   * (instead of the ValueError of forward()), so the loss shows it.
   */
  private forwardOnDevice(ids: Tensor): Tensor {
    const flat = reshape(ids, [ids.numel]); // (*) -> (M)
    const bad = unsqueeze(logicalOr(lt(flat, 0), ge(flat, this.numEmbeddings)), 1); // (M, 1)
    const safe = where(squeeze(bad, 1), 0, flat); // (M)
    if (this.maxNorm !== null) this.renormOnDevice(safe);
    let rows = indexSelect(this.weight, 0, safe); // (M, E)
    if (this.paddingIdx !== null) rows = where(unsqueeze(eq(safe, this.paddingIdx), 1), indexSelect(this.weight.detach(), 0, safe), rows); // the padding row gets no gradient
    rows = where(bad, NaN, rows);
    return reshape(rows, [...ids.shape, this.embeddingDim]); // (M, E) -> (*, E)
  }

  /** renorm() on the device: the rows `ids` refers to with norm > maxNorm scaled to maxNorm (+1e-7 guard, as PyTorch). */
  private renormOnDevice(ids: Tensor): void {
    noGrad(() => scope(() => {
      const w = this.weight;
      const b = w.storage.backend;
      const used = gt(indexAdd(fromArray(new Float32Array(this.numEmbeddings), [this.numEmbeddings], w.dtype, b), 0, ids, fromArray(new Float32Array(ids.numel).fill(1), [ids.numel], w.dtype, b)), 0); // rows ids refers to (V)
      const p = this.normType;
      const nrm = pow(sum(pow(abs(w), p), { dim: 1 }), 1 / p); // (V)
      const scale = where(logicalAnd(used, gt(nrm, this.maxNorm!)), div(this.maxNorm!, add(nrm, 1e-7)), 1); // (V)
      assign(w, mul(w, unsqueeze(scale, 1)));
    }));
  }

  /** torch.embedding_renorm_: rows referenced by `ids` with norm > maxNorm are scaled to maxNorm (+1e-7 guard, as PyTorch). */
  private renorm(ids: ArrayLike<number>): void {
    noGrad(() => {
      const w = this.weight.data();
      const E = this.embeddingDim;
      const p = this.normType;
      let changed = false;
      for (const id of new Set(Array.from(ids))) {
        let s = 0;
        for (let j = 0; j < E; j++) s += Math.abs(w[id * E + j]!) ** p;
        const nrm = s ** (1 / p);
        if (nrm > this.maxNorm!) {
          const scale = this.maxNorm! / (nrm + 1e-7);
          for (let j = 0; j < E; j++) w[id * E + j]! *= scale;
          changed = true;
        }
      }
      if (changed) { this.weight.storage.backend.write(this.weight.storage, w); bumpVersion(this.weight); }
    });
  }

  override config(): ModuleConfig {
    return { type: 'Embedding', args: [this.numEmbeddings, this.embeddingDim, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, dtype: this.weight.dtype }] };
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}${this.maxNorm !== null ? `, maxNorm=${this.maxNorm}` : ''}`;
  }
}
registerModule('Embedding', (n: number, d: number, o?: EmbeddingOptions) => new Embedding(n, d, o));
