// Writes one exported .onnx file per supported family into the folder given (default
// /tmp/axon-onnx-samples), for the offline ONNX checker (scripts/onnx/check_onnx.py). Needs
// `npm run build` first. CI does not run it: the Node tests run the same exports in onnxruntime.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../dist/src/index.js';

const dir = process.argv[2] ?? '/tmp/axon-onnx-samples';
mkdirSync(dir, { recursive: true });
ax.manualSeed(0);
const batch = { input: { 0: 'batch' }, output: { 0: 'batch' } };
const samples = [
  ['mlp', new ax.Sequential(new ax.Linear(8, 16), new ax.ReLU(), new ax.Dropout(0.2), new ax.Linear(16, 3), new ax.LogSoftmax({ dim: 1 })), ax.randn([2, 8]), { dynamicAxes: batch }],
  ['cnn', new ax.Sequential(new ax.Conv2d(1, 4, 3, { padding: 1 }), new ax.BatchNorm2d(4), new ax.ReLU(), new ax.MaxPool2d(2), new ax.Flatten(), new ax.Linear(4 * 4 * 4, 10)), ax.randn([2, 1, 8, 8]), { dynamicAxes: batch }],
  ['rnn', new ax.RNN(4, 6, { numLayers: 2, batchFirst: true }), ax.randn([2, 5, 4]), {}],
  ['lstm', new ax.LSTM(4, 6, { numLayers: 2, bidirectional: true }), ax.randn([5, 2, 4]), {}],
  ['gru', new ax.GRU(4, 6, { batchFirst: true }), ax.randn([2, 5, 4]), {}],
  ['transformer', new ax.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true }), ax.randn([2, 5, 16]), {}],
  ['gpt', new ax.GPT({ vocabSize: 11, contextLength: 8, nLayer: 2, nHead: 2, nEmbd: 16 }), ax.randint(0, 11, [1, 8], { dtype: 'int32' }), {}],
];
for (const [name, model, sample, opts] of samples) {
  const file = path.join(dir, `${name}.onnx`);
  ax.exportOnnx(model, sample, file, { opset: 17, ...opts });
  console.log(file);
}
