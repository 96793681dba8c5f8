// Multi-layer recurrent layers with PyTorch's semantics and parameter layout: RNN (tanh/relu),
// LSTM and GRU; bidirectional, batchFirst, dropout between layers, initial states, and
// variable-length batches through `lengths` (what pack_padded_sequence does in PyTorch).
import { ShapeError, SyncReadError, ValueError } from '../errors.js';
import { readsSync } from '../tensor/host-read.js';
import { dropout } from '../ops/activation.js';
import { add, where } from '../ops/elementwise.js';
import { linear } from '../ops/linalg.js';
import { lstmSequence, type LstmSequenceResult } from '../ops/lstm-sequence.js';
import { gruSequence } from '../ops/gru-sequence.js';
import { rnnSequence } from '../ops/rnn-sequence.js';
import { cat, select, stack, transpose, unsqueeze, squeeze } from '../ops/movement.js';
import { fromArray, zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { uniform_ } from './init.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';
import { atLastStep, lengthPlan, reverseWithinLengths } from './sequence-lengths.js';
import { foldsHiddenBias, gateCount, type RnnMode, type RnnNonlinearity } from './recurrent-step.js';
import { empty } from './util.js';

export interface RNNBaseOptions {
  /** Stacked recurrent layers (layer k reads layer k−1's outputs). Default 1. */
  numLayers?: number;
  /** Learn b_ih and b_hh. Default true. */
  bias?: boolean;
  /** Input and output are (N, T, features) instead of (T, N, features). Default false. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last (training only). Default 0. */
  dropout?: number;
  /** Run a second pass from the end of each sequence and concatenate. Default false. */
  bidirectional?: boolean;
  dtype?: DType;
}

export interface RNNOptions extends RNNBaseOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: RnnNonlinearity;
}

export interface RecurrentForwardOptions {
  /**
   * Valid length of each sequence, int32 (N) or numbers, each in 1..T. Steps past a length do not
   * touch the state (the final state is the one at the sequence's own last step, and in the
   * reverse direction the pass starts there) and their outputs are 0, as with PyTorch's
   * pack_padded_sequence / pad_packed_sequence.
   */
  lengths?: Tensor | readonly number[];
}

/** Validated lengths as numbers, or null when every sequence is full length. */
function readLengths(layer: string, lengths: Tensor | readonly number[] | undefined, n: number, t: number): number[] | null {
  if (lengths === undefined) return null;
  if (lengths instanceof Tensor && lengths.dtype !== 'int32') {
    throw new ValueError(layer, `lengths must be an int32 tensor (or a number array), got ${lengths.dtype}; convert with .int()`);
  }
  if (lengths instanceof Tensor && !readsSync(lengths)) {
    // The packing schedule (which sequences are still running at each step) is decided on the CPU.
    throw new SyncReadError(layer, `lengths is a tensor on the ${lengths.storage.backend.name} backend, whose memory can only be read asynchronously, and the layer plans its time steps from the lengths on the CPU; pass them as a number array: { lengths: await lengths.toArrayAsync() } (or keep them as numbers from the data pipeline)`);
  }
  const v = lengths instanceof Tensor ? Array.from(lengths.data()) : [...lengths];
  if (v.length !== n) throw new ShapeError(layer, `lengths has ${v.length} entries but the batch holds ${n} sequences; give one length per sequence`);
  for (const l of v) {
    if (!Number.isInteger(l) || l < 1) throw new ValueError(layer, `every length must be an integer ≥ 1, got ${l}; drop empty sequences from the batch`);
    if (l > t) throw new ValueError(layer, `a length of ${l} is longer than the padded batch (${t} time steps); pad the batch to its longest sequence or clip lengths to ${t}`);
  }
  return v.every((l) => l === t) ? null : v;
}

/**
 * The shared machinery of RNN, LSTM and GRU. Parameters are fields named exactly as PyTorch's
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `…_reverse` for the backward
 * direction, layer by layer), so `stateDict()` keys and shapes equal PyTorch's and weights load
 * unchanged through safetensors. W_ih of layer k is (G·H, inputSize or D·H), W_hh is (G·H, H).
 */
export abstract class RNNBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  protected readonly mode: RnnMode;

  constructor(mode: RnnMode, layer: string, inputSize: number, hiddenSize: number, opts: RNNBaseOptions) {
    super();
    const { numLayers = 1, bias = true, batchFirst = false, dropout: p = 0, bidirectional = false, dtype = 'float32' } = opts;
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ValueError(layer, `numLayers must be an integer ≥ 1, got ${numLayers}`);
    if (!Number.isInteger(hiddenSize) || hiddenSize < 1) throw new ValueError(layer, `hiddenSize must be an integer ≥ 1, got ${hiddenSize}`);
    if (!(p >= 0 && p <= 1)) throw new ValueError(layer, `dropout must be in [0, 1], got ${p}`);
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.bidirectional = bidirectional;
    const G = gateCount(mode) * hiddenSize;
    const fields = this as unknown as Record<string, Parameter>;
    for (let k = 0; k < numLayers; k++) {
      for (const sfx of this.directionSuffixes()) {
        const inp = k === 0 ? inputSize : hiddenSize * this.numDirections;
        fields[`weight_ih_l${k}${sfx}`] = new Parameter(empty(layer, [G, inp], dtype));
        fields[`weight_hh_l${k}${sfx}`] = new Parameter(empty(layer, [G, hiddenSize], dtype));
        if (bias) {
          fields[`bias_ih_l${k}${sfx}`] = new Parameter(empty(layer, [G], dtype));
          fields[`bias_hh_l${k}${sfx}`] = new Parameter(empty(layer, [G], dtype));
        }
      }
    }
    this.resetParameters();
  }

  get numDirections(): number { return this.bidirectional ? 2 : 1; }
  private directionSuffixes(): string[] { return this.bidirectional ? ['', '_reverse'] : ['']; }

  /** PyTorch's default init: every weight and bias from U(−1/√hidden, 1/√hidden). */
  resetParameters(): void {
    const b = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -b, b);
  }

  private param(name: string): Parameter | null {
    return (this as unknown as Record<string, Parameter | undefined>)[name] ?? null;
  }

  /**
   * Run every layer and direction. `x` is time-major (T, N, I); `h0`/`c0` are (L·D, N, H) or null.
   * Returns the output (T, N, D·H) and the final states (L·D, N, H).
   */
  protected run(layer: string, input: Tensor, h0: Tensor | null, c0: Tensor | null, opts: RecurrentForwardOptions): { out: Tensor; hN: Tensor; cN: Tensor | null } {
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ShapeError(layer, `expects a 3-D input ${this.batchFirst ? '(N, T, features)' : '(T, N, features)'} or a 2-D unbatched (T, features), got shape ${shapeStr(input.shape)}`);
    }
    const unbatched = input.ndim === 2;
    const featureSize = input.shape[input.ndim - 1]!;
    if (featureSize !== this.inputSize) {
      throw new ShapeError(layer, `input has ${featureSize} features in its last dim (shape ${shapeStr(input.shape)}) but the layer was built with inputSize ${this.inputSize}; pass sequences of shape ${this.batchFirst ? '(N, T, ' : '(T, N, '}${this.inputSize}) or build the layer with inputSize ${featureSize}`);
    }
    let x = unbatched ? unsqueeze(input, 1) : this.batchFirst ? transpose(input, 0, 1) : input; // -> (T, N, I)
    const [T, N] = x.shape as [number, number, number];
    const LD = this.numLayers * this.numDirections;
    const H = this.hiddenSize;
    const state0 = (s: Tensor | null, what: string): Tensor | null => {
      if (s === null) return null;
      const want = unbatched ? [LD, H] : [LD, N, H];
      if (s.ndim !== want.length || s.shape.some((v, i) => v !== want[i])) {
        throw new ShapeError(layer, `initial ${what} must have shape ${shapeStr(want)} (numLayers·numDirections, batch, hiddenSize), got ${shapeStr(s.shape)}`);
      }
      return unbatched ? unsqueeze(s, 1) : s; // (L·D, H) -> (L·D, 1, H)
    };
    const hInit = state0(h0, 'hidden state h0');
    const cInit = state0(c0, 'cell state c0');
    const lengths = readLengths(layer, opts.lengths, N, T);
    // (T, N, 1), true where step t lies inside sequence n: the outputs past a length are zeroed.
    const inside = lengths === null ? null : fromArray(Array.from({ length: T * N }, (_, i) => (Math.floor(i / N) < lengths[i % N]! ? 1 : 0)), [T, N, 1], 'bool', x.storage.backend); // element t·N + n
    const plan = lengths === null ? null : lengthPlan(lengths, T, x.storage.backend);
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    const isLstm = this.mode === 'LSTM';
    for (let k = 0; k < this.numLayers; k++) {
      const dirOuts: Tensor[] = [];
      this.directionSuffixes().forEach((sfx, d) => {
        const idx = k * this.numDirections + d;
        const zero = (): Tensor => zeros([N, H], { dtype: x.dtype });
        const h0d = hInit ? select(hInit, 0, idx) : zero(); // (N, H)
        const wih = this.param(`weight_ih_l${k}${sfx}`)!;
        const whh = this.param(`weight_hh_l${k}${sfx}`)!;
        const bih = this.param(`bias_ih_l${k}${sfx}`);
        const bhh = this.param(`bias_hh_l${k}${sfx}`);
        const folded = foldsHiddenBias(this.mode);
        const bIn = bih && bhh && folded ? add(bih, bhh) : bih; // (G·H)
        const gi = linear(x, wih, bIn); // one GEMM for every step: (T, N, I) -> (T, N, G·H)
        // The whole direction as one primitive (ops/lstm-sequence.ts, gru-sequence.ts,
        // rnn-sequence.ts). With lengths, see sequence-lengths.ts: a reversed direction runs forward
        // over each sequence reversed within its length, and the final state is the one at each
        // sequence's last real step.
        const reverse = d === 1;
        const flip = plan !== null && reverse;
        const giRun = flip ? reverseWithinLengths(gi, plan) : gi; // (T, N, G·H)
        const opts = { reverse: reverse && plan === null };
        const r = isLstm ? lstmSequence(giRun, whh, h0d, cInit ? select(cInit, 0, idx) : zero(), opts)
          : this.mode === 'GRU' ? gruSequence(giRun, whh, bhh ?? zeros([3 * H], { dtype: x.dtype }), h0d, opts)
            : rnnSequence(giRun, whh, h0d, { ...opts, relu: this.mode === 'RNN_RELU' }); // (T, N, G·H) -> (T, N, H)
        dirOuts.push(flip ? reverseWithinLengths(r.out, plan) : r.out); // (T, N, H) in time order
        hN.push(plan ? atLastStep(r.out, plan) : r.h); // (N, H)
        if (isLstm) cN.push(plan ? atLastStep((r as LstmSequenceResult).cells, plan) : (r as LstmSequenceResult).c);
      });
      x = dirOuts.length === 1 ? dirOuts[0]! : cat(dirOuts, 2); // (T, N, D·H)
      if (k < this.numLayers - 1 && this.dropout > 0 && this.training) x = dropout(x, { p: this.dropout, training: true });
    }
    if (inside) x = where(inside, x, 0); // outputs past a length are 0: (T, N, D·H)
    const out = unbatched ? squeeze(x, 1) : this.batchFirst ? transpose(x, 0, 1) : x; // -> input layout
    const fin = (s: Tensor[]): Tensor => (unbatched ? squeeze(stack(s, 0), 1) : stack(s, 0)); // (L·D, N, H)
    return { out, hN: fin(hN), cN: isLstm ? fin(cN) : null };
  }

  protected baseOptions(): RNNBaseOptions {
    return { numLayers: this.numLayers, bias: this.bias, batchFirst: this.batchFirst, dropout: this.dropout, bidirectional: this.bidirectional, dtype: this.param('weight_ih_l0')!.dtype };
  }

  override extraRepr(): string {
    const extra = [this.numLayers !== 1 ? `numLayers=${this.numLayers}` : '', !this.bias ? 'bias=false' : '', this.batchFirst ? 'batchFirst=true' : '',
      this.dropout ? `dropout=${this.dropout}` : '', this.bidirectional ? 'bidirectional=true' : ''].filter(Boolean);
    return [`${this.inputSize}, ${this.hiddenSize}`, ...extra].join(', ');
  }
}

/**
 * Elman RNN: h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), act = tanh or relu.
 *
 * Shape: input (T, N, inputSize) (batchFirst: (N, T, inputSize); unbatched (T, inputSize)),
 * h0 (numLayers·D, N, hiddenSize) → output (T, N, D·hiddenSize), hN (numLayers·D, N, hiddenSize),
 * where D = 2 if bidirectional else 1.
 *
 * @example
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [out, hN] = rnn.forward(randn([5, 3, 10])); // out (5, 3, 20), hN (2, 3, 20)
 */
export class RNN extends RNNBase {
  readonly nonlinearity: RnnNonlinearity;
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError('RNN', `nonlinearity must be 'tanh' or 'relu', got '${String(nl)}'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', 'RNN', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  /** Returns [output, hN]. */
  forward(input: Tensor, hx: Tensor | null = null, opts: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    const r = this.run('RNN', input, hx, null, opts);
    return [r.out, r.hN];
  }
  override config(): ModuleConfig { return { type: 'RNN', args: [this.inputSize, this.hiddenSize, { ...this.baseOptions(), nonlinearity: this.nonlinearity }] }; }
}
registerModule('RNN', (i: number, h: number, o?: RNNOptions) => new RNN(i, h, o));

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997), PyTorch's formulation:
 * [i f g o] = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh; c_t = σ(f)⊙c_{t−1} + σ(i)⊙tanh(g);
 * h_t = σ(o)⊙tanh(c_t).
 *
 * Shape: input (T, N, inputSize) (batchFirst: (N, T, inputSize)), hx [h0, c0] each
 * (numLayers·D, N, hiddenSize) → [output (T, N, D·hiddenSize), [hN, cN]].
 *
 * @example
 * const lstm = new LSTM(32, 128, { batchFirst: true });
 * const [out, [hN, cN]] = lstm.forward(randn([8, 64, 32])); // out (8, 64, 128), hN (1, 8, 128)
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, opts);
  }
  /** Returns [output, [hN, cN]]. */
  forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null, opts: RecurrentForwardOptions = {}): [Tensor, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ValueError('LSTM', 'hx must be a pair [h0, c0] (or null for zeros)');
    const r = this.run('LSTM', input, hx?.[0] ?? null, hx?.[1] ?? null, opts);
    return [r.out, [r.hN, r.cN!]];
  }
  override config(): ModuleConfig { return { type: 'LSTM', args: [this.inputSize, this.hiddenSize, this.baseOptions()] }; }
}
registerModule('LSTM', (i: number, h: number, o?: RNNBaseOptions) => new LSTM(i, h, o));

/**
 * Gated recurrent unit (Cho et al. 2014), PyTorch's formulation: r, z = σ(W_i{r,z}x + b_i{r,z} +
 * W_h{r,z}h + b_h{r,z}); n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)); h' = (1 − z)⊙n + z⊙h.
 *
 * Shape: input (T, N, inputSize) (batchFirst: (N, T, inputSize)), h0 (numLayers·D, N, hiddenSize)
 * → [output (T, N, D·hiddenSize), hN (numLayers·D, N, hiddenSize)].
 *
 * @example
 * const gru = new GRU(16, 32, { bidirectional: true, batchFirst: true });
 * const [out, hN] = gru.forward(randn([4, 50, 16]), null, { lengths: [50, 31, 7, 12] }); // out (4, 50, 64)
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super('GRU', 'GRU', inputSize, hiddenSize, opts);
  }
  /** Returns [output, hN]. */
  forward(input: Tensor, hx: Tensor | null = null, opts: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    const r = this.run('GRU', input, hx, null, opts);
    return [r.out, r.hN];
  }
  override config(): ModuleConfig { return { type: 'GRU', args: [this.inputSize, this.hiddenSize, this.baseOptions()] }; }
}
registerModule('GRU', (i: number, h: number, o?: RNNBaseOptions) => new GRU(i, h, o));
