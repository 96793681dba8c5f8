// Gradient health, sampled cheaply: per-layer gradient norms after a few chosen steps (vanishing:
// the first layers get ~nothing compared with the last; exploding: gradients far larger than the
// weights they update). The activation statistics (dead ReLU units, saturated sigmoid/tanh) are in
// activation-probe.ts.
import { noGrad } from '../autograd/grad-mode.js';
import { scope } from '../tensor/lifetime.js';
import { abs, div, maximum, square } from '../ops/elementwise.js';
import { cat, stack } from '../ops/movement.js';
import { max, sum } from '../ops/reduce.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Finding } from '../train/finding.js';

/** Steps (1-based) at which gradients are sampled: steps 1, 2, 5 and 10 (the state at initialization), then every 100th. */
export function isSampleStep(step: number): boolean {
  return step <= 2 || step === 5 || step === 10 || step % 100 === 0;
}

/** Divisor floor for an all-zero tensor (its RMS is 0 either way): the smallest normal float32. */
const TINY = 1.1754943508222875e-38;

export interface LayerGrad { name: string; gradRms: number; weightRms: number }

/**
 * RMS of each weight matrix's gradient and values (parameters with ≥ 2 dims, in model order),
 * reduced on the backend in the tensor's own dtype and read back at once. Each tensor is scaled by
 * its largest magnitude first, rms = m·√(mean((x/m)²)) with m = max|x|: the squares lie in [0, 1],
 * so tiny or huge gradients neither underflow nor overflow in float32.
 */
export function layerGradients(model: Module): LayerGrad[] {
  const params = [...model.namedParameters()].filter(([, p]) => p.ndim >= 2 && p.grad);
  if (params.length === 0) return [];
  const ms = noGrad(() => scope(() => {
    const scaled = (t: Tensor): Tensor => {
      const m = max(abs(t)); // () the largest magnitude
      const ss = sum(square(div(t, maximum(m, TINY)))); // () Σ (x/m)² ∈ [0, numel]
      return stack([m, ss]); // (2)
    };
    return cat(params.flatMap(([, p]) => [scaled(p.grad!), scaled(p)]), 0).data(); // (4·layers): m, Σ per tensor
  }));
  const rms = (i: number, numel: number): number => (numel > 0 ? ms[2 * i]! * Math.sqrt(ms[2 * i + 1]! / numel) : 0);
  return params.map(([name, p], l) => ({ name, gradRms: rms(2 * l, p.numel), weightRms: rms(2 * l + 1, p.numel) }));
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
