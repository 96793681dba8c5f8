// Single-step recurrent cells with PyTorch's layout: RNNCell, LSTMCell, GRUCell (parameters
// weight_ih, weight_hh, bias_ih, bias_hh; gate order i,f,g,o and r,z,n).
import { ShapeError, ValueError } from '../errors.js';
import { add } from '../ops/elementwise.js';
import { linear } from '../ops/linalg.js';
import { squeeze, unsqueeze } from '../ops/movement.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniform_ } from './init.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';
import { foldsHiddenBias, gateCount, recurrentStep, type RnnMode, type RnnNonlinearity, type StepState } from './recurrent-step.js';
import { empty } from './util.js';

export interface RNNCellBaseOptions {
  /** Learn bias_ih and bias_hh. Default true. */
  bias?: boolean;
  dtype?: DType;
}

abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  protected readonly mode: RnnMode;
  protected readonly layer: string;

  constructor(mode: RnnMode, layer: string, inputSize: number, hiddenSize: number, { bias = true, dtype = 'float32' }: RNNCellBaseOptions) {
    super();
    this.mode = mode;
    this.layer = layer;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    const G = gateCount(mode) * hiddenSize;
    this.weight_ih = new Parameter(empty(layer, [G, inputSize], dtype));
    this.weight_hh = new Parameter(empty(layer, [G, hiddenSize], dtype));
    this.bias_ih = bias ? new Parameter(empty(layer, [G], dtype)) : null;
    this.bias_hh = bias ? new Parameter(empty(layer, [G], dtype)) : null;
    this.resetParameters();
  }

  /** PyTorch's default init: every weight and bias from U(−1/√hidden, 1/√hidden). */
  resetParameters(): void {
    const b = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -b, b);
  }

  /** Validate shapes, make the state batched, run one step; unbatched results lose the batch dim again. */
  protected step(input: Tensor, h: Tensor | null, c: Tensor | null): StepState {
    if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(this.layer, `expects input (N, ${this.inputSize}) or unbatched (${this.inputSize}), got shape ${shapeStr(input.shape)}`);
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(this.layer, `input has ${input.shape[input.ndim - 1]} features (shape ${shapeStr(input.shape)}) but the cell was built with inputSize ${this.inputSize}; pass (N, ${this.inputSize}) or build the cell with inputSize ${input.shape[input.ndim - 1]}`);
    }
    const unbatched = input.ndim === 1;
    const x = unbatched ? unsqueeze(input, 0) : input; // (I) -> (1, I)
    const N = x.shape[0]!;
    const prep = (s: Tensor | null, what: string): Tensor => {
      if (s === null) return zeros([N, this.hiddenSize], { dtype: x.dtype });
      const want = unbatched ? [this.hiddenSize] : [N, this.hiddenSize];
      if (s.ndim !== want.length || s.shape.some((v, i) => v !== want[i])) throw new ShapeError(this.layer, `${what} must have shape ${shapeStr(want)}, got ${shapeStr(s.shape)}`);
      return unbatched ? unsqueeze(s, 0) : s; // (H) -> (1, H)
    };
    const folded = foldsHiddenBias(this.mode);
    const bIn = this.bias_ih && this.bias_hh && folded ? add(this.bias_ih, this.bias_hh) : this.bias_ih;
    const gi = linear(x, this.weight_ih, bIn); // (N, I) -> (N, G·H)
    const state = { h: prep(h, 'hx'), c: this.mode === 'LSTM' ? prep(c, 'cx') : undefined };
    const out = recurrentStep(this.mode, gi, state, this.weight_hh, folded ? null : this.bias_hh);
    return unbatched ? { h: squeeze(out.h, 0), c: out.c && squeeze(out.c, 0) } : out; // (1, H) -> (H)
  }

  protected cellOptions(): RNNCellBaseOptions { return { bias: this.bias_ih !== null, dtype: this.weight_ih.dtype }; }
  override extraRepr(): string { return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : ', bias=false'}`; }
}

/**
 * One Elman RNN step: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh).
 *
 * Shape: input (N, inputSize) or (inputSize), hx (N, hiddenSize) (zeros if omitted) → h' (N, hiddenSize).
 *
 * @example
 * const cell = new RNNCell(10, 20);
 * let h = zeros([3, 20]);
 * for (const x of randn([6, 3, 10]).split(1, 0)) h = cell.forward(x.squeeze(0), h); // (3, 20)
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: RnnNonlinearity;
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions & { nonlinearity?: RnnNonlinearity } = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError('RNNCell', `nonlinearity must be 'tanh' or 'relu', got '${String(nl)}'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', 'RNNCell', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor { return this.step(input, hx, null).h; }
  override config(): ModuleConfig { return { type: 'RNNCell', args: [this.inputSize, this.hiddenSize, { ...this.cellOptions(), nonlinearity: this.nonlinearity }] }; }
}
registerModule('RNNCell', (i: number, h: number, o?: RNNCellBaseOptions) => new RNNCell(i, h, o));

/**
 * One LSTM step: [i f g o] = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh; c' = σ(f)⊙c + σ(i)⊙tanh(g); h' = σ(o)⊙tanh(c').
 *
 * Shape: input (N, inputSize), hx [h, c] each (N, hiddenSize) → [h', c'] each (N, hiddenSize).
 *
 * @example
 * const [h, c] = new LSTMCell(10, 20).forward(randn([3, 10])); // (3, 20), (3, 20)
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions = {}) { super('LSTM', 'LSTMCell', inputSize, hiddenSize, opts); }
  forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const s = this.step(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [s.h, s.c!];
  }
  override config(): ModuleConfig { return { type: 'LSTMCell', args: [this.inputSize, this.hiddenSize, this.cellOptions()] }; }
}
registerModule('LSTMCell', (i: number, h: number, o?: RNNCellBaseOptions) => new LSTMCell(i, h, o));

/**
 * One GRU step: r, z = σ(x·W_i{r,z}ᵀ + b_i{r,z} + h·W_h{r,z}ᵀ + b_h{r,z}); n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn));
 * h' = (1 − z)⊙n + z⊙h.
 *
 * Shape: input (N, inputSize), hx (N, hiddenSize) → h' (N, hiddenSize).
 *
 * @example
 * const h = new GRUCell(10, 20).forward(randn([3, 10])); // (3, 20)
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions = {}) { super('GRU', 'GRUCell', inputSize, hiddenSize, opts); }
  forward(input: Tensor, hx: Tensor | null = null): Tensor { return this.step(input, hx, null).h; }
  override config(): ModuleConfig { return { type: 'GRUCell', args: [this.inputSize, this.hiddenSize, this.cellOptions()] }; }
}
registerModule('GRUCell', (i: number, h: number, o?: RNNCellBaseOptions) => new GRUCell(i, h, o));
