// XOR with Rosenblatt's perceptron: one neuron and a step function can only draw one straight
// line, and no line separates XOR's classes, so it can never get all four points right.
import { Perceptron, tensor } from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

export async function run({ epochs = 100, seed = 0 }: ExampleOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]); // (4, 2): the truth table
  const y = tensor([0, 1, 1, 0]); // (4): XOR
  const p = new Perceptron(2);
  const r = p.fit(x, y, { epochs, seed });
  return {
    example: 'xor-perceptron',
    metrics: { testAccuracy: r.accuracy, converged: r.converged ? 1 : 0, mistakesLastEpoch: r.mistakes.at(-1) ?? 0 },
    epochs: r.epochs,
    seconds: (performance.now() - t0) / 1000,
    note: `the perceptron ${r.converged ? 'converged' : 'never converged'} (accuracy ${(r.accuracy * 100).toFixed(0)}% ≤ 75%): XOR is not linearly separable, so a single neuron with a step activation can not represent it — add a hidden layer (see xor-mlp)`,
  };
}
