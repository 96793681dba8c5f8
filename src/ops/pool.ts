// Pooling: max over sliding windows (the maxPoolIndex primitive finds each window's maximum, a
// gather takes it), average (unfold + a sum), adaptive average (gathered bins); all with gradients
// through the primitives they are built from.
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import { fromArray } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { div, where } from './elementwise.js';
import { gather, indexSelect } from './indexing.js';
import { reshape } from './movement.js';
import { execute } from './dispatch.js';
import { mean, sum } from './reduce.js';
import { perDim, unfold, windowAttrs, type SizeArg } from './unfold.js';

export interface MaxPoolOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: SizeArg | null;
  /** −∞ padding on both sides (at most half the kernel). Default 0. */
  padding?: SizeArg;
  /** Spacing between window taps. Default 1. */
  dilation?: SizeArg;
  /** Round the output size up: a last partial window that starts inside the input counts. Default false. */
  ceilMode?: boolean;
}

export interface AvgPoolOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: SizeArg | null;
  /** Zero padding on both sides (at most half the kernel). Default 0. */
  padding?: SizeArg;
  /** Divide by the whole kernel size, padding included (true, default) or only by the real elements. */
  countIncludePad?: boolean;
}

const LAYOUT = ['', '(N, C, L)', '(N, C, H, W)'] as const;

function checkInput(op: string, nd: number, x: Tensor): void {
  if (x.ndim !== nd + 2) {
    const hint = x.ndim === nd + 1 ? '; for a single unbatched sample add the batch dim with unsqueeze(x, 0)' : '';
    throw new ShapeError(op, `expects a ${nd + 2}-D input ${LAYOUT[nd]}, got ${x.ndim}-D input ${shapeStr(x.shape)}${hint}`);
  }
  if (!isFloat(x.dtype)) throw new DTypeError(op, `expects a float input, got ${x.dtype}; cast it with cast(x, 'float32')`);
}

/** Output size of one dim, with PyTorch's ceil-mode rule (the last window must start inside input + left padding). */
function pooledSize(op: string, x: Tensor, i: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const n = x.shape[i + 2]!;
  if (p > Math.floor(k / 2)) throw new ValueError(op, `padding (${p}) must be at most half the kernel size (${k}) so every window sees the input`);
  const span = d * (k - 1) + 1;
  if (n + 2 * p < span) {
    throw new ShapeError(op, `the window (size ${k}, dilation ${d}: spans ${span}) is larger than spatial dim ${i} of the padded input (${n} + 2·${p}) for input ${shapeStr(x.shape)}; use a smaller kernel or add padding`);
  }
  const r = (n + 2 * p - span) / s;
  let o = (ceil ? Math.ceil(r) : Math.floor(r)) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

/**
 * Max pooling over nd spatial dims, with its indices: each window's first maximum (padding never
 * wins; a NaN does, the window's last one), as in PyTorch; the gradient goes to that element.
 */
export function maxPoolNdWithIndices(op: string, nd: 1 | 2, x: Tensor, kernelSize: SizeArg, { stride = null, padding = 0, dilation = 1, ceilMode = false }: MaxPoolOptions = {}): [Tensor, Tensor] {
  checkInput(op, nd, x);
  const a = windowAttrs(op, kernelSize, nd, { stride: stride ?? kernelSize, padding, dilation });
  const outs = a.kernel.map((k, i) => pooledSize(op, x, i, k, a.stride[i]!, a.padding[i]!, a.dilation[i]!, ceilMode));
  const [n, c] = x.shape as [number, number];
  const plane = x.shape.slice(2).reduce((p, q) => p * q, 1);
  const windows = outs.reduce((p, q) => p * q, 1);
  const idx = execute('maxPoolIndex', [x], { ...a, outputSize: outs }, [n, c, ...outs], 'int32'); // (N, C, *out): plane offsets
  // The values are gathered at those offsets, so the gradient is gather's: a scatter-add into the plane.
  const values = reshape(gather(reshape(x, [n, c, plane]), 2, reshape(idx, [n, c, windows])), [n, c, ...outs]); // (N, C, L) -> (N, C, *out)
  return [values, idx];
}

/** Max pooling over nd spatial dims (the values of maxPoolNdWithIndices). */
export const maxPoolNd = (op: string, nd: 1 | 2, x: Tensor, kernelSize: SizeArg, opts: MaxPoolOptions = {}): Tensor => maxPoolNdWithIndices(op, nd, x, kernelSize, opts)[0];

/** Average pooling over nd spatial dims. */
export function avgPoolNd(op: string, nd: 1 | 2, x: Tensor, kernelSize: SizeArg, { stride = null, padding = 0, countIncludePad = true }: AvgPoolOptions = {}): Tensor {
  checkInput(op, nd, x);
  const a = windowAttrs(op, kernelSize, nd, { stride: stride ?? kernelSize, padding });
  const outs = a.kernel.map((k, i) => pooledSize(op, x, i, k, a.stride[i]!, a.padding[i]!, 1, false));
  const [n, c] = x.shape as [number, number];
  const spatial = x.shape.slice(2);
  const cols = unfold(reshape(x, [n * c, 1, ...spatial]), a.kernel, a); // (N·C, ∏k, L)
  const s = sum(cols, { dim: 1 }); // (N·C, L)
  let y: Tensor;
  if (countIncludePad || a.padding.every((p) => p === 0)) y = div(s, a.kernel.reduce((p, q) => p * q, 1));
  else {
    // Real elements per window: unfold a plane of ones.
    const count = noGrad(() => sum(unfold(fromArray(new Float64Array(spatial.reduce((p, q) => p * q, 1)).fill(1), [1, 1, ...spatial], x.dtype, x.storage.backend), a.kernel, a), { dim: 1 })); // (1, L)
    y = div(s, count);
  }
  return reshape(y, [n, c, ...outs]); // (N, C, *out)
}

/**
 * 1-D max pooling (torch.nn.functional.max_pool1d). Shape: (N, C, L) → (N, C, Lout).
 *
 * @example
 * maxPool1d(randn([2, 3, 10]), 2).shape // [2, 3, 5]
 */
export const maxPool1d = (x: Tensor, kernelSize: SizeArg, opts: MaxPoolOptions = {}): Tensor => maxPoolNd('maxPool1d', 1, x, kernelSize, opts);

/**
 * 2-D max pooling (torch.nn.functional.max_pool2d), −∞ padding, ties to the first maximum.
 * Shape: (N, C, H, W) → (N, C, Hout, Wout), Hout = ⌊(H + 2p − d·(k−1) − 1)/s⌋ + 1 (⌈⌉ with ceilMode).
 *
 * @example
 * maxPool2d(randn([64, 6, 28, 28]), 2).shape // [64, 6, 14, 14]
 */
export const maxPool2d = (x: Tensor, kernelSize: SizeArg, opts: MaxPoolOptions = {}): Tensor => maxPoolNd('maxPool2d', 2, x, kernelSize, opts);

/**
 * 1-D max pooling that also returns where each maximum came from (max_pool1d with
 * return_indices=True): int32 indices into the length dim, the values' shape.
 *
 * @example
 * const [y, idx] = maxPool1dWithIndices(tensor([[[1, 3, 2, 5]]]), 2); // y [[[3, 5]]], idx [[[1, 3]]]
 */
export const maxPool1dWithIndices = (x: Tensor, kernelSize: SizeArg, opts: MaxPoolOptions = {}): [Tensor, Tensor] => maxPoolNdWithIndices('maxPool1dWithIndices', 1, x, kernelSize, opts);

/**
 * 2-D max pooling that also returns where each maximum came from (max_pool2d with
 * return_indices=True): int32 flat indices h·W + w into each input plane, the values' shape.
 *
 * @example
 * const [y, idx] = maxPool2dWithIndices(randn([1, 1, 4, 4]), 2); // y, idx: (1, 1, 2, 2)
 */
export const maxPool2dWithIndices = (x: Tensor, kernelSize: SizeArg, opts: MaxPoolOptions = {}): [Tensor, Tensor] => maxPoolNdWithIndices('maxPool2dWithIndices', 2, x, kernelSize, opts);

/**
 * 1-D average pooling (torch.nn.functional.avg_pool1d). Shape: (N, C, L) → (N, C, Lout).
 *
 * @example
 * avgPool1d(randn([2, 3, 10]), 3, { stride: 1, padding: 1 }).shape // [2, 3, 10]
 */
export const avgPool1d = (x: Tensor, kernelSize: SizeArg, opts: AvgPoolOptions = {}): Tensor => avgPoolNd('avgPool1d', 1, x, kernelSize, opts);

/**
 * 2-D average pooling (torch.nn.functional.avg_pool2d). Shape: (N, C, H, W) → (N, C, Hout, Wout).
 *
 * @example
 * avgPool2d(randn([1, 3, 8, 8]), 2).shape // [1, 3, 4, 4]
 */
export const avgPool2d = (x: Tensor, kernelSize: SizeArg, opts: AvgPoolOptions = {}): Tensor => avgPoolNd('avgPool2d', 2, x, kernelSize, opts);

/**
 * PyTorch's adaptive bins [⌊i·in/out⌋, ⌈(i+1)·in/out⌉) as an (out, width) table of input indices
 * (short bins padded by repeating their first index), a mask of the real taps, and bin sizes.
 */
function adaptiveBins(inSize: number, outSize: number): { index: Int32Array; mask: Uint8Array; count: Float64Array; width: number } {
  const bins = Array.from({ length: outSize }, (_, i) => [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)] as const);
  const width = Math.max(...bins.map(([a, b]) => b - a));
  const index = new Int32Array(outSize * width);
  const mask = new Uint8Array(outSize * width);
  bins.forEach(([a, b], i) => {
    for (let k = 0; k < width; k++) {
      index[i * width + k] = a + k < b ? a + k : a;
      mask[i * width + k] = a + k < b ? 1 : 0;
    }
  });
  return { index, mask, count: Float64Array.from(bins, ([a, b]) => b - a), width };
}

/**
 * Average of x over the adaptive bins of `dim` (to `outSize`): the taps of each bin are gathered
 * and summed (padding taps masked out with `where`, so a non-finite input reaches only the bins
 * that hold it, never through a 0·∞ product).
 */
function adaptiveAvgDim(x: Tensor, dim: number, outSize: number): Tensor {
  const inSize = x.shape[dim]!;
  if (inSize === outSize) return x;
  if (outSize === 1) return mean(x, { dim, keepDim: true }); // one bin: all of it (global pooling)
  const { index, mask, count, width } = adaptiveBins(inSize, outSize);
  const be = x.storage.backend;
  const taps = indexSelect(x, dim, fromArray(index, [outSize * width], 'int32', be)); // (…, out·width, …)
  const split = [...x.shape.slice(0, dim), outSize, width, ...x.shape.slice(dim + 1)];
  const tail = x.shape.slice(dim + 1).map(() => 1);
  const m = fromArray(mask, [outSize, width, ...tail], 'bool', be);
  const s = sum(where(m, reshape(taps, split), 0), { dim: dim + 1 }); // (…, out, …)
  return div(s, fromArray(count, [outSize, ...tail], x.dtype, be));
}

/**
 * Adaptive 2-D average pooling (torch.nn.functional.adaptive_avg_pool2d): averages over bins
 * chosen so the output has `outputSize` (null keeps that dim; 1 = global average pooling).
 *
 * Shape: (N, C, H, W) → (N, C, oH, oW).
 *
 * @example
 * adaptiveAvgPool2d(randn([8, 64, 7, 7]), 1).shape // [8, 64, 1, 1]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkInput(op, 2, x);
  const [, , h, w] = x.shape as [number, number, number, number];
  const req = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  const [oh, ow] = perDim(op, 'outputSize', req.map((v, i) => v ?? [h, w][i]!), 2, 1) as [number, number];
  return adaptiveAvgDim(adaptiveAvgDim(x, 3, ow), 2, oh); // (N, C, H, oW) -> (N, C, oH, oW)
}
