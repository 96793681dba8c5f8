// Gradient health, sampled cheaply: per-layer gradient norms after a few chosen steps (vanishing:
// the first layers get ~nothing compared with the last; exploding: gradients far larger than the
// weights they update), and activation statistics from one forward pass over a fixed probe batch
// (dead ReLU units that output 0 for every probe input; saturated sigmoid/tanh units).
import { noGrad } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { indexSelect } from '../ops/indexing.js';
import type { Module } from '../nn/module.js';
import { ReLU, Sigmoid, Tanh } from '../nn/activations.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Finding } from './finding.js';
import { hostValues } from './matrix.js';

/** Steps (1-based) at which gradients are sampled: steps 1, 2, 5 and 10 (the state at initialization), then every 100th. */
export function isSampleStep(step: number): boolean {
  return step <= 2 || step === 5 || step === 10 || step % 100 === 0;
}

export interface LayerGrad { name: string; gradRms: number; weightRms: number }

/**
 * RMS of a tensor's values, summed in float64: by the backend's compiled loop
 * (DoctorKernels.sumSquares) where it has one, else over its memory in place (hostValues: no
 * copy, no kernel dispatch). The two agree up to rounding.
 */
function rms(t: Tensor): number {
  if (t.numel === 0) return 0;
  const k = t.storage.backend.doctor?.sumSquares?.(t.storage);
  if (k !== undefined && k !== null) return Math.sqrt(k / t.numel);
  const v = hostValues(t);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s / v.length);
}

/** RMS of each weight matrix's gradient and values (parameters with ≥ 2 dims, in model order). */
export function layerGradients(model: Module): LayerGrad[] {
  const params = [...model.namedParameters()].filter(([, p]) => p.ndim >= 2 && p.grad);
  return params.map(([name, p]) => ({ name, gradRms: rms(p.grad!), weightRms: rms(p) }));
}

/** Findings from one gradient sample; `persist` = how many consecutive samples showed the same. */
export class GradientWatch {
  private vanishing = 0;
  private exploding = 0;

  sample(model: Module, step: number, epoch: number): Finding[] {
    const layers = layerGradients(model);
    if (layers.length === 0) return [];
    const out: Finding[] = [];
    const nonFinite = layers.find((l) => !Number.isFinite(l.gradRms));
    const ratios = layers.map((l) => l.gradRms / Math.max(l.weightRms, 1e-12));
    const worst = ratios.indexOf(Math.max(...ratios));
    // Exploding: a gradient RMS 10× the weights' RMS means one SGD step at lr 0.1 rewrites the layer.
    if (nonFinite || ratios[worst]! > 10) this.exploding++; else this.exploding = 0;
    if (this.exploding >= 2 || nonFinite) {
      const l = nonFinite ?? layers[worst]!;
      out.push({
        id: 'exploding-gradients', severity: 'warning', step, epoch,
        title: `exploding gradients in layer '${l.name}': gradient RMS ${l.gradRms.toExponential(2)} vs weight RMS ${l.weightRms.toExponential(2)} (${(l.gradRms / Math.max(l.weightRms, 1e-12)).toFixed(0)}×)`,
        evidence: { gradRms: l.gradRms, weightRms: l.weightRms, ratio: l.gradRms / Math.max(l.weightRms, 1e-12), layers: layers.length },
        fix: 'clip gradients (fit option clipGradNorm: 1), lower the learning rate, use the default (Kaiming/Xavier) initialization instead of large weights, and add normalization (BatchNorm/LayerNorm) or residual connections in deep models',
      });
    }
    if (layers.length >= 3) {
      const first = layers[0]!.gradRms;
      const top = Math.max(...layers.map((l) => l.gradRms));
      // Vanishing: the first layer gets < 1e-4 of the largest layer gradient (healthy nets: 0.01–10).
      if (top > 0 && first / top < 1e-4) this.vanishing++; else this.vanishing = 0;
      if (this.vanishing >= 2) {
        out.push({
          id: 'vanishing-gradients', severity: 'warning', step, epoch,
          title: `vanishing gradients: the first layer '${layers[0]!.name}' gets gradient RMS ${first.toExponential(2)}, ${(first / top).toExponential(1)} of the largest (${top.toExponential(2)}) across ${layers.length} layers`,
          evidence: { firstGradRms: first, maxGradRms: top, ratio: first / top, layers: layers.length },
          fix: 'use ReLU/GELU instead of sigmoid/tanh in hidden layers, Kaiming initialization, normalization layers (BatchNorm/LayerNorm) or residual connections, or a shallower model',
        });
      }
    }
    return out;
  }
}

/** Rows in the probe batch: enough that a unit silent on all of them is dead, few enough that a probe costs about half a training step of a batch-64 MLP. */
export const PROBE_ROWS = 128;

/** First up to PROBE_ROWS (128) rows of x: the fixed probe batch. Shape: (N, *) → (min(N, 128), *). */
export function probeBatch(x: Tensor): Tensor {
  const k = Math.min(PROBE_ROWS, x.shape[0]!);
  return indexSelect(x, 0, fromArray(Array.from({ length: k }, (_, i) => i), [k], 'int32', x.storage.backend));
}

interface ActStat { name: string; kind: 'relu' | 'sigmoid' | 'tanh'; dead: number; units: number; saturated: number; count: number }

/** Run `probe` through `model` (eval mode, no grad) and measure every ReLU/Sigmoid/Tanh layer. */
export function activationStats(model: Module, probe: Tensor): ActStat[] {
  const stats: ActStat[] = [];
  const restore: (() => void)[] = [];
  for (const [name, m] of model.namedModules()) {
    const kind = m instanceof ReLU ? 'relu' : m instanceof Sigmoid ? 'sigmoid' : m instanceof Tanh ? 'tanh' : null;
    if (!kind) continue;
    const orig = m.forward;
    const own = Object.prototype.hasOwnProperty.call(m, 'forward');
    m.forward = (x: Tensor): Tensor => {
      const y = orig.call(m, x) as Tensor;
      stats.push(measure(name, kind, y));
      return y;
    };
    // Put the object back as it was: an own `forward` left behind (even the same function) would
    // give the layer a different shape from its siblings and slow every later call of the model.
    restore.push(() => { if (own) m.forward = orig; else delete (m as { forward?: unknown }).forward; });
  }
  if (restore.length === 0) return stats;
  const was = model.training;
  try {
    model.eval();
    noGrad(() => scope(() => { model.forward(probe); }));
  } catch {
    return [];
  } finally {
    restore.forEach((r) => r());
    model.train(was);
  }
  return stats;
}

function measure(name: string, kind: 'relu' | 'sigmoid' | 'tanh', y: Tensor): ActStat {
  const v = y.data();
  const n = y.shape[0] ?? 1;
  const units = y.ndim >= 2 ? y.shape[1]! : 1;
  const inner = y.numel / Math.max(1, n * units); // spatial positions per unit (conv maps)
  let dead = 0, saturated = 0;
  if (kind === 'relu') {
    for (let u = 0; u < units; u++) {
      let alive = false;
      for (let i = 0; i < n && !alive; i++) {
        const off = (i * units + u) * inner;
        for (let s = 0; s < inner; s++) if (v[off + s]! > 0) { alive = true; break; }
      }
      if (!alive) dead++;
    }
  } else {
    for (const a of v) if (kind === 'sigmoid' ? a < 0.01 || a > 0.99 : Math.abs(a) > 0.99) saturated++;
  }
  return { name, kind, dead, units, saturated, count: v.length };
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
