// `axon export <model.safetensors> --onnx out.onnx [--input-shape 1,784] [--opset 17]
// [--dtype float32|int32] [--dynamic-batch]`: rebuild a model saved with save() and write it as
// ONNX. The sample input is zeros (token ids 0) of --input-shape, or a shape read off the model.
import { parseArgs } from '../platform/node.js';
import { load } from '../io/checkpoint.js';
import { exportOnnx } from '../io/onnx/export.js';
import { Embedding } from '../nn/embedding.js';
import { GPT, TokenEmbedding } from '../nn/gpt.js';
import { Sequential } from '../nn/layers.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { zeros } from '../tensor/creation.js';

export const EXPORT_USAGE = 'usage: axon export <model.safetensors> --onnx out.onnx [--input-shape 1,784] [--opset 17] [--dtype float32|int32] [--dynamic-batch]';

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

/** Run `axon export`; returns the exit code (0, or 1 for bad arguments). */
export function runExport(argv: string[]): number {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
      onnx: { type: 'string' }, 'input-shape': { type: 'string' }, opset: { type: 'string' }, dtype: { type: 'string' }, 'dynamic-batch': { type: 'boolean' },
    } }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${EXPORT_USAGE}`);
    return 1;
  }
  const [file] = positionals;
  if (!file || !values.onnx) { console.error(`axon export needs a saved model and --onnx out.onnx\n${EXPORT_USAGE}`); return 1; }
  const opset = values.opset === undefined ? 17 : Number(values.opset);
  if (!Number.isInteger(opset)) { console.error(`--opset must be an integer, got '${values.opset}'`); return 1; }
  if (values.dtype !== undefined && values.dtype !== 'float32' && values.dtype !== 'int32') { console.error(`--dtype must be float32 or int32, got '${values.dtype}'`); return 1; }
  const model = load(file);
  const guess = guessInput(model);
  const shape = values['input-shape']?.split(',').map(Number) ?? guess?.shape;
  if (!shape || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    console.error(`${values['input-shape'] ? `--input-shape must be positive integers separated by commas, got '${values['input-shape']}'` : `can not tell the input shape of ${model.constructor.name}; give --input-shape, e.g. 1,1,28,28`}\n${EXPORT_USAGE}`);
    return 1;
  }
  const first = firstLayer(model);
  const dtype = (values.dtype as 'float32' | 'int32' | undefined) ?? (guess?.dtype === 'int32' || first instanceof Embedding || first instanceof TokenEmbedding ? 'int32' : 'float32');
  const dyn = values['dynamic-batch'] ? { input: { 0: 'batch' }, output: { 0: 'batch' } } : undefined;
  exportOnnx(model, zeros(shape, { dtype }), values.onnx, { opset, dynamicAxes: dyn });
  console.log(`wrote ${values.onnx}: ${model.constructor.name}, input ${dtype} [${shape.join(', ')}]${dyn ? ' (batch dynamic)' : ''}, opset ${opset}`);
  return 0;
}
