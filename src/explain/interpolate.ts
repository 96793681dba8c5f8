// Resizing a map to the input's size as a product with interpolation matrices, M_h · map · M_wᵀ:
// any sizes, any backend, differentiable; the matrices reproduce PyTorch's F.interpolate.
import { ValueError } from '../errors.js';
import { matmul } from '../ops/linalg.js';
import { reshape, transpose } from '../ops/movement.js';
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

export type InterpolateMode = 'nearest' | 'bilinear';

/**
 * The (out, in) matrix that resamples a length-`inSize` signal to `outSize` points, as PyTorch:
 * 'nearest' takes source index ⌊dst · in/out⌋ with the scale and product in float32 (PyTorch's
 * legacy 'nearest' on CPU); 'bilinear' (align_corners=False) reads source position
 * max(0, (dst + ½)·in/out − ½) and mixes its two neighbours linearly.
 */
export function interpolationMatrix(inSize: number, outSize: number, mode: InterpolateMode): Float64Array {
  const m = new Float64Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    if (mode === 'nearest') {
      const s = Math.min(Math.floor(Math.fround(d * Math.fround(scale))), inSize - 1);
      m[d * inSize + s] = 1;
      continue;
    }
    const src = Math.max(0, (d + 0.5) * scale - 0.5);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const l = src - i0;
    m[d * inSize + i0] += 1 - l;
    m[d * inSize + i1] += l;
  }
  return m;
}

/**
 * Resize maps (N, C, h, w) → (N, C, H, W), or (N, C, l) → (N, C, L), the last dims, with `mode`
 * (Captum's `LayerAttribution.interpolate`, default 'nearest' as there).
 */
export function interpolate(map: Tensor, size: readonly number[], mode: InterpolateMode = 'nearest'): Tensor {
  const sp = map.shape.slice(2);
  if (sp.length !== size.length || (sp.length !== 1 && sp.length !== 2)) {
    throw new ValueError('interpolate', `can resize maps with 1 or 2 spatial dims to a size of the same length; got a map ${JSON.stringify(map.shape)} and size ${JSON.stringify(size)}`);
  }
  const mat = (i: number, o: number): Tensor => fromArray(interpolationMatrix(i, o, mode), [o, i], map.dtype, map.storage.backend);
  const lastW = transpose(mat(sp[sp.length - 1]!, size[size.length - 1]!), 0, 1); // (w, W)
  let out = matmul(map, lastW); // (..., w) -> (..., W)
  if (sp.length === 2) out = matmul(mat(sp[0]!, size[0]!), out); // (H, h)·(N, C, h, W) -> (N, C, H, W)
  return reshape(out, [...map.shape.slice(0, 2), ...size]);
}
