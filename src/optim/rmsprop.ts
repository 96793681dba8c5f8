// RMSprop and Adagrad (torch.optim.RMSprop / Adagrad): per-element step sizes from squared gradients.
import { ValueError } from '../errors.js';
import { add, div, mul, sqrt, sub } from '../ops/elementwise.js';
import { fullLike, zerosLike } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsArg } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Normalize by the variance estimate (subtract the squared mean gradient). */
  centered: boolean;
}

/**
 * v ← αv + (1−α)g²; avg = √v + ε (centered: √(v − ḡ²) + ε with ḡ ← αḡ + (1−α)g);
 * with momentum b ← μb + g/avg, p ← p − lr·b; else p ← p − lr·g/avg. Defaults: lr 0.01, alpha 0.99, eps 1e-8.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, ...opts });
  }
  protected override validate(g: RMSpropOptions): void {
    super.validate(g);
    if (!(g.alpha >= 0)) throw new ValueError('RMSprop', `alpha must be ≥ 0, got ${g.alpha}`);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<RMSpropOptions>): Tensor {
    const d = g.weightDecay !== 0 ? add(grad, mul(p, g.weightDecay)) : grad;
    const sq = this.setState(state, 'squareAvg', add(mul(this.stateTensor(state, 'squareAvg', () => zerosLike(p)), g.alpha), mul(mul(d, d), 1 - g.alpha)));
    let avg: Tensor;
    if (g.centered) {
      const ga = this.setState(state, 'gradAvg', add(mul(this.stateTensor(state, 'gradAvg', () => zerosLike(p)), g.alpha), mul(d, 1 - g.alpha)));
      avg = add(sqrt(sub(sq, mul(ga, ga))), g.eps);
    } else avg = add(sqrt(sq), g.eps);
    if (g.momentum > 0) {
      const buf = this.setState(state, 'momentumBuffer', add(mul(this.stateTensor(state, 'momentumBuffer', () => zerosLike(p)), g.momentum), div(d, avg)));
      return sub(p, mul(buf, g.lr));
    }
    return sub(p, mul(div(d, avg), g.lr));
  }
}

export interface AdagradOptions {
  lr: number;
  /** lr_t = lr / (1 + (t − 1)·lrDecay). */
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
}

/** s ← s + g²; p ← p − lr_t · g/(√s + ε). Defaults: lr 0.01, eps 1e-10. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super(params, { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, ...opts });
  }
  protected override validate(g: AdagradOptions): void {
    super.validate(g);
    if (!(g.initialAccumulatorValue >= 0)) throw new ValueError('Adagrad', `initialAccumulatorValue must be ≥ 0, got ${g.initialAccumulatorValue}`);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdagradOptions>): Tensor {
    const t = ((state.step as number | undefined) ?? 0) + 1;
    state.step = t;
    const d = g.weightDecay !== 0 ? add(grad, mul(p, g.weightDecay)) : grad;
    const clr = g.lr / (1 + (t - 1) * g.lrDecay);
    const sum = this.setState(state, 'sum', add(this.stateTensor(state, 'sum', () => fullLike(p, g.initialAccumulatorValue)), mul(d, d)));
    return sub(p, mul(div(d, add(sqrt(sum), g.eps)), clr));
  }
}
