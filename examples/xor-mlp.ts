// XOR with a 2-4-1 multilayer perceptron trained by backpropagation: the hidden layer bends the
// decision boundary so the four points separate.
import { Adam, Linear, Sequential, Tanh, fit, gt, manualSeed, predict, tensor } from '../src/index.js';
import { fitReport, type ExampleOptions, type ExampleResult } from './example.js';

export async function run({ epochs = 300, seed = 0, verbose = true, dashboard, lr = 0.05 }: ExampleOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]); // (4, 2)
  const y = tensor([[0], [1], [1], [0]]); // (4, 1) targets for a single logit
  const model = new Sequential(new Linear(2, 4), new Tanh(), new Linear(4, 1)); // 2-4-1
  const optimizer = new Adam(model.parameters(), { lr });
  const history = fit(model, { data: { x, y }, epochs, batchSize: 4, optimizer, loss: 'binaryCrossEntropyWithLogits', metrics: ['accuracy'], seed, verbose, dashboard });
  const pred = gt(predict(model, x), 0).data(); // (4, 1) logit > 0 ⇒ class 1
  const truth = [0, 1, 1, 0];
  const acc = truth.filter((t, i) => pred[i] === t).length / 4;
  return fitReport('xor-mlp', { testAccuracy: acc }, history, t0, `the 2-4-1 MLP gets ${acc * 4}/4 XOR cases right`);
}
