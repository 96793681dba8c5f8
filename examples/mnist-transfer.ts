// Transfer learning on MNIST with the pretrained CNN that ships with Axon (loadPretrained
// 'mnist-cnn-0to4', trained on the digits 0–4 only by scripts/pretrain/mnist-cnn.mjs). The new
// task: the digits 5–9, with only 100 labelled examples (a seeded draw from loadMnist's train part,
// 20 per digit) and a held-out test set of every 5–9 digit of loadMnist's test part (about 1,000).
// Three runs on the same 100 examples, Adam, the same number of epochs:
//   (a) frozen features + a new 5-way head (only the head trains),
//   (b) full fine-tuning from (a)'s head (every layer trains, the pretrained ones at a tenth of the rate),
//   (c) the same CNN from scratch.
import {
  Adam, Conv2d, Flatten, Generator, Linear, MaxPool2d, ReLU, Sequential,
  crossEntropy, div, evaluate, fit, freeze, fromArray, loadMnist, loadPretrained, manualSeed, replaceModule, reshape, sub,
  type Module, type Tensor,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

/** MNIST's pixel statistics: inputs are standardized with them before the CNN. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/**
 * The small CNN of the pretrained 'mnist-cnn-0to4'. Index 7 is the 5-way head that transfer replaces.
 * Shape: (N, 1, 28, 28) → (N, 5) logits.
 */
export function smallCnn(classes = 5): Sequential {
  return new Sequential(
    new Conv2d(1, 16, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), // (N, 1, 28, 28) -> (N, 16, 14, 14)
    new Conv2d(16, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), // (N, 16, 14, 14) -> (N, 32, 7, 7)
    new Flatten(), // (N, 32, 7, 7) -> (N, 1568)
    new Linear(32 * 7 * 7, classes), // (N, 1568) -> (N, classes) logits
  );
}

/** Standardized images. Shape: (N, 784) → (N, 1, 28, 28). */
export function mnistImages(x: Tensor): Tensor {
  return div(sub(reshape(x, [x.shape[0]!, 1, 28, 28]), MNIST_MEAN), MNIST_STD);
}

/**
 * The rows of an MNIST part whose digit is in [lo, hi], labels shifted by `lo`, at most `perClass`
 * of each digit (a seeded draw when `generator` is given, else all of them in order).
 */
export function digitSubset(part: { x: Tensor; y: Tensor }, lo: number, hi: number, perClass = Infinity, generator?: Generator): { x: Tensor; y: Tensor } {
  const xs = part.x.data() as Float32Array;
  const ys = part.y.data() as Int32Array;
  const byDigit = new Map<number, number[]>();
  ys.forEach((d, i) => { if (d >= lo && d <= hi) (byDigit.get(d) ?? byDigit.set(d, []).get(d)!).push(i); });
  const rows: number[] = [];
  for (let d = lo; d <= hi; d++) {
    const idx = byDigit.get(d) ?? [];
    if (generator) {
      for (let i = idx.length - 1; i > 0; i--) { const j = generator.int(0, i + 1); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
    }
    rows.push(...idx.slice(0, perClass));
  }
  if (generator) rows.sort((a, b) => a - b);
  const x = new Float32Array(rows.length * 784);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => { x.set(xs.subarray(r * 784, (r + 1) * 784), i * 784); y[i] = ys[r]! - lo; });
  return { x: fromArray(x, [rows.length, 784], 'float32'), y: fromArray(y, [rows.length], 'int32') };
}

export interface MnistTransferOptions extends ExampleOptions {
  /** Labelled examples per digit 5–9 (default 20: 100 in all). */
  perClass?: number;
}

export async function run({ epochs = 30, seed = 0, verbose = true, perClass = 20 }: MnistTransferOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  const log = (s: string): void => { if (verbose) process.stderr.write(s + '\n'); };
  const { train, test } = await loadMnist({ seed: 0 }); // the split the pretrained CNN was trained on (its 0–4 train digits)
  const few = digitSubset(train, 5, 9, perClass, new Generator(seed + 100));
  const held = digitSubset(test, 5, 9);
  const x = mnistImages(few.x);
  const xTest = mnistImages(held.x);
  log(`mnist-transfer: ${few.y.shape[0]} labelled 5–9 digits, ${held.y.shape[0]} test digits`);

  const train1 = (name: string, model: Module, lr: number, params = model.parameters().filter((p) => p.requiresGrad)): number => {
    fit(model, { data: { x, y: few.y }, epochs, batchSize: 20, optimizer: new Adam(params, { lr }), loss: crossEntropy, seed, verbose: false, doctor: false });
    const acc = evaluate(model, { x: xTest, y: held.y }).accuracy!;
    log(`${name}: test accuracy ${(acc * 100).toFixed(1)}%`);
    return acc;
  };
  const pretrained = (): Sequential => {
    const { model } = loadPretrained('mnist-cnn-0to4');
    manualSeed(seed);
    replaceModule(model, '7', new Linear(32 * 7 * 7, 5)); // a new head for the digits 5–9
    return model as Sequential;
  };

  // (a) frozen features: only the new head trains
  const frozen = pretrained();
  for (let i = 0; i < 7; i++) freeze(frozen.layers[i]!);
  const frozenAcc = train1('frozen features + new head', frozen, 3e-3);
  // (b) full fine-tuning, starting from (a)'s head: the pretrained layers at a tenth of the head's rate
  const tuned = pretrained();
  tuned.layers[7]!.loadStateDict(frozen.layers[7]!.stateDict());
  const body = tuned.layers.slice(0, 7).flatMap((l) => l.parameters());
  fit(tuned, { data: { x, y: few.y }, epochs, batchSize: 20, optimizer: new Adam([{ params: body, lr: 3e-4 }, { params: tuned.layers[7]!.parameters() }], { lr: 3e-3 }), loss: crossEntropy, seed, verbose: false, doctor: false });
  const fineTunedAcc = evaluate(tuned, { x: xTest, y: held.y }).accuracy!;
  log(`full fine-tuning: test accuracy ${(fineTunedAcc * 100).toFixed(1)}%`);
  // (c) the same CNN from scratch
  manualSeed(seed);
  const scratchAcc = train1('from scratch', smallCnn(), 1e-3);

  return {
    example: 'mnist-transfer',
    metrics: { frozenTestAccuracy: frozenAcc, fineTunedTestAccuracy: fineTunedAcc, scratchTestAccuracy: scratchAcc, trainExamples: few.y.shape[0]!, testExamples: held.y.shape[0]! },
    epochs,
    seconds: (performance.now() - t0) / 1000,
    note: `on ${few.y.shape[0]} labelled 5–9 digits: frozen pretrained features ${(frozenAcc * 100).toFixed(1)}%, full fine-tuning ${(fineTunedAcc * 100).toFixed(1)}%, from scratch ${(scratchAcc * 100).toFixed(1)}% test accuracy`,
  };
}
