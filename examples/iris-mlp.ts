// Iris flowers (150 samples, 4 measurements, 3 species) with a small MLP: stratified split,
// standardization fitted on the training part only, Adam, cross-entropy.
import { Adam, Linear, ReLU, Sequential, StandardScaler, evaluate, fit, fromArray, indexSelect, loadIris, manualSeed, stratifiedSplit } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { fitReport, type ExampleOptions, type ExampleResult } from './example.js';

export async function run({ epochs = 60, seed = 0, verbose = true, doctor = true, dashboard, lr = 0.01 }: ExampleOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const iris = await loadIris({ seed });
  const { train, test } = stratifiedSplit(iris.y, { testFraction: 0.2, seed }); // 120 / 30, class balance kept
  const pick = (t: Tensor, idx: number[]): Tensor => indexSelect(t, 0, fromArray(idx, [idx.length], 'int32'));
  const scaler = new StandardScaler().fit(pick(iris.x, train)); // statistics from train only: no leakage
  const xTrain = scaler.transform(pick(iris.x, train)); // (120, 4)
  const xTest = scaler.transform(pick(iris.x, test)); // (30, 4)
  const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3)); // 4-16-3
  const optimizer = new Adam(model.parameters(), { lr });
  const history = fit(model, { data: { x: xTrain, y: pick(iris.y, train) }, validation: 0.15, epochs, batchSize: 16, optimizer, seed, verbose, doctor, dashboard });
  const r = evaluate(model, { x: xTest, y: pick(iris.y, test) });
  return fitReport('iris-mlp', { testAccuracy: r.accuracy!, testLoss: r.loss }, history, t0);
}
