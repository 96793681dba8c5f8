// The Optimizer base: parameter groups, per-parameter state, zeroGrad, stateDict/loadStateDict.
// Subclasses write one `update` per parameter with ordinary ops; the base runs it without a tape,
// inside a scope (temporaries are freed at once), and writes the result into the parameter.
import { AxonError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { assign } from '../ops/assign.js';
import { clone } from '../ops/elementwise.js';
import { keep, scope, unkeep } from '../tensor/lifetime.js';
import { Tensor } from '../tensor/tensor.js';
import { bumpVersion } from '../tensor/version.js';

export type ParamState = Record<string, Tensor | number>;

/** A group of parameters sharing hyper-parameters (like PyTorch's param_groups entries). */
export type ParamGroup<O> = O & { params: Tensor[] };

/** Either a list of parameters or a list of groups `{ params, ...overrides }`. */
export type ParamsArg<O> = Iterable<Tensor> | readonly (Partial<O> & { params: Iterable<Tensor> })[];

export abstract class Optimizer<O extends { lr: number } = { lr: number }> {
  readonly paramGroups: ParamGroup<O>[];
  readonly defaults: O;
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsArg<O>, defaults: O) {
    this.defaults = defaults;
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError(this.constructor.name, 'got an empty parameter list; pass model.parameters()');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as (Partial<O> & { params: Iterable<Tensor> })[]);
    this.paramGroups = groups.map((g) => ({ ...defaults, ...g, params: [...g.params] }) as ParamGroup<O>);
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) {
      this.validate(g);
      for (const p of g.params) {
        if (seen.has(p)) throw new ValueError(this.constructor.name, 'a parameter appears in more than one group');
        seen.add(p);
      }
    }
  }

  /** Check a group's hyper-parameters (throw ValueError naming the bad one). */
  protected validate(g: O): void {
    if (!(g.lr >= 0)) throw new ValueError(this.constructor.name, `lr must be ≥ 0, got ${g.lr}`);
  }

  /** The new value of `p` given its gradient (or `p` itself when it was updated in place by a fused
   * backend kernel); update `state` in place via `setState`. */
  protected abstract update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): Tensor;

  /** Store a state tensor (kept across steps; the previous one is released). */
  protected setState(state: ParamState, key: string, value: Tensor): Tensor {
    const old = state[key];
    const v = keep(value);
    state[key] = v;
    if (old instanceof Tensor && old !== v && old.storage !== v.storage) unkeep(old);
    return v;
  }

  /** A state tensor, created from `init()` on first use. */
  protected stateTensor(state: ParamState, key: string, init: () => Tensor): Tensor {
    const v = state[key];
    return v instanceof Tensor ? v : this.setState(state, key, clone(init()));
  }

  /** Apply one update to every parameter that has a gradient and requires one (frozen ones are untouched, weight decay included). */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad || !p.requiresGrad) continue;
          let st = this.state.get(p);
          if (!st) { st = {}; this.state.set(p, st); }
          const s = st;
          scope(() => {
            const next = this.update(p, p.grad!, s, group);
            if (next !== p) assign(p, next);
            else bumpVersion(p); // updated in place by a fused kernel
          });
        }
      }
    });
  }

  /** Drop every parameter's gradient (their memory is released). */
  zeroGrad(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad) unkeep(p.grad);
        p.grad = null;
      }
    }
  }

  /** State and hyper-parameters; parameters are referred to by their position across groups. */
  stateDict(): { state: Record<number, ParamState>; paramGroups: Record<string, unknown>[] } {
    const index = new Map<Tensor, number>();
    let i = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...rest } = g;
      return { ...rest, params: params.map((p) => { index.set(p, i); return i++; }) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const k = index.get(p);
      if (k !== undefined) state[k] = Object.fromEntries(Object.entries(s).map(([n, v]) => [n, v instanceof Tensor ? clone(v) : v]));
    }
    return { state, paramGroups };
  }

  /** Restore what `stateDict()` returned (hyper-parameters and state; copies the tensors). */
  loadStateDict(sd: { state: Record<number, ParamState>; paramGroups: Record<string, unknown>[] }): void {
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new AxonError('loadStateDict', `optimizer state has ${sd.paramGroups.length} parameter groups but this optimizer has ${this.paramGroups.length}`);
    }
    const params = this.paramGroups.flatMap((g) => g.params);
    sd.paramGroups.forEach((saved, gi) => {
      const g = this.paramGroups[gi]!;
      const ids = saved.params as number[];
      if (ids.length !== g.params.length) throw new AxonError('loadStateDict', `group ${gi} has ${ids.length} parameters in the state but ${g.params.length} here`);
      const { params: _p, ...hyper } = saved;
      Object.assign(g, hyper);
    });
    this.state.clear();
    for (const [k, s] of Object.entries(sd.state)) {
      const p = params[Number(k)];
      if (!p) throw new AxonError('loadStateDict', `state refers to parameter ${k}, which does not exist`);
      const copy: ParamState = {};
      for (const [n, v] of Object.entries(s)) copy[n] = v instanceof Tensor ? keep(clone(v)) : v;
      this.state.set(p, copy);
    }
  }
}
