// exportOnnx / toOnnxBytes: write a model as an ONNX file by walking its module tree (each
// module type has an exporter in exporters/), not by tracing. The model runs in eval mode on the
// sample input alongside, which checks the input and gives every value its shape.
import { AxonError, ValueError } from '../../errors.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Module } from '../../nn/module.js';
import { Tensor } from '../../tensor/tensor.js';
import { writeFileAtomicSync } from '../files.js';
import type { ExportContext, Value } from './context.js';
import { OnnxGraph, type ValueInfo } from './graph.js';
import { exporterFor } from './registry.js';

export interface OnnxExportOptions {
  /** ONNX opset, 13–21. Default 17 (LayerNormalization is a single op from 17 on). */
  opset?: number;
  /** Name of the graph input. Default ['input']. */
  inputNames?: readonly string[];
  /** Names of the graph outputs. Default ['output'], or ['output', 'h_n'(, 'c_n')] for a recurrent layer. */
  outputNames?: readonly string[];
  /**
   * Dims that may change at run time, by input/output name, as in torch.onnx.export:
   * `{ input: { 0: 'batch' }, output: { 0: 'batch' } }` or `{ input: [0] }` (names made up).
   */
  dynamicAxes?: Record<string, Readonly<Record<number, string>> | readonly number[]>;
  /** Text stored in the model's doc_string. */
  docString?: string;
}

const OPSETS = [13, 21] as const;

const flat = (v: unknown): Tensor[] => (v instanceof Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);

function dtypeOf(t: Tensor): ValueInfo['dtype'] {
  if (t.dtype === 'float32' || t.dtype === 'int32') return t.dtype;
  throw new ValueError('exportOnnx', `the sample input is ${t.dtype}; pass a float32 tensor (or int32 token ids)`);
}

function dims(name: string, shape: readonly number[], dyn: OnnxExportOptions['dynamicAxes']): (number | string)[] {
  const spec = dyn?.[name];
  const named: Record<number, string> = Array.isArray(spec) ? Object.fromEntries(spec.map((a) => [a, `${name}_dim${a}`])) : { ...(spec ?? {}) };
  return shape.map((d, i) => named[i] ?? named[i - shape.length] ?? d);
}

/** The ONNX model bytes of `model` (a ModelProto), for writing or for a browser download. */
export function toOnnxBytes(model: Module, sampleInput: Tensor, opts: OnnxExportOptions = {}): Uint8Array {
  const opset = opts.opset ?? 17;
  if (!Number.isInteger(opset) || opset < OPSETS[0] || opset > OPSETS[1]) {
    throw new ValueError('exportOnnx', `opset ${opset} is not supported; pick one in ${OPSETS[0]}..${OPSETS[1]} (default 17)`);
  }
  if (!(sampleInput instanceof Tensor)) throw new ValueError('exportOnnx', 'sampleInput must be a Tensor shaped like a real input (batch dim included)');
  const inputName = opts.inputNames?.[0] ?? 'input';
  const g = new OnnxGraph(opset);
  const ctx: ExportContext = {
    g,
    module(m, path, x): Value[] {
      const exporter = exporterFor(m, path);
      const samples = flat(noGrad(() => m.forward(x.sample)));
      const names = [exporter(ctx, m, x, path)].flat();
      if (names.length !== samples.length) throw new AxonError('exportOnnx', `internal error: the ${m.constructor.name} exporter gives ${names.length} outputs, forward ${samples.length}`);
      return names.map((name, i) => ({ name, sample: samples[i]! }));
    },
  };
  const reserved = [...new Set([...(opts.outputNames ?? []), 'output', 'h_n', 'c_n'])];
  const input = g.input(inputName);
  for (const n of reserved) if (n !== inputName) g.input(n);
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  try {
    const outs = ctx.module(model, '', { name: input, sample: sampleInput });
    const defaults = outs.length === 1 ? ['output'] : ['output', 'h_n', 'c_n'].slice(0, outs.length);
    const outNames = outs.map((_, i) => opts.outputNames?.[i] ?? defaults[i] ?? `output_${i}`);
    outs.forEach((o, i) => g.output(o.name, outNames[i]!));
    const unknown = Object.keys(opts.dynamicAxes ?? {}).filter((k) => k !== inputName && !outNames.includes(k));
    if (unknown.length) throw new ValueError('exportOnnx', `dynamicAxes names ${unknown.map((k) => `'${k}'`).join(', ')}, which is not an input or output; the graph has input '${inputName}' and outputs ${outNames.map((k) => `'${k}'`).join(', ')}`);
    const inputs: ValueInfo[] = [{ name: inputName, dtype: dtypeOf(sampleInput), dims: dims(inputName, sampleInput.shape, opts.dynamicAxes) }];
    const outputs: ValueInfo[] = outs.map((o, i) => ({ name: outNames[i]!, dtype: dtypeOf(o.sample), dims: dims(outNames[i]!, o.sample.shape, opts.dynamicAxes) }));
    return g.encode(inputs, outputs, { docString: opts.docString ?? '' });
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
}

/**
 * Write `model` as an ONNX file at `path` (atomically), for onnxruntime, TensorRT, Netron….
 *
 * @example
 * exportOnnx(model, randn([1, 784]), 'mnist.onnx', { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } });
 */
export function exportOnnx(model: Module, sampleInput: Tensor, path: string, opts: OnnxExportOptions = {}): void {
  writeFileAtomicSync(path, toOnnxBytes(model, sampleInput, opts));
}
