// Activation statistics of the ReLU, sigmoid and tanh layers: dead ReLU units (0 for every
// observed input) and saturated sigmoid/tanh outputs (gradient ~0). The doctor observes them on
// the first PROBE_ROWS rows of a forward pass: fit's own validation pass where it has that many
// rows (no extra forward at all), else a forward pass over a fixed probe batch of training rows.
import { noGrad } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { indexSelect } from '../ops/indexing.js';
import { slice } from '../ops/movement.js';
import type { Module } from '../nn/module.js';
import { ReLU, Sigmoid, Tanh } from '../nn/activations.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Finding } from '../train/finding.js';

/** Rows observed per probe: enough that a unit silent on all of them is dead, few enough that a probe forward costs about half a training step of a batch-64 MLP. */
export const PROBE_ROWS = 128;

/** First up to PROBE_ROWS (128) rows of x: the fixed probe batch. Shape: (N, *) → (min(N, 128), *). */
export function probeBatch(x: Tensor): Tensor {
  const k = Math.min(PROBE_ROWS, x.shape[0]!);
  return indexSelect(x, 0, fromArray(Array.from({ length: k }, (_, i) => i), [k], 'int32', x.storage.backend));
}

type Kind = 'relu' | 'sigmoid' | 'tanh';

/** One layer's statistics: ReLU units never positive (dead of units), sigmoid/tanh outputs saturated (of count). */
export interface ActStat { name: string; kind: Kind; dead: number; units: number; saturated: number; count: number }

interface Watched { name: string; kind: Kind; rows: number; alive: Uint8Array | null; saturated: number; count: number }

/**
 * Watches the ReLU/Sigmoid/Tanh layers of a model through the forward passes it makes until
 * `finish()`: each layer's outputs for the first `rows` input rows are measured. The layers get
 * an own `forward` meanwhile, removed again by finish() (always call it, e.g. in a finally).
 *
 * @example
 * const watch = new ActivationObserver(model);
 * try { evaluate(model, validation); } finally { console.log(watch.finish()); }
 */
export class ActivationObserver {
  private readonly watched: Watched[] = [];
  private readonly restore: (() => void)[] = [];
  /** Milliseconds spent measuring (inside the model's forward passes). */
  ms = 0;

  constructor(model: Module, private readonly rows = PROBE_ROWS) {
    for (const [name, m] of model.namedModules()) {
      const kind: Kind | null = m instanceof ReLU ? 'relu' : m instanceof Sigmoid ? 'sigmoid' : m instanceof Tanh ? 'tanh' : null;
      if (!kind) continue;
      const w: Watched = { name, kind, rows: 0, alive: null, saturated: 0, count: 0 };
      this.watched.push(w);
      const orig = m.forward;
      const own = Object.prototype.hasOwnProperty.call(m, 'forward');
      m.forward = (x: Tensor): Tensor => {
        const y = orig.call(m, x) as Tensor;
        if (w.rows < this.rows) {
          const t0 = performance.now();
          this.measure(w, y);
          this.ms += performance.now() - t0;
        }
        return y;
      };
      // Put the object back as it was: an own `forward` left behind (even the same function) would
      // give the layer a different shape from its siblings and slow every later call of the model.
      this.restore.push(() => { if (own) m.forward = orig; else delete (m as { forward?: unknown }).forward; });
    }
  }

  /** Whether the model has layers to watch. */
  get watching(): boolean { return this.watched.length > 0; }

  /** The first rows of y (rows × units × positions) still wanted. */
  private measure(w: Watched, y: Tensor): void {
    const n = y.ndim === 0 ? 1 : y.shape[0]!;
    const k = Math.min(n, this.rows - w.rows);
    if (k <= 0) return;
    const units = y.ndim >= 2 ? y.shape[1]! : 1;
    const inner = y.numel / Math.max(1, n * units); // spatial positions per unit (conv maps)
    const v = noGrad(() => scope(() => (k < n ? slice(y, [[0, k]]) : y).data())); // (k, units, inner)
    w.rows += k;
    if (w.kind === 'relu') {
      if (w.alive === null || w.alive.length !== units) w.alive = new Uint8Array(units);
      const alive = w.alive;
      for (let u = 0; u < units; u++) {
        if (alive[u]) continue;
        for (let i = 0; i < k && !alive[u]; i++) {
          const off = (i * units + u) * inner;
          for (let s = 0; s < inner; s++) if (v[off + s]! > 0) { alive[u] = 1; break; }
        }
      }
    } else {
      const sig = w.kind === 'sigmoid';
      for (let q = 0; q < v.length; q++) { const a = v[q]!; if (sig ? a < 0.01 || a > 0.99 : Math.abs(a) > 0.99) w.saturated++; }
      w.count += v.length;
    }
  }

  /** Stop watching (the layers are put back as they were) and return each layer's statistics (layers that saw no rows left out). */
  finish(): ActStat[] {
    this.restore.splice(0).forEach((r) => r());
    return this.watched.filter((w) => w.rows > 0).map((w) => {
      const units = w.alive?.length ?? 0;
      let live = 0;
      if (w.alive) for (const a of w.alive) live += a;
      return { name: w.name, kind: w.kind, dead: units - live, units, saturated: w.saturated, count: w.count };
    });
  }
}

/** Run `probe` through `model` (eval mode, no grad) and measure every ReLU/Sigmoid/Tanh layer on its rows. */
export function activationStats(model: Module, probe: Tensor): ActStat[] {
  const watch = new ActivationObserver(model, probe.ndim === 0 ? 1 : probe.shape[0]!);
  if (!watch.watching) return watch.finish();
  const was = model.training;
  try {
    model.eval();
    noGrad(() => scope(() => { model.forward(probe); }));
  } catch {
    watch.finish();
    return [];
  } finally {
    model.train(was);
  }
  return watch.finish();
}

/** Findings from activation statistics: ≥ 50% of a ReLU layer's units dead, ≥ 50% of a sigmoid/tanh layer's outputs saturated. */
export function activationFindings(stats: readonly ActStat[], epoch: number | undefined): Finding[] {
  const out: Finding[] = [];
  const dead = stats.filter((s) => s.kind === 'relu' && s.units > 1 && s.dead / s.units >= 0.5).sort((a, b) => b.dead / b.units - a.dead / a.units)[0];
  if (dead) {
    out.push({
      id: 'dead-relu', severity: 'warning', epoch,
      title: `${dead.dead} of ${dead.units} units (${(100 * dead.dead / dead.units).toFixed(0)}%) of ReLU layer '${dead.name}' output 0 for every probe input: they are dead and no longer learn`,
      evidence: { deadUnits: dead.dead, units: dead.units, share: dead.dead / dead.units },
      fix: 'lower the learning rate (a too-large step pushes units into the dead zone), keep biases near 0 at initialization, standardize the inputs, or use LeakyReLU/GELU',
    });
  }
  const sat = stats.filter((s) => s.kind !== 'relu' && s.count > 0 && s.saturated / s.count >= 0.5).sort((a, b) => b.saturated / b.count - a.saturated / a.count)[0];
  if (sat) {
    out.push({
      id: 'saturated-activations', severity: 'warning', epoch,
      title: `${(100 * sat.saturated / sat.count).toFixed(0)}% of the outputs of ${sat.kind} layer '${sat.name}' are saturated (${sat.kind === 'sigmoid' ? 'below 0.01 or above 0.99' : '|y| > 0.99'}): their gradient is ~0`,
      evidence: { saturatedShare: sat.saturated / sat.count, outputs: sat.count },
      fix: 'standardize the inputs (StandardScaler fitted on train), use a smaller initialization or learning rate, or switch hidden layers to ReLU/GELU',
    });
  }
  return out;
}
