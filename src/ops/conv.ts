// Convolutions as im2col + GEMM: conv1d/conv2d unfold the input and multiply by the flattened
// kernel; convTranspose2d multiplies first and folds (col2im) the columns back into an image.
import { ShapeError, ValueError } from '../errors.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast } from './elementwise.js';
import { matmul } from './linalg.js';
import { pad, reshape, slice, transpose } from './movement.js';
import { fold, perDim, unfold, windowAttrs, windowCounts, type SizeArg } from './unfold.js';
import { arithmeticDType } from '../tensor/dtype.js';

/** Padding: a size per spatial dim, `'valid'` (none) or `'same'` (output size = input size; stride 1). */
export type ConvPadding = SizeArg | 'same' | 'valid';

export interface ConvOptions {
  /** Step between windows. Default 1. */
  stride?: SizeArg;
  /** Zero padding on both sides, `'valid'` (0) or `'same'`. Default 0. */
  padding?: ConvPadding;
  /** Spacing between kernel taps. Default 1. */
  dilation?: SizeArg;
  /** Split channels into this many independent groups (groups = inChannels: depthwise). Default 1. */
  groups?: number;
}

const SPATIAL = ['', '(N, C, L)', '(N, C, H, W)'] as const;

function checkGroups(op: string, groups: number, cin: number, cout: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(op, `groups must be a positive integer, got ${groups}`);
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new ValueError(op, `in channels (${cin}) and out channels (${cout}) must both be divisible by groups (${groups})`);
  }
}

/** Convolution over nd = 1 or 2 spatial dims; `op` names the caller in errors. */
export function convNd(op: string, nd: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions): Tensor {
  const groups = opts.groups ?? 1;
  if (weight.ndim !== nd + 2) throw new ShapeError(op, `weight must be (outChannels, inChannels/groups, ${nd === 1 ? 'kL' : 'kH, kW'}), got ${shapeStr(weight.shape)}`);
  if (x.ndim !== nd + 2) {
    const hint = x.ndim === nd + 1 ? `; for a single unbatched sample add the batch dim with unsqueeze(x, 0)` : '';
    throw new ShapeError(op, `expects a ${nd + 2}-D input ${SPATIAL[nd]}, got ${x.ndim}-D input ${shapeStr(x.shape)}${hint}`);
  }
  const [cout, cinG] = weight.shape as [number, number];
  const cin = x.shape[1]!;
  checkGroups(op, groups, cinG * groups, cout);
  if (cin !== cinG * groups) {
    throw new ShapeError(op, `expected input ${shapeStr(x.shape)} to have ${cinG * groups} channels (weight ${shapeStr(weight.shape)}, groups ${groups}), but got ${cin} channels; fix the layer's inChannels or the previous layer's output channels`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) throw new ShapeError(op, `bias must have shape [${cout}], got ${shapeStr(bias.shape)}`);
  const kernel = weight.shape.slice(2);
  const dilation = perDim(op, 'dilation', opts.dilation ?? 1, nd, 1);
  const stride = perDim(op, 'stride', opts.stride ?? 1, nd, 1);
  let padding: number[];
  let input = cast(x, arithmeticDType(x.dtype, weight.dtype));
  const p = opts.padding ?? 0;
  if (p === 'valid') padding = new Array<number>(nd).fill(0);
  else if (p === 'same') {
    if (stride.some((s) => s !== 1)) throw new ValueError(op, `padding 'same' needs stride 1, got stride ${JSON.stringify(stride)}; give explicit padding instead`);
    // Total padding d·(k−1), the odd extra on the right (as PyTorch).
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    padding = total.map((t) => Math.floor(t / 2));
    if (total.some((t) => t % 2 === 1)) {
      const extra = [...total].reverse().flatMap((t) => [0, t % 2]); // last dim first
      input = pad(input, extra); // (N, C, *spatial + odd extra)
    }
  } else padding = perDim(op, 'padding', p, nd, 0);
  const a = windowAttrs(op, kernel, nd, { stride, padding, dilation });
  const outSpatial = windowCounts(op, input.shape, a, 'add padding, use a smaller kernel/dilation, or give the layer a larger input');
  const [n] = x.shape as [number];
  const L = outSpatial.reduce((q, r) => q * r, 1);
  const kk = kernel.reduce((q, r) => q * r, 1);
  const cols = unfold(input, kernel, a); // (N, C·∏k, L)
  const w = cast(weight, input.dtype);
  let y: Tensor;
  if (groups === 1) {
    y = matmul(reshape(w, [cout, cin * kk]), cols); // (O, C·∏k)·(N, C·∏k, L) -> (N, O, L)
  } else {
    const g = reshape(cols, [n, groups, cinG * kk, L]); // (N, G, C/G·∏k, L)
    const wg = reshape(w, [groups, cout / groups, cinG * kk]); // (G, O/G, C/G·∏k)
    y = reshape(matmul(wg, g), [n, cout, L]); // (N, G, O/G, L) -> (N, O, L)
  }
  if (bias) y = add(y, reshape(cast(bias, y.dtype), [cout, 1])); // (N, O, L) + (O, 1)
  return reshape(y, [n, cout, ...outSpatial]); // (N, O, *out)
}

/**
 * 1-D convolution (cross-correlation, as torch.nn.functional.conv1d).
 *
 * Shape: input (N, Cin, L), weight (Cout, Cin/groups, k), bias (Cout) → (N, Cout, Lout),
 * Lout = ⌊(L + 2p − d·(k−1) − 1)/s⌋ + 1.
 *
 * @example
 * conv1d(randn([8, 4, 32]), randn([16, 4, 3]), null, { padding: 'same' }).shape // [8, 16, 32]
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv1d', 1, x, weight, bias, opts);
}

/**
 * 2-D convolution (cross-correlation, as torch.nn.functional.conv2d), computed as unfold + GEMM.
 *
 * Shape: input (N, Cin, H, W), weight (Cout, Cin/groups, kH, kW), bias (Cout) →
 * (N, Cout, Hout, Wout), Hout = ⌊(H + 2p − d·(kH−1) − 1)/s⌋ + 1 (same for W).
 *
 * @example
 * conv2d(randn([64, 1, 28, 28]), randn([6, 1, 5, 5]), null, { padding: 2 }).shape // [64, 6, 28, 28]
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv2d', 2, x, weight, bias, opts);
}

export interface ConvTransposeOptions {
  stride?: SizeArg;
  /** Removes d·(k−1)−p… i.e. crops `padding` from both sides of the full output. Default 0. */
  padding?: SizeArg;
  /** Extra size added to one side of the output (must be < stride or < dilation). Default 0. */
  outputPadding?: SizeArg;
  dilation?: SizeArg;
  groups?: number;
}

/**
 * 2-D transposed convolution (torch.nn.functional.conv_transpose2d): the gradient of conv2d with
 * respect to its input, computed as one GEMM (Wᵀ·x) and fold (col2im).
 *
 * Shape: input (N, Cin, H, W), weight (Cin, Cout/groups, kH, kW), bias (Cout) → (N, Cout, Hout, Wout),
 * Hout = (H−1)·s − 2p + d·(kH−1) + outputPadding + 1.
 *
 * @example
 * convTranspose2d(randn([1, 8, 7, 7]), randn([8, 4, 4, 4]), null, { stride: 2, padding: 1 }).shape // [1, 4, 14, 14]
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeAs('convTranspose2d', x, weight, bias, opts);
}

/** convTranspose2d with `op` (e.g. the layer's name) in its errors. */
export function convTransposeAs(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTransposeOptions): Tensor {
  const groups = opts.groups ?? 1;
  if (x.ndim !== 4) throw new ShapeError(op, `expects a 4-D input (N, C, H, W), got ${x.ndim}-D input ${shapeStr(x.shape)}${x.ndim === 3 ? '; for a single image add the batch dim with unsqueeze(x, 0)' : ''}`);
  if (weight.ndim !== 4) throw new ShapeError(op, `weight must be (inChannels, outChannels/groups, kH, kW), got ${shapeStr(weight.shape)}`);
  const [cin, coutG, kh, kw] = weight.shape as [number, number, number, number];
  const cout = coutG * groups;
  checkGroups(op, groups, cin, cout);
  if (x.shape[1] !== cin) {
    throw new ShapeError(op, `expected input ${shapeStr(x.shape)} to have ${cin} channels (weight ${shapeStr(weight.shape)}), but got ${x.shape[1]} channels; fix the layer's inChannels or the previous layer's output channels`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) throw new ShapeError(op, `bias must have shape [${cout}], got ${shapeStr(bias.shape)}`);
  const a = windowAttrs(op, [kh, kw], 2, opts);
  const outPad = perDim(op, 'outputPadding', opts.outputPadding ?? 0, 2, 0);
  outPad.forEach((o, i) => {
    if (o >= a.stride[i]! && o >= a.dilation[i]!) throw new ValueError(op, `outputPadding (${o}) must be smaller than stride (${a.stride[i]}) or dilation (${a.dilation[i]})`);
  });
  const [n, , h, w] = x.shape as [number, number, number, number];
  const outSize = [h, w].map((s, i) => (s - 1) * a.stride[i]! - 2 * a.padding[i]! + a.dilation[i]! * (a.kernel[i]! - 1) + outPad[i]! + 1);
  if (outSize.some((s) => s < 1)) throw new ShapeError(op, `input ${shapeStr(x.shape)} with this kernel/stride/padding gives an empty output ${JSON.stringify(outSize)}; reduce padding`);
  const dt = arithmeticDType(x.dtype, weight.dtype);
  const xs = reshape(cast(x, dt), [n, groups, cin / groups, h * w]); // (N, G, Cin/G, HW)
  const wg = reshape(cast(weight, dt), [groups, cin / groups, coutG * kh * kw]); // (G, Cin/G, Cout/G·k)
  const cols = reshape(matmul(transpose(wg, 1, 2), xs), [n, cout * kh * kw, h * w]); // (N, G, Cout/G·k, HW) -> (N, Cout·k, HW)
  // fold needs outSize to hold exactly h×w windows; an outputPadding ≥ stride (valid when it is
  // < dilation) adds a row/column no window starts in: fold the uncropped output, then crop.
  const fits = windowCounts(op, [n, cout, ...outSize], a, 'reduce padding').every((c, i) => c === [h, w][i]);
  let y: Tensor;
  if (fits) y = fold(cols, outSize, [kh, kw], a); // (N, Cout, Hout, Wout)
  else {
    const full = [h, w].map((s, i) => (s - 1) * a.stride[i]! + a.dilation[i]! * (a.kernel[i]! - 1) + 1); // padding 0
    y = fold(cols, full, [kh, kw], { ...a, padding: [0, 0] }); // (N, Cout, Hfull, Wfull)
    y = slice(y, [null, null, ...a.padding.map((p, i) => [p, p + outSize[i]!] as const)]); // crop p on the left, up to outSize
    y = pad(y, [1, 0].flatMap((i) => [0, outSize[i]! - y.shape[i + 2]!])); // zeros where the output reaches past the full one
  }
  if (bias) y = add(y, reshape(cast(bias, dt), [cout, 1, 1]));
  return y;
}
