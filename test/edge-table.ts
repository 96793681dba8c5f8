// Op names of the edge-value fixtures (test/fixtures/edges.json, scripts/fixtures/gen_edges.py)
// mapped to Axon calls: every entry of the op table plus the primitives it lacks (floor, ceil,
// round, cast, indexAdd, sliceUpdate, unfold, fold), the functional layers and losses, and
// `module`: any registered layer built from its config with its parameters taken from the inputs.
import * as ax from '../src/index.js';
import type { Tensor } from '../src/index.js';
import type { PrimOp } from '../src/backend/prims.js';
import { OPS, type OpFn } from './op-table.js';

type Attrs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** A layer from `attrs.config`, its parameters (dotted state-dict names in `attrs.params`) replaced by the inputs after the first `attrs.args` ones. */
const moduleOp: OpFn = (inputs, a) => {
  const m = ax.moduleFromConfig(a.config);
  m.train(a.train === true); // eval unless the case asks for training mode (batch statistics)
  const nArgs: number = a.args ?? 1;
  (a.params as string[]).forEach((name, i) => {
    const path = name.split('.');
    let obj: Attrs = m;
    for (const p of path.slice(0, -1)) obj = obj[p] ?? [...(obj as ax.Module).namedChildren()].find(([n]) => n === p)?.[1]; // state-dict names: attributes or child names
    obj[path[path.length - 1]!] = inputs[nArgs + i]!;
  });
  const args = inputs.slice(0, nArgs);
  const out = (m as unknown as { forward: (...x: unknown[]) => Tensor | Tensor[] }).forward(...args, ...(a.call ? [a.call] : []));
  return Array.isArray(out) ? out.flat(2).filter((t): t is Tensor => t !== null && t !== undefined) : out;
};

export const EDGE_OPS: Record<string, OpFn> = {
  ...OPS,
  floor: ([x]) => ax.floor(x!), ceil: ([x]) => ax.ceil(x!), round: ([x]) => ax.round(x!),
  cast: ([x], a) => ax.cast(x!, a.dtype),
  indexAdd: ([x, i, s], a) => ax.indexAdd(x!, a.dim, i!, s!),
  sliceUpdate: ([x, v], a) => ax.sliceUpdate(x!, a.specs, v!),
  unfold: ([x], a) => ax.unfold(x!, a.kernelSize, a.opts),
  fold: ([x], a) => ax.fold(x!, a.outputSize, a.kernelSize, a.opts),
  linear: ([x, w, b]) => ax.linear(x!, w!, b ?? null),
  conv1d: ([x, w, b], a) => ax.conv1d(x!, w!, b ?? null, a.opts),
  conv2d: ([x, w, b], a) => ax.conv2d(x!, w!, b ?? null, a.opts),
  convTranspose2d: ([x, w, b], a) => ax.convTranspose2d(x!, w!, b ?? null, a.opts),
  maxPool1d: ([x], a) => ax.maxPool1d(x!, a.kernelSize, a.opts),
  maxPool2d: ([x], a) => ax.maxPool2d(x!, a.kernelSize, a.opts),
  avgPool1d: ([x], a) => ax.avgPool1d(x!, a.kernelSize, a.opts),
  avgPool2d: ([x], a) => ax.avgPool2d(x!, a.kernelSize, a.opts),
  adaptiveAvgPool2d: ([x], a) => ax.adaptiveAvgPool2d(x!, a.outputSize),
  batchNorm: ([x, w, b], a) => ax.batchNorm(x!, null, null, { weight: w ?? null, bias: b ?? null, training: true, eps: a.eps }),
  groupNorm: ([x, w, b], a) => ax.groupNorm(x!, a.numGroups, { weight: w ?? null, bias: b ?? null, eps: a.eps }),
  layerNorm: ([x, w, b], a) => ax.layerNorm(x!, a.normalizedShape, w ?? null, b ?? null, a.eps),
  rmsNorm: ([x, w], a) => ax.rmsNorm(x!, a.normalizedShape, w ?? null, opt(a.eps) ?? null),
  upsampleNearest2d: ([x], a) => ax.upsampleNearest2d(x!, { size: opt(a.size), scaleFactor: opt(a.scaleFactor) }),
  scaledDotProductAttention: ([q, k, v, m], a) => ax.scaledDotProductAttention(q!, k!, v!, { attnMask: m ?? null, isCausal: a.isCausal ?? false }),
  mseLoss: ([x, y], a) => ax.mseLoss(x!, y!, a),
  l1Loss: ([x, y], a) => ax.l1Loss(x!, y!, a),
  huberLoss: ([x, y], a) => ax.huberLoss(x!, y!, a),
  smoothL1Loss: ([x, y], a) => ax.smoothL1Loss(x!, y!, a),
  nllLoss: ([x, t, w], a) => ax.nllLoss(x!, t!, { ...a, weight: w ?? null }),
  crossEntropy: ([x, t, w], a) => ax.crossEntropy(x!, t!, { ...a, weight: w ?? null }),
  binaryCrossEntropy: ([p, y, w], a) => ax.binaryCrossEntropy(p!, y!, { ...a, weight: w ?? null }),
  binaryCrossEntropyWithLogits: ([x, y, pw], a) => ax.binaryCrossEntropyWithLogits(x!, y!, { ...a, posWeight: pw ?? null }),
  module: moduleOp,
};

const same = <K extends string>(...ks: K[]): Record<K, string> => Object.fromEntries(ks.map((k) => [k, k])) as unknown as Record<K, string>;

/**
 * The public op whose edge cases reach each primitive (a new primitive is a compile error here
 * until it is given one); sliceAdd is the gradient of slice, lstmCellGrad that of lstmCell,
 * layerNormGrad that of layerNorm, softmaxGrad that of softmax.
 */
export const PRIM_VIA: { [K in PrimOp]: string } = {
  ...same('neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'abs', 'sign', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'erf',
    'floor', 'ceil', 'round', 'isNaN', 'isFinite', 'logicalNot'),
  ...same('add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor'),
  ...same('where', 'cast', 'sum', 'prod', 'max', 'min', 'argmax', 'argmin', 'reshape', 'permute', 'expand', 'slice', 'sliceUpdate',
    'pad', 'cat', 'flip', 'gather', 'scatterAdd', 'indexSelect', 'indexAdd', 'matmul', 'unfold', 'fold'),
  sliceAdd: 'slice',
  maxPoolIndex: 'maxPool2d',
  lstmCell: 'module', // the LSTM and LSTMCell module cases
  lstmCellGrad: 'module',
  lstmSequence: 'module', // the LSTM module cases (no lengths)
  lstmSequenceGrad: 'module',
  gruSequence: 'module', // the GRU module cases (no lengths)
  gruSequenceGrad: 'module',
  rnnSequence: 'module', // the RNN module cases
  rnnSequenceGrad: 'module',
  gelu: 'gelu',
  layerNorm: 'layerNorm', // the cases with weight and bias
  layerNormGrad: 'layerNorm',
  softmax: 'softmax', // and logSoftmax, crossEntropy over the last dim
  softmaxGrad: 'softmax',
};
