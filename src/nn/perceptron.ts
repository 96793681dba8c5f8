// Rosenblatt's perceptron (1958): one neuron, a step activation, and the perceptron learning rule
// w ← w + lr·(y − ŷ)·x, b ← b + lr·(y − ŷ). No gradients: the step function has none.
import { ShapeError, ValueError } from '../errors.js';
import { linear } from '../ops/linalg.js';
import { cast, ge } from '../ops/elementwise.js';
import { reshape } from '../ops/movement.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';
import { empty } from './util.js';
import { bumpVersion } from '../tensor/version.js';

export interface PerceptronFitOptions {
  /** Passes over the data at most (stops early once an epoch makes no mistake). Default 100. */
  epochs?: number;
  /** Learning rate of the rule. Default 1. */
  lr?: number;
  /** Visit samples in a new seeded order each epoch. Default true. */
  shuffle?: boolean;
  seed?: number;
}

export interface PerceptronFitResult {
  /** True when an epoch classified every sample correctly (the data is linearly separable). */
  converged: boolean;
  epochs: number;
  /** Mistakes made in each epoch. */
  mistakes: number[];
  /** Training accuracy after the last update. */
  accuracy: number;
}

/**
 * A single neuron ŷ = step(w·x + b) with outputs 0/1, trained by the perceptron rule.
 * It converges on linearly separable data and can never exceed 75% on XOR.
 *
 * Shape: input (N, inFeatures) → output (N) of 0/1.
 */
export class Perceptron extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(readonly inFeatures: number) {
    super();
    this.weight = new Parameter(empty('Perceptron', [1, inFeatures], 'float64'), { requiresGrad: false });
    this.bias = new Parameter(empty('Perceptron', [1], 'float64'), { requiresGrad: false });
  }

  forward(x: Tensor): Tensor {
    const z = linear(x, this.weight, this.bias); // (N, 1)
    return reshape(cast(ge(z, 0), 'float32'), [x.shape[0]!]); // (N)
  }

  /** Train with the perceptron rule on 0/1 targets `y` (N). */
  fit(x: Tensor, y: Tensor, { epochs = 100, lr = 1, shuffle = true, seed = 0 }: PerceptronFitOptions = {}): PerceptronFitResult {
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError('Perceptron.fit', `x must have shape [N, ${this.inFeatures}], got [${x.shape.join(',')}]`);
    }
    if (y.numel !== x.shape[0]) throw new ShapeError('Perceptron.fit', `y has ${y.numel} labels for ${x.shape[0]} samples`);
    const n = x.shape[0]!;
    const d = this.inFeatures;
    const X = x.data();
    const Y = y.data();
    if (Array.from(Y).some((v) => v !== 0 && v !== 1)) throw new ValueError('Perceptron.fit', 'targets must be 0 or 1');
    const w = Float64Array.from(this.weight.data());
    let b = this.bias.data()[0]!;
    const g = new Generator(seed);
    const order = Array.from({ length: n }, (_, i) => i);
    const predict = (i: number): number => {
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * X[i * d + j]!;
      return z >= 0 ? 1 : 0;
    };
    const mistakes: number[] = [];
    let converged = false;
    for (let e = 0; e < epochs && !converged; e++) {
      if (shuffle) for (let i = n - 1; i > 0; i--) { const j = g.int(0, i + 1); [order[i], order[j]] = [order[j]!, order[i]!]; }
      let m = 0;
      for (const i of order) {
        const err = Y[i]! - predict(i);
        if (err === 0) continue;
        m++;
        for (let j = 0; j < d; j++) w[j]! += lr * err * X[i * d + j]!;
        b += lr * err;
      }
      mistakes.push(m);
      converged = m === 0;
    }
    this.weight.storage.backend.write(this.weight.storage, w);
    this.bias.storage.backend.write(this.bias.storage, [b]);
    bumpVersion(this.weight);
    bumpVersion(this.bias);
    let correct = 0;
    for (let i = 0; i < n; i++) if (predict(i) === Y[i]) correct++;
    return { converged, epochs: mistakes.length, mistakes, accuracy: n ? correct / n : 0 };
  }

  override config(): ModuleConfig { return { type: 'Perceptron', args: [this.inFeatures] }; }
  override extraRepr(): string { return `inFeatures=${this.inFeatures}`; }
}
registerModule('Perceptron', (n: number) => new Perceptron(n));
