// How many elements (parameters and buffers) a stored architecture config would allocate,
// computed from the config alone so a checkpoint can be refused before its model is built
// (a 1 KB file saying Linear(16384, 16384) must not allocate a gigabyte). Counts are exact for
// the built-in layers (test/unit/io/architecture-size.test.ts checks each against a built model);
// a type registered by the user counts as 0 and makes the total a lower bound (`exact: false`).
import { ValueError } from '../errors.js';
import { brief, isJsonObject } from '../json-safety.js';
import { checkLimit, type Limits } from '../limits.js';

/** Elements a config allocates: `stored` are saved in the state dict, `total` adds the rest. */
export interface ArchitectureSize { stored: number; total: number; exact: boolean }

type Sizer = (args: readonly unknown[], at: string) => { stored: number; total?: number; exact?: boolean };

const NO_PARAMETERS = ['ReLU', 'LeakyReLU', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'GELU', 'SiLU', 'ELU', 'Softplus', 'Step', 'Identity',
  'Flatten', 'Dropout', 'MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'Upsample', 'RotaryEmbedding'];

/** A size argument: a non-negative safe integer, else a ValueError naming where it sits. */
function int(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ValueError('architecture', `${at} must be a non-negative integer, got ${brief(v)}`);
  return v;
}
function opts(v: unknown, at: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isJsonObject(v)) throw new ValueError('architecture', `${at} must be an options object, got ${brief(v)}`);
  return v;
}
const bit = (o: Record<string, unknown>, k: string, dflt: boolean): number => ((o[k] ?? dflt) === false ? 0 : 1);
/** Elements of a shape argument (a number or an array of numbers). */
function numel(v: unknown, at: string, nd = 1): number {
  if (Array.isArray(v)) return v.reduce((p: number, s, i) => p * int(s, `${at}[${i}]`), 1);
  return int(v, at) ** nd;
}

const linear = (i: number, o: number, b: number): number => o * i + b * o;
function rnn(gates: number, args: readonly unknown[], at: string): number {
  const [i, h] = [int(args[0], `${at}.inputSize`), int(args[1], `${at}.hiddenSize`)];
  const o = opts(args[2], `${at}.options`);
  const layers = o.numLayers === undefined ? 1 : int(o.numLayers, `${at}.numLayers`);
  const d = o.bidirectional === true ? 2 : 1;
  const g = gates * h;
  const b = bit(o, 'bias', true);
  const layer = (inp: number): number => d * (g * inp + g * h + 2 * b * g);
  return layers === 0 ? 0 : layer(i) + (layers - 1) * layer(d * h);
}
function cell(gates: number, args: readonly unknown[], at: string): number {
  const [i, h] = [int(args[0], `${at}.inputSize`), int(args[1], `${at}.hiddenSize`)];
  const g = gates * h;
  return g * i + g * h + 2 * bit(opts(args[2], `${at}.options`), 'bias', true) * g;
}
function conv(nd: number): Sizer {
  return (args, at) => {
    const [i, o] = [int(args[0], `${at}.inChannels`), int(args[1], `${at}.outChannels`)];
    const op = opts(args[3], `${at}.options`);
    const groups = op.groups === undefined ? 1 : Math.max(1, int(op.groups, `${at}.groups`));
    return { stored: (i * o / groups) * numel(args[2], `${at}.kernelSize`, nd) + bit(op, 'bias', true) * o };
  };
}
function mha(e: number, o: Record<string, unknown>, at: string): number {
  const kdim = o.kdim == null ? e : int(o.kdim, `${at}.kdim`);
  const vdim = o.vdim == null ? e : int(o.vdim, `${at}.vdim`);
  const b = bit(o, 'bias', true);
  return e * e + e * kdim + e * vdim + 3 * b * e + linear(e, e, b);
}
function transformerLayer(attentions: number, norms: number): Sizer {
  return (args, at) => {
    const d = int(args[0], `${at}.dModel`);
    const o = opts(args[2], `${at}.options`);
    const ff = o.dimFeedforward === undefined ? 2048 : int(o.dimFeedforward, `${at}.dimFeedforward`);
    const b = bit(o, 'bias', true);
    return { stored: attentions * mha(d, { bias: o.bias }, at) + linear(d, ff, b) + linear(ff, d, b) + norms * (d + b * d) };
  };
}
function stack(args: readonly unknown[], at: string, depth: number, limits: Limits | undefined): ArchitectureSize {
  const layer = sizeAt(args[0], `${at}.layer`, depth + 1, limits);
  const n = int(args[1], `${at}.numLayers`);
  const norm = args[2] == null ? { stored: 0, total: 0, exact: true } : sizeAt(args[2], `${at}.norm`, depth + 1, limits);
  return { stored: n * layer.stored + norm.stored, total: n * layer.total + norm.total, exact: layer.exact && norm.exact };
}
function gpt(args: readonly unknown[], at: string): number {
  const c = opts(args[0], `${at}.config`);
  const get = (k: string, dflt: number): number => (c[k] === undefined ? dflt : int(c[k], `${at}.${k}`));
  const [V, T, L, E] = [get('vocabSize', 96), get('contextLength', 64), get('nLayer', 2), get('nEmbd', 128)];
  const b = bit(c, 'bias', true);
  const ln = E + b * E;
  let mlp = linear(E, 4 * E, b) + linear(4 * E, E, b);
  if (c.moe != null) {
    const m = opts(c.moe, `${at}.moe`);
    mlp = moe(E, { ...m, bias: c.bias }, `${at}.moe`);
  }
  const block = 2 * ln + linear(E, 3 * E, b) + linear(E, E, b) + mlp;
  return V * E + T * E + L * block + ln + (c.tieWeights === false ? V * E : 0);
}
function moe(d: number, o: Record<string, unknown>, at: string): number {
  const n = int(o.nExperts, `${at}.nExperts`);
  const h = o.hidden === undefined ? 4 * d : int(o.hidden, `${at}.hidden`);
  const b = bit(o, 'bias', true);
  return d * n + n * (linear(d, h, b) + linear(h, d, b));
}

const SIZERS: Record<string, Sizer> = {
  Linear: (a, at) => ({ stored: linear(int(a[0], `${at}.inFeatures`), int(a[1], `${at}.outFeatures`), bit(opts(a[2], `${at}.options`), 'bias', true)) }),
  Conv1d: conv(1), Conv2d: conv(2), ConvTranspose2d: conv(2),
  Embedding: (a, at) => ({ stored: int(a[0], `${at}.numEmbeddings`) * int(a[1], `${at}.embeddingDim`) }),
  RNN: (a, at) => ({ stored: rnn(1, a, at) }), LSTM: (a, at) => ({ stored: rnn(4, a, at) }), GRU: (a, at) => ({ stored: rnn(3, a, at) }),
  RNNCell: (a, at) => ({ stored: cell(1, a, at) }), LSTMCell: (a, at) => ({ stored: cell(4, a, at) }), GRUCell: (a, at) => ({ stored: cell(3, a, at) }),
  LayerNorm: (a, at) => {
    const o = opts(a[1], `${at}.options`);
    const n = numel(a[0], `${at}.normalizedShape`);
    const affine = bit(o, 'elementwiseAffine', true);
    return { stored: affine * n + affine * bit(o, 'bias', true) * n };
  },
  RMSNorm: (a, at) => ({ stored: bit(opts(a[1], `${at}.options`), 'elementwiseAffine', true) * numel(a[0], `${at}.normalizedShape`) }),
  BatchNorm1d: (a, at) => batchNorm(a, at), BatchNorm2d: (a, at) => batchNorm(a, at),
  GroupNorm: (a, at) => ({ stored: 2 * bit(opts(a[2], `${at}.options`), 'affine', true) * int(a[1], `${at}.numChannels`) }),
  LearnedPositionalEmbedding: (a, at) => ({ stored: int(a[0], `${at}.maxLen`) * int(a[1], `${at}.dim`) }),
  SinusoidalPositionalEncoding: (a, at) => {
    const n = (a[1] === undefined ? 5000 : int(a[1], `${at}.maxLen`)) * int(a[0], `${at}.dModel`);
    return { stored: n, total: n };
  },
  MultiHeadAttention: (a, at) => ({ stored: mha(int(a[0], `${at}.embedDim`), opts(a[2], `${at}.options`), at) }),
  TransformerEncoderLayer: transformerLayer(1, 2), TransformerDecoderLayer: transformerLayer(2, 3),
  GPT: (a, at) => ({ stored: gpt(a, at) }),
  ExpertMLP: (a, at) => {
    const [d, h] = [int(a[0], `${at}.dim`), int(a[1], `${at}.hidden`)];
    const b = bit(opts(a[2], `${at}.options`), 'bias', true);
    return { stored: linear(d, h, b) + linear(h, d, b) };
  },
  MoE: (a, at) => ({ stored: moe(int(a[0], `${at}.dim`), opts(a[1], `${at}.options`), at) }),
  Perceptron: (a, at) => ({ stored: int(a[0], `${at}.inFeatures`) + 1 }),
};
for (const t of NO_PARAMETERS) SIZERS[t] = () => ({ stored: 0 });

function batchNorm(a: readonly unknown[], at: string): { stored: number } {
  const n = int(a[0], `${at}.numFeatures`);
  const o = opts(a[1], `${at}.options`);
  return { stored: 2 * bit(o, 'affine', true) * n + bit(o, 'trackRunningStats', true) * (2 * n + 1) };
}

function sizeAt(config: unknown, at: string, depth: number, limits: Limits | undefined): ArchitectureSize {
  checkLimit('architecture', `${at}: module nesting depth`, depth, limits, 'maxDepth');
  if (!isJsonObject(config) || typeof config.type !== 'string' || !Array.isArray(config.args)) {
    throw new ValueError('architecture', `${at} must be a module config { type: string, args: [...] }, got ${brief(config)}`);
  }
  const { type, args } = config as { type: string; args: unknown[] };
  if (type === 'Sequential') {
    const parts = args.map((c, i) => sizeAt(c, `${at}.${i}`, depth + 1, limits));
    return parts.reduce((s, p) => ({ stored: s.stored + p.stored, total: s.total + p.total, exact: s.exact && p.exact }), { stored: 0, total: 0, exact: true });
  }
  if (type === 'TransformerEncoder' || type === 'TransformerDecoder') return stack(args, `${at}(${type})`, depth, limits);
  const sizer = Object.hasOwn(SIZERS, type) ? SIZERS[type] : undefined;
  if (!sizer) return { stored: 0, total: 0, exact: false }; // a user-registered type: unknown
  const s = sizer(args, `${at}(${type})`);
  return { stored: s.stored, total: s.total ?? s.stored, exact: s.exact ?? true };
}

/**
 * Elements a module config would allocate, validating every size argument on the way (a
 * ValueError names the argument's path, e.g. `config.2(Linear).inFeatures`). Nesting deeper
 * than `maxDepth` is a LimitError.
 */
export function architectureSize(config: unknown, limits?: Limits, source = 'config'): ArchitectureSize {
  return sizeAt(config, source, 0, limits);
}
