// L-BFGS (torch.optim.LBFGS): a quasi-Newton method for smooth, full-batch objectives, with
// PyTorch's options, stopping rules and optional strong-Wolfe line search. The objective and its
// gradient are the closure's tensor program (on the active backend); the step's vector algebra
// (the two-loop recursion, the line search) works on a float64 host copy of the flat parameters.
import { SyncReadError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { assign } from '../ops/assign.js';
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamState, type ParamsArg } from './optimizer.js';

export interface LBFGSOptions {
  /** Step length scale (1 for a Newton-like step). */
  lr: number;
  /** Iterations per `step()`. */
  maxIter: number;
  /** Objective evaluations per `step()` (default ⌊maxIter · 5/4⌋). */
  maxEval: number;
  /** Stop when every gradient component is at most this (first-order optimality). */
  toleranceGrad: number;
  /** Stop when the loss or the step changes by less than this. */
  toleranceChange: number;
  /** Pairs of past steps kept for the inverse-Hessian estimate. */
  historySize: number;
  /** 'strong_wolfe' (a line search meeting the strong Wolfe conditions) or null (fixed steps of lr). */
  lineSearchFn: 'strong_wolfe' | null;
}

/** The closure `step` evaluates: zero the gradients, compute the loss, call backward, return the loss. */
export type LossClosure = () => Tensor | number;

type Vec = Float64Array;
const dot = (a: Vec, b: Vec): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };
const maxAbs = (a: Vec): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };
/** y ← y + α·x, in place. */
const axpy = (y: Vec, alpha: number, x: Vec): Vec => { for (let i = 0; i < y.length; i++) y[i] += alpha * x[i]!; return y; };

/** The minimizer of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to `bounds` (default: between x1 and x2). */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2sq);
  const at = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(at, lo), hi);
}

/** The objective along x + t·d: its value and flat gradient. */
type Directional = (t: number) => { f: number; g: Vec };

/**
 * A step length meeting the strong Wolfe conditions (sufficient decrease c1, curvature c2) by
 * bracketing then zooming with cubic interpolation: PyTorch's `_strong_wolfe`. Returns the
 * value, gradient and step length reached and the evaluations spent.
 */
function strongWolfe(phi: Directional, t: number, d: Vec, f: number, g: Vec, gtd: number, toleranceChange: number, c1 = 1e-4, c2 = 0.9, maxLs = 25): { f: number; g: Vec; t: number; evals: number } {
  const dNorm = maxAbs(d);
  let { f: fNew, g: gNew } = phi(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let it = 0;
  let br: number[] = [], brF: number[] = [], brG: Vec[] = [], brGtd: number[] = [];
  while (it < maxLs) {
    if (fNew > f + c1 * t * gtd || (it > 1 && fNew >= fPrev)) {
      br = [tPrev, t]; brF = [fPrev, fNew]; brG = [gPrev, gNew]; brGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) { br = [t]; brF = [fNew]; brG = [gNew]; done = true; break; }
    if (gtdNew >= 0) {
      br = [tPrev, t]; brF = [fPrev, fNew]; brG = [gPrev, gNew]; brGtd = [gtdPrev, gtdNew];
      break;
    }
    // extrapolate: a cubic step between 1.01·t and 10·t
    const next = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [t + 0.01 * (t - tPrev), t * 10]);
    tPrev = t; fPrev = fNew; gPrev = gNew; gtdPrev = gtdNew;
    t = next;
    ({ f: fNew, g: gNew } = phi(t));
    evals++;
    gtdNew = dot(gNew, d);
    it++;
  }
  if (it === maxLs) { br = [0, t]; brF = [f, fNew]; brG = [g, gNew]; }
  // zoom: shrink the bracket [low, high] until a point meets both conditions
  let insufficient = false;
  let [low, high] = brF[0]! <= brF[brF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && it < maxLs) {
    if (Math.abs(br[1]! - br[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(br[0]!, brF[0]!, brGtd[0]!, br[1]!, brF[1]!, brGtd[1]!);
    // keep t away from the bracket's ends (else the bracket may barely shrink)
    const bMax = Math.max(br[0]!, br[1]!), bMin = Math.min(br[0]!, br[1]!);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufficient || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufficient = false;
      } else insufficient = true;
    } else insufficient = false;
    ({ f: fNew, g: gNew } = phi(t));
    evals++;
    gtdNew = dot(gNew, d);
    it++;
    if (fNew > f + c1 * t * gtd || fNew >= brF[low]!) {
      br[high] = t; brF[high] = fNew; brG[high] = gNew; brGtd[high] = gtdNew;
      [low, high] = brF[0]! <= brF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (br[high]! - br[low]!) >= 0) {
        br[high] = br[low]!; brF[high] = brF[low]!; brG[high] = brG[low]!; brGtd[high] = brGtd[low]!;
      }
      br[low] = t; brF[low] = fNew; brG[low] = gNew; brGtd[low] = gtdNew;
    }
  }
  return { f: brF[low]!, g: brG[low]!, t: br[low]!, evals };
}

/** What LBFGS carries from one `step()` to the next (PyTorch's state of the first parameter). */
interface History { d: Vec | null; t: number; dirs: Vec[]; steps: Vec[]; ro: number[]; hDiag: number; prevGrad: Vec | null; prevLoss: number }

/**
 * L-BFGS (Nocedal 1980; torch.optim.LBFGS). Each `step(closure)` runs up to maxIter iterations:
 * the direction d = −H·g comes from the two-loop recursion over the last historySize pairs
 * (s = step, y = change of gradient; pairs with yᵀs ≤ 1e-10 are skipped), with H₀ = (sᵀy / yᵀy)·I;
 * the first iteration steps min(1, 1/‖g‖₁)·lr, later ones lr, or the strong-Wolfe line search's
 * length. It stops when max|g| ≤ toleranceGrad, when the directional derivative, the step or the
 * loss change falls below toleranceChange, or after maxEval evaluations. One parameter group.
 * Defaults: lr 1, maxIter 20, maxEval ⌊maxIter · 5/4⌋, toleranceGrad 1e-7, toleranceChange 1e-9,
 * historySize 100, lineSearchFn null.
 *
 * @example
 * const opt = new LBFGS([w], { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => { opt.zeroGrad(); const loss = objective(w); loss.backward(); return loss; });
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  private readonly params: Tensor[];
  private hist: History = { d: null, t: 0, dirs: [], steps: [], ro: [], hDiag: 1, prevGrad: null, prevLoss: NaN };

  constructor(params: ParamsArg<LBFGSOptions>, opts: Partial<LBFGSOptions> = {}) {
    const maxIter = opts.maxIter ?? 20;
    super(params, { lr: 1, maxIter, maxEval: Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null, ...opts });
    if (this.paramGroups.length !== 1) throw new ValueError('LBFGS', `takes one parameter group, got ${this.paramGroups.length}`);
    this.params = this.paramGroups[0]!.params;
  }

  protected override validate(g: LBFGSOptions): void {
    super.validate(g);
    if (!(g.maxIter >= 1 && g.maxEval >= 1)) throw new ValueError('LBFGS', `maxIter and maxEval must be ≥ 1, got ${g.maxIter} and ${g.maxEval}`);
    if (!(g.historySize >= 1)) throw new ValueError('LBFGS', `historySize must be ≥ 1, got ${g.historySize}`);
    if (g.lineSearchFn !== null && g.lineSearchFn !== 'strong_wolfe') throw new ValueError('LBFGS', `lineSearchFn must be 'strong_wolfe' or null, got '${String(g.lineSearchFn)}'`);
  }

  protected update(): Tensor { return this.noClosure(); }

  private noClosure(): never {
    throw new ValueError('LBFGS', 'step needs a closure that re-evaluates the loss: opt.step(() => { opt.zeroGrad(); const l = loss(); l.backward(); return l; })');
  }

  /** The parameters, flattened into one float64 vector. */
  private gather(): Vec {
    const out = new Float64Array(this.params.reduce((s, p) => s + p.numel, 0));
    let o = 0;
    for (const p of this.params) { out.set(p.data(), o); o += p.numel; }
    return out;
  }

  /** The parameters' gradients, flattened (0 where a parameter has none). */
  private gatherGrad(): Vec {
    const out = new Float64Array(this.params.reduce((s, p) => s + p.numel, 0));
    let o = 0;
    for (const p of this.params) { if (p.grad) out.set(p.grad.data(), o); o += p.numel; }
    return out;
  }

  /** Write the flat vector x into the parameters. */
  private scatter(x: Vec): void {
    noGrad(() => scope(() => {
      let o = 0;
      for (const p of this.params) { assign(p, fromArray(x.subarray(o, o + p.numel), p.shape, p.dtype, p.storage.backend)); o += p.numel; }
    }));
  }

  /** Run the closure (its temporaries freed) and return the loss as a number and the flat gradient. */
  private evaluate(closure: LossClosure): { f: number; g: Vec } {
    const f = scope(() => { const l = closure(); return l instanceof Tensor ? l.item() : l; });
    return { f, g: this.gatherGrad() };
  }

  /** Optimize with `closure` (see LossClosure); returns the loss at the start of the step. */
  override step(closure?: LossClosure): number {
    if (!closure) return this.noClosure();
    const host = this.params.find((p) => p.storage.backend.syncRead === false);
    if (host) {
      throw new SyncReadError('LBFGS.step', `L-BFGS runs its two-loop recursion and line search on the CPU from the loss, parameters and gradients of every evaluation, so it reads them synchronously, and the ${host.storage.backend.name} backend's memory can only be read asynchronously; train with an optimizer that runs on the device (Adam, AdamW, SGD, RMSprop…), or run L-BFGS on the wasm or ts backend`);
    }
    const g0 = this.paramGroups[0]!;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = g0;
    const st: ParamState = this.state.get(this.params[0]!) ?? {};
    this.state.set(this.params[0]!, st);
    const count = (k: string, by: number): void => { st[k] = ((st[k] as number | undefined) ?? 0) + by; };
    let { f: loss, g: grad } = this.evaluate(closure);
    const origLoss = loss;
    let evals = 1;
    count('funcEvals', 1);
    if (maxAbs(grad) <= toleranceGrad) return origLoss;
    const h = this.hist;
    let x = this.gather();
    for (let nIter = 1; nIter <= maxIter; nIter++) {
      count('nIter', 1);
      if (st['nIter'] === 1) {
        h.d = grad.map((v) => -v); h.dirs = []; h.steps = []; h.ro = []; h.hDiag = 1;
      } else {
        const y = grad.map((v, i) => v - h.prevGrad![i]!);
        const s = h.d!.map((v) => v * h.t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (h.dirs.length === historySize) { h.dirs.shift(); h.steps.shift(); h.ro.shift(); }
          h.dirs.push(y); h.steps.push(s); h.ro.push(1 / ys);
          h.hDiag = ys / dot(y, y);
        }
        // two-loop recursion: d = −H·g
        const al = new Float64Array(h.dirs.length);
        const q = grad.map((v) => -v);
        for (let i = h.dirs.length - 1; i >= 0; i--) { al[i] = dot(h.steps[i]!, q) * h.ro[i]!; axpy(q, -al[i]!, h.dirs[i]!); }
        const r = q.map((v) => v * h.hDiag);
        for (let i = 0; i < h.dirs.length; i++) { const be = dot(h.dirs[i]!, r) * h.ro[i]!; axpy(r, al[i]! - be, h.steps[i]!); }
        h.d = r;
      }
      const d = h.d!;
      h.prevGrad = grad.slice();
      h.prevLoss = loss;
      let absSum = 0;
      for (const v of grad) absSum += Math.abs(v);
      h.t = st['nIter'] === 1 ? Math.min(1, 1 / absSum) * lr : lr;
      const gtd = dot(grad, d);
      if (gtd > -toleranceChange) break; // not a descent direction any more
      let lsEvals = 0;
      let optimal = false;
      if (lineSearchFn === 'strong_wolfe') {
        const x0 = x;
        const phi: Directional = (t) => {
          this.scatter(axpy(x0.slice(), t, d));
          return this.evaluate(closure);
        };
        const ls = strongWolfe(phi, h.t, d, loss, grad, gtd, toleranceChange);
        loss = ls.f; grad = ls.g; h.t = ls.t; lsEvals = ls.evals;
        x = axpy(x0.slice(), h.t, d);
        this.scatter(x);
        optimal = maxAbs(grad) <= toleranceGrad;
      } else {
        x = axpy(x.slice(), h.t, d);
        this.scatter(x);
        if (nIter !== maxIter) {
          ({ f: loss, g: grad } = this.evaluate(closure));
          optimal = maxAbs(grad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      evals += lsEvals;
      count('funcEvals', lsEvals);
      if (nIter === maxIter || evals >= maxEval || optimal) break;
      if (maxAbs(d) * Math.abs(h.t) <= toleranceChange) break; // the step is negligible
      if (Math.abs(loss - h.prevLoss) < toleranceChange) break; // the loss has stopped moving
    }
    return origLoss;
  }
}
