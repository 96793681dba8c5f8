// Grad-CAM (Selvaraju et al. 2017): weight a layer's feature maps by the spatial mean of the
// score's gradient w.r.t. them, sum over channels, keep the positive part, resize to the input.
import { gradients } from '../autograd/backward.js';
import { enableGrad } from '../autograd/grad-mode.js';
import { ShapeError, ValueError } from '../errors.js';
import { mul, relu as reluOp } from '../ops/elementwise.js';
import { mean, sum } from '../ops/reduce.js';
import { Module } from '../nn/module.js';
import { scope } from '../tensor/lifetime.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { interpolate, type InterpolateMode } from './interpolate.js';
import { checkInput, scoreSum, type Target } from './target.js';

export interface GradCamOptions {
  target?: Target;
  /** Keep only the positive evidence, ReLU(Σ_k α_k A^k), as the paper. Default true (Captum's `relu_attributions` defaults to false). */
  relu?: boolean;
  /** Resize the map to the input's spatial size (default true); false returns the layer's size. */
  upsample?: boolean;
  /** How to resize: 'nearest' (Captum's `LayerAttribution.interpolate` default) or 'bilinear'. Default 'bilinear'. */
  interpolation?: InterpolateMode;
}

/** The module `layer` names in `model` (itself, or a dotted name from namedModules()). */
export function findLayer(op: string, model: Module, layer: Module | string): Module {
  const named = [...model.namedModules()];
  const found = typeof layer === 'string' ? named.find(([n]) => n === layer)?.[1] : named.find(([, m]) => m === layer)?.[1];
  if (!found) {
    const names = named.filter(([n]) => n !== '').map(([n, m]) => `'${n}' (${m.constructor.name})`);
    const what = typeof layer === 'string' ? `'${layer}'` : `the ${layer.constructor.name} passed`;
    throw new ValueError(op, `layer ${what} is not a module of the model; pass one of its submodules or its name: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`);
  }
  return found;
}

/**
 * Grad-CAM: with A^k the `layer`'s output channels and y the target score,
 * α_k = mean over positions of ∂y/∂A^k, map = ReLU(Σ_k α_k A^k), resized to the input. The
 * layer's output and its gradient are read with a forward hook, as Captum's `LayerGradCam`
 * (https://captum.ai/api/layer.html#gradcam: "computes the gradients of the target output with
 * respect to the given layer, averages for each output channel (dimension 1 of output), and
 * multiplies the average gradient for each channel by the layer activations. The results are
 * summed over all channels"), followed by `LayerAttribution.interpolate` to the input size.
 * A layer with 2-D outputs (N, K) gets α = the gradient itself, as in Captum.
 *
 * Shape: x (N, C, H, W), layer output (N, K, h, w) → map (N, 1, H, W) (or (N, 1, h, w) without upsample).
 *
 * @example
 * const cam = gradCam(model, model.layers[3], images, { target: labels }); // (N, 1, 28, 28)
 */
export function gradCam(model: Module, layer: Module | string, x: Tensor, opts: GradCamOptions = {}): Tensor {
  const op = 'gradCam';
  checkInput(op, x);
  const mod = findLayer(op, model, layer);
  const { relu = true, upsample = true, interpolation = 'bilinear' } = opts;
  return scope(() => {
    let acts: Tensor | null = null;
    const handle = mod.registerForwardHook((_m, _args, out) => {
      if (!(out instanceof Tensor)) throw new ValueError(op, `layer ${mod.constructor.name} returns ${Array.isArray(out) ? 'an array' : typeof out}, not a tensor; pick a layer whose forward returns the feature maps`);
      acts = out;
    });
    let score: Tensor;
    try {
      const xg = x.detach();
      score = enableGrad(() => scoreSum(op, model.forward(xg) as Tensor, opts.target));
    } finally {
      handle.remove();
    }
    const a = acts as Tensor | null;
    if (a === null) throw new ValueError(op, `layer ${mod.constructor.name} did not run in the model's forward; pick a layer the forward pass calls`);
    if (a.shape[0] !== x.shape[0]) throw new ShapeError(op, `layer ${mod.constructor.name} output ${shapeStr(a.shape)} has no batch dim matching x ${shapeStr(x.shape)}; pick a layer whose output is (N, channels, ...)`);
    if (!a.requiresGrad) throw new ValueError(op, `the score does not depend on layer ${mod.constructor.name}'s output (no gradient reaches it); pick a layer on the path to the output`);
    const g = gradients(score, [a], { allowUnused: true })[0];
    if (!g) throw new ValueError(op, `the score does not depend on layer ${mod.constructor.name}'s output (no gradient reaches it); pick a layer on the path to the output`);
    const spatial = Array.from({ length: a.ndim - 2 }, (_, i) => i + 2);
    const alpha = spatial.length > 0 ? mean(g, { dim: spatial, keepDim: true }) : g; // (N, K, 1, 1)
    let cam = sum(mul(alpha, a.detach()), { dim: 1, keepDim: true }); // (N, K, h, w) -> (N, 1, h, w)
    if (relu) cam = reluOp(cam);
    if (upsample && spatial.length > 0 && x.ndim === a.ndim) cam = interpolate(cam, x.shape.slice(2), interpolation); // (N, 1, h, w) -> (N, 1, H, W)
    return cam.detach();
  });
}
