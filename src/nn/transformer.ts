// Transformer encoder/decoder layers and stacks (torch.nn.TransformerEncoderLayer & co.), pre-LN
// or post-LN, with PyTorch's state-dict keys (self_attn.*, linear1.*, norm1.*, …).
import { ValueError } from '../errors.js';
import { dropout as dropoutOp, gelu } from '../ops/activation.js';
import { add, relu } from '../ops/elementwise.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout } from './layers.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module, moduleFromConfig, registerModule, type ModuleConfig } from './module.js';
import { MultiHeadAttention } from './multihead-attention.js';

export interface TransformerLayerOptions {
  /** Width of the feed-forward hidden layer. Default 2048 (PyTorch's). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward. Default 0.1 (PyTorch's). */
  dropout?: number;
  /** Feed-forward nonlinearity. Default 'relu' (PyTorch's); GPT-style models use 'gelu'. */
  activation?: 'relu' | 'gelu';
  /** LayerNorm eps. Default 1e-5. */
  layerNormEps?: number;
  /** (N, L, E) inputs instead of (L, N, E). Default false (PyTorch's). */
  batchFirst?: boolean;
  /** Pre-LN (norm before each sublayer, stabler for deep stacks) instead of post-LN. Default false. */
  normFirst?: boolean;
  /** Biases in the linear layers and norms. Default true. */
  bias?: boolean;
  dtype?: DType;
}

export interface EncoderCallOptions {
  /** (L, L) or (N·nhead, L, L); bool true = not allowed (MHA convention) or float added. */
  srcMask?: Tensor | null;
  /** (N, L) bool, true = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention (instead of srcMask). */
  isCausal?: boolean;
}

export interface DecoderCallOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

type Resolved = Required<Omit<TransformerLayerOptions, 'dtype'>> & { dtype: DType };
function resolve(o: TransformerLayerOptions): Resolved {
  const r = { dimFeedforward: 2048, dropout: 0.1, activation: 'relu' as const, layerNormEps: 1e-5, batchFirst: false, normFirst: false, bias: true, dtype: 'float32' as DType, ...o };
  if (r.activation !== 'relu' && r.activation !== 'gelu') throw new ValueError('TransformerLayer', `activation must be 'relu' or 'gelu', got ${JSON.stringify(r.activation)}`);
  return r;
}

/** Shared pieces: the feed-forward block and the options. */
abstract class TransformerLayerBase extends Module {
  protected readonly opts: Resolved;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;

  constructor(readonly dModel: number, readonly nhead: number, o: TransformerLayerOptions) {
    super();
    this.opts = resolve(o);
    const { dimFeedforward, dropout, bias, dtype } = this.opts;
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, dtype });
  }

  protected mha(): MultiHeadAttention {
    return new MultiHeadAttention(this.dModel, this.nhead, { dropout: this.opts.dropout, bias: this.opts.bias, batchFirst: this.opts.batchFirst, dtype: this.opts.dtype });
  }
  protected norm(): LayerNorm {
    return new LayerNorm(this.dModel, { eps: this.opts.layerNormEps, bias: this.opts.bias, dtype: this.opts.dtype });
  }
  protected drop(x: Tensor): Tensor {
    return dropoutOp(x, { p: this.opts.dropout, training: this.training });
  }
  /** linear2(dropout(act(linear1(x)))) then dropout. (…, E) → (…, E). */
  protected ff(x: Tensor): Tensor {
    const h = this.linear1.forward(x); // (..., E) -> (..., F)
    const a = this.opts.activation === 'gelu' ? gelu(h) : relu(h);
    return this.drop(this.linear2.forward(this.dropout.forward(a))); // (..., F) -> (..., E)
  }
  protected get normFirst(): boolean { return this.opts.normFirst; }
  protected publicOptions(): TransformerLayerOptions {
    const { dtype, ...rest } = this.opts;
    return { ...rest, dtype };
  }
}

/**
 * One encoder block: self-attention then a feed-forward network, each wrapped in a residual
 * connection and LayerNorm — post-LN x = norm(x + f(x)) (Vaswani et al.) or pre-LN
 * x = x + f(norm(x)) with `normFirst` (Xiong et al. 2020).
 *
 * Shape: src (L, N, E), or (N, L, E) with batchFirst → same.
 *
 * @example
 * const layer = new TransformerEncoderLayer(64, 4, { dimFeedforward: 256, batchFirst: true, normFirst: true });
 * layer.forward(randn([2, 10, 64]), { isCausal: true }).shape; // [2, 10, 64]
 */
export class TransformerEncoderLayer extends TransformerLayerBase {
  self_attn: MultiHeadAttention;
  norm1: LayerNorm;
  norm2: LayerNorm;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super(dModel, nhead, opts);
    this.self_attn = this.mha();
    this.norm1 = this.norm();
    this.norm2 = this.norm();
  }

  forward(src: Tensor, opts: EncoderCallOptions = {}): Tensor {
    const sa = (x: Tensor): Tensor => this.drop(this.self_attn.forward(x, x, x, { attnMask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal }));
    let x = src;
    if (this.normFirst) {
      x = add(x, sa(this.norm1.forward(x)));
      x = add(x, this.ff(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(add(x, sa(x)));
      x = this.norm2.forward(add(x, this.ff(x)));
    }
    return x;
  }

  override config(): ModuleConfig { return { type: 'TransformerEncoderLayer', args: [this.dModel, this.nhead, this.publicOptions()] }; }
  override extraRepr(): string { return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`; }
}
registerModule('TransformerEncoderLayer', (d: number, h: number, o?: TransformerLayerOptions) => new TransformerEncoderLayer(d, h, o));

/**
 * One decoder block: causal self-attention, cross-attention over `memory` (the encoder output),
 * then a feed-forward network; residuals and LayerNorm as in TransformerEncoderLayer.
 *
 * Shape: tgt (T, N, E), memory (S, N, E) (batch first with batchFirst) → (T, N, E).
 *
 * @example
 * const dec = new TransformerDecoderLayer(32, 4, { batchFirst: true });
 * dec.forward(randn([2, 5, 32]), randn([2, 7, 32]), { tgtIsCausal: true }).shape; // [2, 5, 32]
 */
export class TransformerDecoderLayer extends TransformerLayerBase {
  self_attn: MultiHeadAttention;
  multihead_attn: MultiHeadAttention;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super(dModel, nhead, opts);
    this.self_attn = this.mha();
    this.multihead_attn = this.mha();
    this.norm1 = this.norm();
    this.norm2 = this.norm();
    this.norm3 = this.norm();
  }

  forward(tgt: Tensor, memory: Tensor, opts: DecoderCallOptions = {}): Tensor {
    const sa = (x: Tensor): Tensor => this.drop(this.self_attn.forward(x, x, x, { attnMask: opts.tgtMask, keyPaddingMask: opts.tgtKeyPaddingMask, isCausal: opts.tgtIsCausal }));
    const ca = (x: Tensor): Tensor => this.drop(this.multihead_attn.forward(x, memory, memory, { attnMask: opts.memoryMask, keyPaddingMask: opts.memoryKeyPaddingMask, isCausal: opts.memoryIsCausal }));
    let x = tgt;
    if (this.normFirst) {
      x = add(x, sa(this.norm1.forward(x)));
      x = add(x, ca(this.norm2.forward(x)));
      x = add(x, this.ff(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(add(x, sa(x)));
      x = this.norm2.forward(add(x, ca(x)));
      x = this.norm3.forward(add(x, this.ff(x)));
    }
    return x;
  }

  override config(): ModuleConfig { return { type: 'TransformerDecoderLayer', args: [this.dModel, this.nhead, this.publicOptions()] }; }
  override extraRepr(): string { return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`; }
}
registerModule('TransformerDecoderLayer', (d: number, h: number, o?: TransformerLayerOptions) => new TransformerDecoderLayer(d, h, o));

/** `numLayers` independent copies of `layer`, all starting from its weights (as PyTorch's deepcopy). */
function clones<T extends Module>(what: string, layer: T, numLayers: number): T[] {
  if (!(Number.isInteger(numLayers) && numLayers > 0)) throw new ValueError(what, `numLayers must be a positive integer, got ${numLayers}`);
  const cfg = layer.config();
  return Array.from({ length: numLayers }, (_, i) => {
    if (i === 0) return layer;
    const c = moduleFromConfig(cfg) as T;
    c.loadStateDict(layer.stateDict());
    return c;
  });
}

/**
 * A stack of `numLayers` encoder layers (copies of `encoderLayer`) and an optional final norm
 * (use one with pre-LN layers). Keys `layers.0.…`, `norm.…` as PyTorch.
 *
 * Shape: src (L, N, E) or (N, L, E) → same.
 *
 * @example
 * const enc = new TransformerEncoder(new TransformerEncoderLayer(32, 4, { batchFirst: true }), 2);
 * enc.forward(randn([3, 6, 32])).shape; // [3, 6, 32]
 */
export class TransformerEncoder extends Module {
  layers: TransformerEncoderLayer[];
  norm: LayerNorm | null;
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, { norm = null }: { norm?: LayerNorm | null } = {}) {
    super();
    this.layers = clones('TransformerEncoder', encoderLayer, numLayers);
    this.norm = norm;
  }
  forward(src: Tensor, opts: EncoderCallOptions = {}): Tensor {
    let x = src;
    for (const l of this.layers) x = l.forward(x, opts);
    return this.norm ? this.norm.forward(x) : x;
  }
  override config(): ModuleConfig {
    return { type: 'TransformerEncoder', args: [this.layers[0]!.config(), this.layers.length, this.norm ? this.norm.config() : null] };
  }
}
registerModule('TransformerEncoder', (l: ModuleConfig, n: number, norm: ModuleConfig | null) =>
  new TransformerEncoder(moduleFromConfig(l) as TransformerEncoderLayer, n, { norm: norm ? (moduleFromConfig(norm) as LayerNorm) : null }));

/**
 * A stack of `numLayers` decoder layers and an optional final norm. Keys `layers.0.…`, `norm.…`.
 *
 * Shape: tgt (T, N, E), memory (S, N, E) (or batch first) → (T, N, E).
 *
 * @example
 * const dec = new TransformerDecoder(new TransformerDecoderLayer(32, 4, { batchFirst: true }), 2);
 * dec.forward(randn([3, 5, 32]), randn([3, 6, 32]), { tgtIsCausal: true }).shape; // [3, 5, 32]
 */
export class TransformerDecoder extends Module {
  layers: TransformerDecoderLayer[];
  norm: LayerNorm | null;
  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, { norm = null }: { norm?: LayerNorm | null } = {}) {
    super();
    this.layers = clones('TransformerDecoder', decoderLayer, numLayers);
    this.norm = norm;
  }
  forward(tgt: Tensor, memory: Tensor, opts: DecoderCallOptions = {}): Tensor {
    let x = tgt;
    for (const l of this.layers) x = l.forward(x, memory, opts);
    return this.norm ? this.norm.forward(x) : x;
  }
  override config(): ModuleConfig {
    return { type: 'TransformerDecoder', args: [this.layers[0]!.config(), this.layers.length, this.norm ? this.norm.config() : null] };
  }
}
registerModule('TransformerDecoder', (l: ModuleConfig, n: number, norm: ModuleConfig | null) =>
  new TransformerDecoder(moduleFromConfig(l) as TransformerDecoderLayer, n, { norm: norm ? (moduleFromConfig(norm) as LayerNorm) : null }));
