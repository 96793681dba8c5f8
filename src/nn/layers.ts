// Structural layers without weights: Sequential, Flatten, Dropout.
import { ValueError } from '../errors.js';
import { dropout } from '../ops/activation.js';
import { flatten } from '../ops/movement.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { ReLU } from './activations.js';
import { Linear } from './linear.js';
import { Module, moduleFromConfig, registerModule, type ModuleConfig } from './module.js';

/**
 * Whether `a`, `b` are a plain Linear and a plain ReLU whose forward nobody replaced (a forward
 * hook or the doctor's probe wraps it in an own `forward`; a subclass may override it): then the
 * pair may run as Linear.forwardRelu, one fused op instead of two, which gives the same values.
 * The functions are compared, not own properties: summary() leaves the same function behind.
 */
function reluPair(a: Module, b: Module | undefined): a is Linear {
  return b !== undefined && Object.getPrototypeOf(a) === Linear.prototype && Object.getPrototypeOf(b) === ReLU.prototype
    && a.forward === Linear.prototype.forward && b.forward === ReLU.prototype.forward;
}

/**
 * Chains modules: the output of each is the input of the next. Children are named '0', '1', …
 * as in PyTorch, so state dicts line up.
 *
 * @example
 * const mlp = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
 */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    layers.forEach((l, i) => {
      if (!(l instanceof Module)) throw new ValueError('Sequential', `argument ${i} is not a Module (got ${typeof l}); pass layers such as new Linear(4, 8)`);
    });
    this.layers = layers;
  }
  override *namedChildren(): Generator<[string, Module]> {
    for (let i = 0; i < this.layers.length; i++) yield [String(i), this.layers[i]!];
  }
  forward(x: Tensor): Tensor {
    const ls = this.layers;
    // Under noGrad (inference), a Linear followed by a ReLU runs as one op: at batch 1 the cost of
    // each op outside its kernel is most of the latency. With gradients, every layer runs alone.
    const fuse = !isGradEnabled();
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      if (fuse && reluPair(l, ls[i + 1])) { x = l.forwardRelu(x); i++; continue; }
      x = l.forward(x);
    }
    return x;
  }
  /** The i-th layer (negative counts from the end). */
  at(i: number): Module { return this.layers[this.index('at', i)]!; }
  /**
   * Replace the i-th layer (negative counts from the end), e.g. a new head for fine-tuning:
   * `seq.set(-1, new Linear(256, 5))`. Returns the layer it replaced.
   */
  set(i: number, layer: Module): Module {
    if (!(layer instanceof Module)) throw new ValueError('Sequential.set', `the new layer is not a Module (got ${typeof layer})`);
    const j = this.index('set', i);
    const old = this.layers[j]!;
    this.layers[j] = layer;
    return old;
  }
  private index(op: string, i: number): number {
    const j = i < 0 ? this.layers.length + i : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.layers.length) throw new ValueError(`Sequential.${op}`, `index ${i} is out of range for ${this.layers.length} layers`);
    return j;
  }
  get length(): number { return this.layers.length; }
  override config(): ModuleConfig { return { type: 'Sequential', args: this.layers.map((l) => l.config()) }; }
}
registerModule('Sequential', (...cfgs: ModuleConfig[]) => new Sequential(...cfgs.map(moduleFromConfig)));

/** Flattens dims startDim..endDim (default 1..−1: everything but the batch). (N, *) → (N, ∏*). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return flatten(x, { startDim: this.startDim, endDim: this.endDim }); }
  override config(): ModuleConfig { return { type: 'Flatten', args: [this.startDim, this.endDim] }; }
  override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}
registerModule('Flatten', (s?: number, e?: number) => new Flatten(s, e));

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest by
 * 1/(1−p); in eval mode, the identity. Default p = 0.5.
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError('Dropout', `p must be in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor { return dropout(x, { p: this.p, training: this.training }); }
  override config(): ModuleConfig { return { type: 'Dropout', args: [this.p] }; }
  override extraRepr(): string { return `p=${this.p}`; }
}
registerModule('Dropout', (p?: number) => new Dropout(p));
