// `axon export <model.safetensors> --onnx out.onnx [--input-shape 1,784] [--opset 17]
// [--dtype float32|int32] [--dynamic-batch]`: rebuild a model saved with save() and write it as
// ONNX. The sample input is zeros (token ids 0) of --input-shape, or a shape read off the model.
import { choiceOption, EXIT, parseCommand, UsageError } from './args.js';
import { load } from '../io/checkpoint.js';
import { exportOnnx } from '../io/onnx/export.js';
import { Embedding } from '../nn/embedding.js';
import { GPT, TokenEmbedding } from '../nn/gpt.js';
import { Sequential } from '../nn/layers.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { zeros } from '../tensor/creation.js';

export const EXPORT_USAGE = `usage: axon export <model.safetensors> --onnx out.onnx [--input-shape 1,784] [--opset 17] [--dtype float32|int32] [--dynamic-batch] [--json]

Writes a model saved with save() as an ONNX file (sample input: zeros of --input-shape, or a shape read off the model).`;

/** The first layer that reads the input (through leading Sequentials). */
function firstLayer(m: Module): Module {
  return m instanceof Sequential && m.length > 0 ? firstLayer(m.at(0)) : m;
}

/** A sample shape and dtype read off the model, or null when it can not tell. */
function guessInput(m: Module): { shape: number[]; dtype: 'float32' | 'int32' } | null {
  if (m instanceof GPT) return { shape: [1, m.cfg.contextLength], dtype: 'int32' };
  const f = firstLayer(m);
  if (f instanceof Linear) return { shape: [1, f.inFeatures], dtype: 'float32' };
  return null;
}

/** Run `axon export`; returns the exit code (0 ok; usage errors throw UsageError: exit 2). */
export function runExport(argv: string[]): number {
  const { values, positionals } = parseCommand(argv, {
    onnx: { type: 'string' }, 'input-shape': { type: 'string' }, opset: { type: 'string' }, dtype: { type: 'string' }, 'dynamic-batch': { type: 'boolean' },
  }, EXPORT_USAGE, { positionals: true });
  if (values.help) { console.log(EXPORT_USAGE); return EXIT.ok; }
  const [file] = positionals;
  if (!file || !values.onnx) throw new UsageError('needs a saved model and --onnx out.onnx', EXPORT_USAGE);
  const opset = values.opset === undefined ? 17 : Number(values.opset);
  if (!Number.isInteger(opset)) throw new UsageError(`--opset must be an integer, got '${values.opset}'`, EXPORT_USAGE);
  const dtypeOpt = choiceOption(values.dtype, 'dtype', ['float32', 'int32'] as const, EXPORT_USAGE);
  const model = load(file);
  const guess = guessInput(model);
  const shape = values['input-shape']?.split(',').map(Number) ?? guess?.shape;
  if (!shape || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(values['input-shape'] ? `--input-shape must be positive integers separated by commas, got '${values['input-shape']}'` : `can not tell the input shape of ${model.constructor.name}; give --input-shape, e.g. 1,1,28,28`, EXPORT_USAGE);
  }
  const first = firstLayer(model);
  const dtype = dtypeOpt ?? (guess?.dtype === 'int32' || first instanceof Embedding || first instanceof TokenEmbedding ? 'int32' : 'float32');
  const dyn = values['dynamic-batch'] ? { input: { 0: 'batch' }, output: { 0: 'batch' } } : undefined;
  exportOnnx(model, zeros(shape, { dtype }), values.onnx, { opset, dynamicAxes: dyn });
  const summary = { file: values.onnx, model: model.constructor.name, input: { dtype, shape }, dynamicBatch: dyn !== undefined, opset };
  console.log(values.json ? JSON.stringify(summary) : `wrote ${values.onnx}: ${model.constructor.name}, input ${dtype} [${shape.join(', ')}]${dyn ? ' (batch dynamic)' : ''}, opset ${opset}`);
  return EXIT.ok;
}
