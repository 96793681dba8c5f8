// Exporters for convolutional networks: Conv1d/Conv2d, max/average pooling, adaptive average
// pooling (global, or evenly dividing windows) and BatchNorm1d/2d with running statistics.
import { AxonError } from '../../../errors.js';
import { BatchNorm1d, BatchNorm2d } from '../../../nn/channel-norm.js';
import { Conv1d, Conv2d } from '../../../nn/conv.js';
import type { Module } from '../../../nn/module.js';
import { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from '../../../nn/pool.js';
import type { SizeArg } from '../../../ops/unfold.js';
import { at, key, type Exporter } from '../context.js';
import { float, int, ints } from '../graph.js';

const perDim = (v: SizeArg | null | undefined, nd: number, dflt: readonly number[]): number[] =>
  v === null || v === undefined ? [...dflt] : typeof v === 'number' ? new Array<number>(nd).fill(v) : [...v];

/** ONNX pads: all begins, then all ends. */
const symmetric = (p: readonly number[]): number[] => [...p, ...p];

const conv: Exporter<Conv1d | Conv2d> = (ctx, m, x, path) => {
  const g = ctx.g;
  const nd = m.kernelSize.length;
  const o = m.opts;
  const dil = perDim(o.dilation, nd, new Array<number>(nd).fill(1));
  let pads: number[];
  if (o.padding === 'same') {
    // Total padding d·(k−1), the odd extra on the end side (as PyTorch and Axon).
    const total = m.kernelSize.map((k, i) => dil[i]! * (k - 1));
    pads = [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
  } else if (o.padding === 'valid') pads = new Array<number>(2 * nd).fill(0);
  else pads = symmetric(perDim(o.padding, nd, new Array<number>(nd).fill(0)));
  const inputs = [x.name, g.weight(key(path, 'weight'), m.weight)];
  if (m.bias) inputs.push(g.weight(key(path, 'bias'), m.bias));
  return g.op('Conv', inputs, {
    kernel_shape: ints(m.kernelSize), strides: ints(perDim(o.stride, nd, new Array<number>(nd).fill(1))),
    pads: ints(pads), dilations: ints(dil), group: int(o.groups ?? 1),
  }, at(path, 'Conv')); // (N, C, *spatial) -> (N, outChannels, *spatial')
};

const maxPool = (nd: number): Exporter<MaxPool1d | MaxPool2d> => (ctx, m, x, path) => {
  const k = perDim(m.kernelSize, nd, []);
  const o = m.opts;
  return ctx.g.op('MaxPool', [x.name], {
    kernel_shape: ints(k), strides: ints(perDim(o.stride, nd, k)), pads: ints(symmetric(perDim(o.padding, nd, new Array<number>(nd).fill(0)))),
    dilations: ints(perDim(o.dilation, nd, new Array<number>(nd).fill(1))), ceil_mode: int(o.ceilMode ? 1 : 0),
  }, at(path, 'MaxPool')); // (N, C, *spatial) -> (N, C, *pooled)
};

const avgPool = (nd: number): Exporter<AvgPool1d | AvgPool2d> => (ctx, m, x, path) => {
  const k = perDim(m.kernelSize, nd, []);
  const o = m.opts;
  return ctx.g.op('AveragePool', [x.name], {
    kernel_shape: ints(k), strides: ints(perDim(o.stride, nd, k)), pads: ints(symmetric(perDim(o.padding, nd, new Array<number>(nd).fill(0)))),
    count_include_pad: int(o.countIncludePad === false ? 0 : 1),
  }, at(path, 'AveragePool')); // (N, C, *spatial) -> (N, C, *pooled)
};

const adaptiveAvgPool: Exporter<AdaptiveAvgPool2d> = (ctx, m, x, path) => {
  const [H, W] = x.sample.shape.slice(2) as [number, number];
  const os = typeof m.outputSize === 'number' ? [m.outputSize, m.outputSize] : m.outputSize.map((v, i) => v ?? [H, W][i]!);
  if (os[0] === 1 && os[1] === 1) return ctx.g.op('GlobalAveragePool', [x.name], {}, at(path, 'GlobalAveragePool')); // (N, C, H, W) -> (N, C, 1, 1)
  if (H % os[0]! !== 0 || W % os[1]! !== 0) {
    throw new AxonError('exportOnnx', `AdaptiveAvgPool2d at '${path}' maps ${H}×${W} to ${os.join('×')}: ONNX has no adaptive pooling, and the windows are uneven; use an input size divisible by the output size or outputSize 1`);
  }
  const k = [H / os[0]!, W / os[1]!];
  return ctx.g.op('AveragePool', [x.name], { kernel_shape: ints(k), strides: ints(k) }, at(path, 'AveragePool')); // (N, C, H, W) -> (N, C, oH, oW)
};

const batchNorm: Exporter<BatchNorm1d | BatchNorm2d> = (ctx, m, x, path) => {
  const g = ctx.g;
  if (!m.runningMean || !m.runningVar) {
    throw new AxonError('exportOnnx', `${m.constructor.name} at '${path}' has no running statistics (trackRunningStats: false), so it normalizes with batch statistics even in eval mode; ONNX's BatchNormalization needs running statistics`);
  }
  const C = m.numFeatures;
  const scale = m.weight ? g.weight(key(path, 'weight'), m.weight) : g.floats(key(path, 'ones'), new Float32Array(C).fill(1), [C]);
  const bias = m.bias ? g.weight(key(path, 'bias'), m.bias) : g.floats(key(path, 'zeros'), new Float32Array(C), [C]);
  const inputs = [x.name, scale, bias, g.weight(key(path, 'running_mean'), m.runningMean), g.weight(key(path, 'running_var'), m.runningVar)];
  return g.op('BatchNormalization', inputs, { epsilon: float(m.eps) }, at(path, 'BatchNormalization'));
};

export const CONV_EXPORTERS: [abstract new (...args: never[]) => Module, Exporter][] = [
  [Conv1d, conv],
  [Conv2d, conv],
  [MaxPool1d, maxPool(1)],
  [MaxPool2d, maxPool(2)],
  [AvgPool1d, avgPool(1)],
  [AvgPool2d, avgPool(2)],
  [AdaptiveAvgPool2d, adaptiveAvgPool],
  [BatchNorm1d, batchNorm],
  [BatchNorm2d, batchNorm],
];
