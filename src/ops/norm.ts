// Normalization over the trailing dims: layerNorm and rmsNorm, composed from primitives.
import { ShapeError, ValueError } from '../errors.js';
import { toFloat } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, mul, rsqrt, sub } from './elementwise.js';
import { layerNormFused } from './layer-norm.js';
import { mean } from './reduce.js';

function trailingDims(op: string, x: Tensor, normalizedShape: number | readonly number[]): number[] {
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const tail = x.shape.slice(x.ndim - ns.length);
  if (ns.length === 0 || ns.length > x.ndim || tail.some((s, i) => s !== ns[i])) {
    throw new ShapeError(op, `normalizedShape ${shapeStr(ns)} must equal the last dims of the input ${shapeStr(x.shape)}; pass the feature size(s), e.g. ${x.shape[x.ndim - 1] ?? '?'}`);
  }
  return ns.map((_, i) => x.ndim - ns.length + i);
}

/**
 * Layer normalization (torch.nn.functional.layer_norm): over the trailing `normalizedShape`
 * dims, y = (x − mean) / √(var + eps) · weight + bias, with the biased (population) variance.
 *
 * Shape: x (..., *normalizedShape) → same; weight and bias have shape normalizedShape.
 *
 * @example
 * layerNorm(randn([2, 5, 8]), 8).mean({ dim: -1 }); // ≈ 0
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  if (!(eps >= 0)) throw new ValueError('layerNorm', `eps must be ≥ 0, got ${eps}`);
  const dims = trailingDims('layerNorm', x, normalizedShape);
  const xf = cast(x, toFloat(x.dtype));
  // The usual case (nn.LayerNorm: weight and bias of the normalized shape, x's dtype) is one
  // primitive forward and one backward (ops/layer-norm.ts); anything else composes.
  const fits = (t: Tensor | null | undefined): t is Tensor => !!t && t.dtype === xf.dtype && t.ndim === dims.length && t.shape.every((s, i) => s === xf.shape[dims[i]!]);
  if (fits(weight) && fits(bias)) return layerNormFused(xf, weight, bias, eps);
  return layerNormComposite(xf, dims, weight, bias, eps);
}

/**
 * layerNorm from primitives over `dims` of a float x: what the fused kernels are tested against
 * (test/unit/layer-norm-fused.test.ts), and the path for weights of other dtypes or shapes.
 */
export function layerNormComposite(xf: Tensor, dims: number[], weight: Tensor | null | undefined, bias: Tensor | null | undefined, eps: number): Tensor {
  const centered = sub(xf, mean(xf, { dim: dims, keepDim: true })); // (..., *ns)
  const v = mean(mul(centered, centered), { dim: dims, keepDim: true }); // (..., 1..)
  let y = mul(centered, rsqrt(add(v, eps)));
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}

/**
 * Root-mean-square normalization (torch.nn.functional.rms_norm): y = x / √(mean(x²) + eps) ·
 * weight over the trailing `normalizedShape` dims. eps defaults to the dtype's machine epsilon
 * (2⁻²³ for float32, 2⁻⁵² for float64), as PyTorch does when eps is None.
 *
 * Shape: x (..., *normalizedShape) → same.
 *
 * @example
 * rmsNorm(randn([2, 8]), 8); // each row has RMS ≈ 1
 */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, eps: number | null = null): Tensor {
  const dims = trailingDims('rmsNorm', x, normalizedShape);
  const xf = cast(x, toFloat(x.dtype));
  const e = eps ?? (xf.dtype === 'float64' ? 2 ** -52 : 2 ** -23);
  if (!(e >= 0)) throw new ValueError('rmsNorm', `eps must be ≥ 0, got ${e}`);
  let y = mul(xf, rsqrt(add(mean(mul(xf, xf), { dim: dims, keepDim: true }), e))); // (..., *ns)
  if (weight) y = mul(y, weight);
  return y;
}
