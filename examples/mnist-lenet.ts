// Handwritten digits with LeNet-5: 1×28×28 → conv 6@5×5 pad 2 → ReLU → maxpool 2
// → conv 16@5×5 → ReLU → maxpool 2 → dense 120 → ReLU → dense 84 → ReLU → dense 10; softmax
// cross-entropy, Adam lr 1e-3, batch 64, on the `mnist` package's fixed 8,000/2,000 split.
// The recipe, as a practitioner would set it up for only 8,000 training digits: inputs
// standardized with MNIST's mean/std (0.1307/0.3081), random shifts of ±2 pixels on training
// batches (never on test data), Adam at lr 2e-3 with a cosine decay to 0 over the run.
import {
  EarlyStopping, Adam, Conv2d, CosineAnnealingLR, Flatten, Generator, LRSchedulerCallback, Linear, MaxPool2d, ReLU, Sequential,
  crossEntropy, div, evaluate, fit, loadMnist, manualSeed, randomShift, reshape, sub, type Module, type Tensor,
} from '../src/index.js';
import { fitReport, type ExampleOptions, type ExampleResult } from './example.js';

/** The LeNet-5 network. Shape: (N, 1, 28, 28) → (N, 10) logits. */
export function leNet5(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), // (N, 1, 28, 28) -> (N, 6, 28, 28)
    new MaxPool2d(2), // (N, 6, 28, 28) -> (N, 6, 14, 14)
    new Conv2d(6, 16, 5), new ReLU(), // (N, 6, 14, 14) -> (N, 16, 10, 10)
    new MaxPool2d(2), // (N, 16, 10, 10) -> (N, 16, 5, 5)
    new Flatten(), // (N, 16, 5, 5) -> (N, 400)
    new Linear(400, 120), new ReLU(), // (N, 400) -> (N, 120)
    new Linear(120, 84), new ReLU(), // (N, 120) -> (N, 84)
    new Linear(84, 10), // (N, 84) -> (N, 10) logits
  );
}

export interface MnistCnnRecipe {
  /** The network, built after the seed is set. Shape: (N, 1, 28, 28) → (N, 10) logits. */
  model: () => Module;
  /** Adam's learning rate (cosine-decayed to 0 over the run). */
  lr: number;
  /** The training-batch augmentation, drawing from `g`; `fill` is the standardized background (black). */
  augment: (g: Generator, fill: number) => (x: Tensor) => Tensor;
}

/**
 * The MNIST CNN recipe both LeNet examples share: the 8,000/2,000 split with inputs standardized by
 * MNIST's mean/std, a 5% stratified hold-out, Adam with cosine decay, batch 64, the augmentation
 * on training batches only, early stopping on the validation loss (best weights kept); scored on
 * the test digits.
 */
export async function trainMnistCnn(example: string, recipe: MnistCnnRecipe, { epochs, seed, verbose, doctor, dashboard, lr }: Required<Omit<ExampleOptions, 'dashboard' | 'lr'>> & Pick<ExampleOptions, 'dashboard' | 'lr'>): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const { train, test } = await loadMnist({ seed }); // x (8000, 784) in [0, 1], y (8000) int32
  const [mean, std] = [0.1307, 0.3081]; // MNIST pixel statistics: standardized inputs train faster with Adam
  const images = (x: Tensor): Tensor => div(sub(reshape(x, [x.shape[0]!, 1, 28, 28]), mean), std); // (N, 784) -> (N, 1, 28, 28)
  const model = recipe.model();
  const optimizer = new Adam(model.parameters(), { lr: lr ?? recipe.lr });
  const augment = recipe.augment(new Generator(seed + 1), -mean / std); // (N, 1, 28, 28) -> same
  const history = fit(model, {
    data: { x: images(train.x), y: train.y },
    validation: 0.05, // 400 digits held out (stratified, after a seeded shuffle) to watch overfitting
    epochs,
    batchSize: 64,
    optimizer,
    loss: crossEntropy,
    augment,
    // The cosine schedule ends at epoch 12, where the validation loss turns (the doctor's
    // overfitting check named it on longer runs); early stopping keeps the best epoch's weights
    // should it turn sooner.
    callbacks: [new LRSchedulerCallback(new CosineAnnealingLR(optimizer, { tMax: epochs })), new EarlyStopping({ patience: 4, restoreBestWeights: true })],
    seed,
    verbose,
    doctor,
    dashboard,
  });
  const r = evaluate(model, { x: images(test.x), y: test.y });
  const last = history.epochs.at(-1);
  return fitReport(example, { testAccuracy: r.accuracy!, testLoss: r.loss, trainLoss: last?.loss ?? NaN, valAccuracy: last?.valAccuracy ?? NaN }, history, t0);
}

export async function run({ epochs = 12, seed = 0, verbose = true, doctor = true, dashboard, lr }: ExampleOptions = {}): Promise<ExampleResult> {
  return trainMnistCnn('mnist-lenet', {
    model: leNet5,
    lr: 2e-3,
    augment: (g, fill) => (x) => randomShift(x, { maxShift: 2, fill, generator: g }), // ±2 px shifts
  }, { epochs, seed, verbose, doctor, dashboard, lr });
}
