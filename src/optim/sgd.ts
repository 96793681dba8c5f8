// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD).
import { ValueError } from '../errors.js';
import { add, clone, mul, sub } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsArg } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  /** L2 penalty added to the gradient: g ← g + wd·p. */
  weightDecay: number;
}

/**
 * g ← ∇ + wd·p; with momentum μ: b ← μ·b + (1 − dampening)·g (b = g on the first step),
 * g ← g + μ·b (Nesterov) or g ← b; then p ← p − lr·g. Defaults: lr 0.01, no momentum.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super(params, { lr: 0.01, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...opts });
  }

  protected override validate(g: SGDOptions): void {
    super.validate(g);
    if (g.momentum < 0) throw new ValueError('SGD', `momentum must be ≥ 0, got ${g.momentum}`);
    if (g.weightDecay < 0) throw new ValueError('SGD', `weightDecay must be ≥ 0, got ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new ValueError('SGD', 'Nesterov momentum needs momentum > 0 and dampening 0');
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<SGDOptions>): Tensor {
    let d = g.weightDecay !== 0 ? add(grad, mul(p, g.weightDecay)) : grad;
    if (g.momentum !== 0) {
      const prev = state.momentumBuffer;
      const buf = this.setState(state, 'momentumBuffer', prev === undefined ? clone(d) : add(mul(prev as Tensor, g.momentum), mul(d, 1 - g.dampening)));
      d = g.nesterov ? add(d, mul(buf, g.momentum)) : buf;
    }
    return sub(p, mul(d, g.lr));
  }
}
