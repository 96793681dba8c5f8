// The sliding-window primitives: unfold (im2col) and fold (col2im), each the other's gradient.
// Convolution is unfold + one GEMM; transposed convolution is one GEMM + fold; pooling reduces
// over unfolded windows.
import { ShapeError, ValueError } from '../errors.js';
import { windowCount } from '../backend/ts/im2col.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute } from './dispatch.js';
import type { WindowAttrs } from '../backend/prims.js';

/** One size per spatial dim, or one number for all of them. */
export type SizeArg = number | readonly number[];

export interface UnfoldOptions {
  /** Step between windows. Default 1. */
  stride?: SizeArg;
  /** Zeros added on both sides of each spatial dim. Default 0. */
  padding?: SizeArg;
  /** Spacing between kernel taps. Default 1. */
  dilation?: SizeArg;
}

/** Expand a number or a list to one positive/non-negative integer per spatial dim. */
export function perDim(op: string, name: string, v: SizeArg, nd: number, min: number): number[] {
  const out = typeof v === 'number' ? new Array<number>(nd).fill(v) : [...v];
  if (out.length !== nd) throw new ValueError(op, `${name} needs ${nd} value(s), one per spatial dim, got ${JSON.stringify(v)}`);
  for (const x of out) {
    if (!Number.isInteger(x) || x < min) throw new ValueError(op, `${name} must be integer(s) ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return out;
}

/** Normalize the window options of an op over `nd` spatial dims. */
export function windowAttrs(op: string, kernel: SizeArg, nd: number, { stride = 1, padding = 0, dilation = 1 }: UnfoldOptions): WindowAttrs {
  return {
    kernel: perDim(op, 'kernelSize', kernel, nd, 1),
    stride: perDim(op, 'stride', stride, nd, 1),
    padding: perDim(op, 'padding', padding, nd, 0),
    dilation: perDim(op, 'dilation', dilation, nd, 1),
  };
}

/** Window positions per spatial dim; throws when the (dilated) kernel does not fit the padded input. */
export function windowCounts(op: string, inputShape: readonly number[], a: WindowAttrs, fix = 'pad the input or use a smaller kernel'): number[] {
  const spatial = inputShape.slice(2);
  return spatial.map((n, i) => {
    const span = a.dilation[i]! * (a.kernel[i]! - 1) + 1;
    const o = windowCount(n, a.kernel[i]!, a.stride[i]!, a.padding[i]!, a.dilation[i]!);
    if (o < 1 || n + 2 * a.padding[i]! < span) {
      throw new ShapeError(op, `the kernel (size ${a.kernel[i]}, dilation ${a.dilation[i]}: spans ${span}) is larger than spatial dim ${i} of the padded input (${n} + 2·${a.padding[i]} = ${n + 2 * a.padding[i]!}) for input ${shapeStr(inputShape)}; ${fix}`);
    }
    return o;
  });
}

/**
 * Extract sliding windows (torch.nn.functional.unfold, for any number of spatial dims): each
 * column holds one window, channel-major then kernel offsets in row-major order.
 *
 * Shape: (N, C, *spatial) → (N, C·∏kernel, L), L = ∏ ⌊(size + 2p − d·(k−1) − 1)/s⌋ + 1.
 *
 * @example
 * unfold(randn([1, 3, 4, 4]), 2, { stride: 2 }).shape // [1, 12, 4]
 */
export function unfold(x: Tensor, kernelSize: SizeArg, opts: UnfoldOptions = {}): Tensor {
  if (x.ndim < 3) throw new ShapeError('unfold', `expects (N, C, *spatial) with at least one spatial dim, got ${shapeStr(x.shape)}`);
  const a = windowAttrs('unfold', kernelSize, x.ndim - 2, opts);
  const L = windowCounts('unfold', x.shape, a).reduce((p, q) => p * q, 1);
  const rows = x.shape[1]! * a.kernel.reduce((p, q) => p * q, 1);
  return execute('unfold', [x], a, [x.shape[0]!, rows, L], x.dtype); // (N, C·∏k, L)
}

/**
 * Sum sliding windows back into an image (torch.nn.functional.fold): the adjoint of `unfold`, so
 * overlapping windows add up. `outputSize` is the spatial size of the result.
 *
 * Shape: (N, C·∏kernel, L) → (N, C, *outputSize).
 *
 * @example
 * fold(unfold(x, 2, { stride: 2 }), [4, 4], 2, { stride: 2 }) // equals x (no overlap)
 */
export function fold(cols: Tensor, outputSize: SizeArg, kernelSize: SizeArg, opts: UnfoldOptions = {}): Tensor {
  if (cols.ndim !== 3) throw new ShapeError('fold', `expects (N, C·∏kernel, L), got ${shapeStr(cols.shape)}`);
  const nd = typeof outputSize === 'number' ? (typeof kernelSize === 'number' ? 2 : kernelSize.length) : outputSize.length;
  const a = windowAttrs('fold', kernelSize, nd, opts);
  const size = perDim('fold', 'outputSize', outputSize, nd, 1);
  const kk = a.kernel.reduce((p, q) => p * q, 1);
  const [n, rows, L] = cols.shape as [number, number, number];
  if (rows % kk !== 0) throw new ShapeError('fold', `dim 1 of ${shapeStr(cols.shape)} must be a multiple of the kernel size ∏${JSON.stringify(a.kernel)} = ${kk}`);
  const want = windowCounts('fold', [n, rows / kk, ...size], a).reduce((p, q) => p * q, 1);
  if (want !== L) throw new ShapeError('fold', `input ${shapeStr(cols.shape)} has ${L} windows but outputSize ${JSON.stringify(size)} with this kernel/stride/padding/dilation gives ${want}; check outputSize`);
  return execute('fold', [cols], { ...a, outputSize: size }, [n, rows / kk, ...size], cols.dtype); // (N, C, *outputSize)
}
