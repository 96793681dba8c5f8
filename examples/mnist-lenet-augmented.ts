// LeNet-5 with BatchNorm and composed image transforms on the 8,000/2,000 MNIST split: a small
// variant of mnist-lenet that shows the pieces working together. Each training batch (never a
// test batch) is shifted by up to ±2 pixels, rotated by up to ±10° and given a little Gaussian
// noise, all drawn from one seeded generator; BatchNorm2d after each convolution lets Adam use a
// higher learning rate (3e-3, cosine-decayed).
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, transforms as T } from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';
import { trainMnistCnn } from './mnist-lenet.js';

export async function run({ epochs = 15, seed = 0, verbose = true, doctor = true, dashboard, lr }: ExampleOptions = {}): Promise<ExampleResult> {
  return trainMnistCnn('mnist-lenet-augmented', {
    model: () => new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2), // (N, 1, 28, 28) -> (N, 6, 14, 14)
      new Conv2d(6, 16, 5), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2), // (N, 6, 14, 14) -> (N, 16, 5, 5)
      new Flatten(), // (N, 16, 5, 5) -> (N, 400)
      new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10), // (N, 400) -> (N, 10)
    ),
    lr: 3e-3,
    augment: (g, fill) => T.compose(
      T.randomShift({ maxShift: 2, fill, generator: g }),
      T.randomRotation({ degrees: 10, fill, generator: g }),
      T.gaussianNoise({ std: 0.1, generator: g }),
    ), // (N, 1, 28, 28) -> same
  }, { epochs, seed, verbose, doctor, dashboard, lr });
}
