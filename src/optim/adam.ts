// Adam and AdamW (torch.optim.Adam / AdamW), with AMSGrad. AdamW decays weights directly
// (decoupled) instead of adding wd·p to the gradient.
import { ValueError } from '../errors.js';
import { add, div, maximum, mul, sqrt, sub } from '../ops/elementwise.js';
import { zerosLike } from '../tensor/creation.js';
import { runFused } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsArg } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  /** Decay rates of the first and second moment estimates. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  weightDecay: number;
  /** Use the running maximum of the second moment (Reddi et al. 2018). */
  amsgrad: boolean;
}

/**
 * Adam (Kingma & Ba 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε). Weight decay is L2 (added to g).
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamOptions> {
  /** AdamW decays the weights directly instead of adding wd·p to the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...opts });
  }

  protected override validate(g: AdamOptions): void {
    super.validate(g);
    const [b1, b2] = g.betas;
    if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) throw new ValueError(this.constructor.name, `betas must be in [0, 1), got [${b1}, ${b2}]`);
    if (!(g.eps >= 0)) throw new ValueError(this.constructor.name, `eps must be ≥ 0, got ${g.eps}`);
    if (!(g.weightDecay >= 0)) throw new ValueError(this.constructor.name, `weightDecay must be ≥ 0, got ${g.weightDecay}`);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamOptions>): Tensor {
    const [b1, b2] = g.betas;
    const t = ((state.step as number | undefined) ?? 0) + 1;
    state.step = t;
    const backend = p.storage.backend;
    if (!g.amsgrad && backend.fused?.adam) {
      // One fused pass over p, g, m, v when the backend has it (float32 on wasm): same update rule.
      const m0 = this.stateTensor(state, 'expAvg', () => zerosLike(p));
      const v0 = this.stateTensor(state, 'expAvgSq', () => zerosLike(p));
      const done = runFused(backend, 'adam', { param: p, grad, m: m0, v: v0 }, { lr: g.lr, beta1: b1, beta2: b2, eps: g.eps, weightDecay: g.weightDecay, decoupled: this.decoupled, step: t });
      if (done) return p;
    }
    let param = p;
    let d = grad;
    if (g.weightDecay !== 0) {
      if (this.decoupled) param = mul(p, 1 - g.lr * g.weightDecay);
      else d = add(grad, mul(p, g.weightDecay));
    }
    const m = this.setState(state, 'expAvg', add(mul(this.stateTensor(state, 'expAvg', () => zerosLike(p)), b1), mul(d, 1 - b1)));
    const v = this.setState(state, 'expAvgSq', add(mul(this.stateTensor(state, 'expAvgSq', () => zerosLike(p)), b2), mul(mul(d, d), 1 - b2)));
    const second = g.amsgrad ? this.setState(state, 'maxExpAvgSq', maximum(this.stateTensor(state, 'maxExpAvgSq', () => zerosLike(p)), v)) : v;
    const denom = add(div(sqrt(second), Math.sqrt(1 - b2 ** t)), g.eps);
    return sub(param, mul(div(m, denom), g.lr / (1 - b1 ** t)));
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay p ← p·(1 − lr·wd) before
 * the Adam step. Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 1e-2.
 */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...opts });
  }
}
