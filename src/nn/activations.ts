// Activation layers: thin Modules over the functions in ops/ (ReLU, LeakyReLU, Sigmoid, Tanh,
// Softmax, LogSoftmax, GELU, SiLU, ELU, Softplus, Step, Identity).
import * as E from '../ops/elementwise.js';
import * as F from '../ops/activation.js';
import { cast } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, registerModule, type ModuleConfig } from './module.js';

/** A parameter-free module defined by a function and its options. */
abstract class Activation<O extends object = Record<string, never>> extends Module {
  constructor(readonly options: O = {} as O) { super(); }
  override config(): ModuleConfig { return { type: this.constructor.name, args: Object.keys(this.options).length ? [this.options] : [] }; }
  override extraRepr(): string { return Object.entries(this.options).map(([k, v]) => `${k}=${String(v)}`).join(', '); }
}

/** max(0, x). */
export class ReLU extends Activation { forward(x: Tensor): Tensor { return E.relu(x); } }
/** max(0, x) + negativeSlope·min(0, x); default slope 0.01. */
export class LeakyReLU extends Activation<{ negativeSlope?: number }> { forward(x: Tensor): Tensor { return F.leakyRelu(x, this.options); } }
/** 1 / (1 + e^{−x}). */
export class Sigmoid extends Activation { forward(x: Tensor): Tensor { return E.sigmoid(x); } }
/** tanh(x). */
export class Tanh extends Activation { forward(x: Tensor): Tensor { return E.tanh(x); } }
/** Softmax along `dim` (default −1). */
export class Softmax extends Activation<{ dim?: number }> { forward(x: Tensor): Tensor { return F.softmax(x, this.options); } }
/** Log-softmax along `dim` (default −1). */
export class LogSoftmax extends Activation<{ dim?: number }> { forward(x: Tensor): Tensor { return F.logSoftmax(x, this.options); } }
/** x·Φ(x); `approximate: 'tanh'` for the GPT-2 form. */
export class GELU extends Activation<{ approximate?: 'none' | 'tanh' }> { forward(x: Tensor): Tensor { return F.gelu(x, this.options); } }
/** x·σ(x). */
export class SiLU extends Activation { forward(x: Tensor): Tensor { return F.silu(x); } }
/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export class ELU extends Activation<{ alpha?: number }> { forward(x: Tensor): Tensor { return F.elu(x, this.options); } }
/** log(1 + e^{βx})/β. */
export class Softplus extends Activation<{ beta?: number; threshold?: number }> { forward(x: Tensor): Tensor { return F.softplus(x, this.options); } }
/** Heaviside step: 1 where x ≥ 0, else 0 (the perceptron's activation; its gradient is 0). */
export class Step extends Activation { forward(x: Tensor): Tensor { return cast(E.ge(x, 0), x.dtype === 'float64' ? 'float64' : 'float32'); } }
/** Returns its input. */
export class Identity extends Activation { forward(x: Tensor): Tensor { return x; } }

for (const C of [ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, GELU, SiLU, ELU, Softplus, Step, Identity]) {
  registerModule(C.name, (o?: object) => new (C as new (o?: object) => Module)(o));
}
