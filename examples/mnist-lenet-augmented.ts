// LeNet-5 with BatchNorm and composed image transforms on the 8,000/2,000 MNIST split: a small
// variant of mnist-lenet that shows the pieces working together. Each training batch (never a
// test batch) is shifted by up to ±2 pixels, rotated by up to ±10° and given a little Gaussian
// noise, all drawn from one seeded generator; BatchNorm2d after each convolution lets Adam use a
// higher learning rate (3e-3, cosine-decayed).
import {
  Adam, BatchNorm2d, Conv2d, CosineAnnealingLR, Flatten, Generator, LRSchedulerCallback, Linear, MaxPool2d, ReLU, Sequential,
  crossEntropy, div, evaluate, fit, loadMnist, manualSeed, reshape, sub, transforms as T,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

export async function run({ epochs = 15, seed = 0, verbose = true }: ExampleOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const { train, test } = await loadMnist({ seed }); // x (8000, 784) in [0, 1], y (8000) int32
  const [mean, std] = [0.1307, 0.3081];
  const images = (x: typeof train.x) => div(sub(reshape(x, [x.shape[0]!, 1, 28, 28]), mean), std); // (N, 784) -> (N, 1, 28, 28)
  const model = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2), // (N, 1, 28, 28) -> (N, 6, 14, 14)
    new Conv2d(6, 16, 5), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2), // (N, 6, 14, 14) -> (N, 16, 5, 5)
    new Flatten(), // (N, 16, 5, 5) -> (N, 400)
    new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10), // (N, 400) -> (N, 10)
  );
  const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
  const g = new Generator(seed + 1);
  const background = -mean / std;
  const augment = T.compose(
    T.randomShift({ maxShift: 2, fill: background, generator: g }),
    T.randomRotation({ degrees: 10, fill: background, generator: g }),
    T.gaussianNoise({ std: 0.1, generator: g }),
  ); // (N, 1, 28, 28) -> same
  const history = fit(model, {
    data: { x: images(train.x), y: train.y },
    validation: 0.05,
    epochs,
    batchSize: 64,
    optimizer,
    loss: crossEntropy,
    augment,
    callbacks: [new LRSchedulerCallback(new CosineAnnealingLR(optimizer, { tMax: epochs }))],
    seed,
    verbose,
  });
  const r = evaluate(model, { x: images(test.x), y: test.y });
  const last = history.epochs.at(-1);
  return {
    example: 'mnist-lenet-augmented',
    metrics: { testAccuracy: r.accuracy!, testLoss: r.loss, trainLoss: last?.loss ?? NaN, valAccuracy: last?.valAccuracy ?? NaN },
    epochs: history.epochs.length,
    seconds: (performance.now() - t0) / 1000,
    doctorMs: history.doctorMs,
    findings: history.findings,
  };
}
