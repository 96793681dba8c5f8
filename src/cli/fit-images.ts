// `axon fit --images DIR`: a small CNN on an image folder (DIR/<class>/<image>), images resized
// to 28×28 (gray when every image is gray, else RGB), 20% of each class held out for the test,
// compared with logistic regression and gradient-boosted trees on the raw pixels.
import { ImageFolder } from '../data/image-folder.js';
import { resize } from '../data/transforms.js';
import { stratifiedSplit } from '../data/splits.js';
import { fromArray } from '../tensor/creation.js';
import { stack } from '../ops/movement.js';
import type { Tensor } from '../tensor/tensor.js';
import { runBaselines, scoreOutputs } from '../doctor/baselines.js';
import type { Targets } from '../doctor/matrix.js';
import { fit } from '../doctor/public-fit.js';
import { predict } from '../train/fit.js';
import { EarlyStopping } from '../train/callbacks.js';
import { formatFinding } from '../train/finding.js';
import { Conv2d } from '../nn/conv.js';
import { MaxPool2d } from '../nn/pool.js';
import { Flatten, Sequential } from '../nn/layers.js';
import { Linear } from '../nn/linear.js';
import { ReLU } from '../nn/activations.js';
import { Adam } from '../optim/adam.js';
import { save } from '../io/checkpoint.js';
import { EXIT } from './args.js';
import { compare, scoreTable, type Contender } from './compare.js';
import type { ImagePrep } from './predict-images.js';

const SIZE = 28;

export interface FitImagesOptions { dir: string; epochs: number; seed: number; json: boolean; save?: string }

/** Train, test and compare on an image folder; returns the exit code. */
export function fitImages({ dir, epochs, seed, json, save: savePath }: FitImagesOptions): number {
  const say = (line: string): void => { if (!json) console.log(line); };
  const gray = new ImageFolder(dir, { channels: 1, transform: resize(SIZE) });
  const K = gray.classes.length;
  if (K < 2) { console.error(`axon fit: ${dir} has one class folder ('${gray.classes[0]}'); a classifier needs at least two`); return EXIT.failed; }
  const n = gray.length;
  const labels = gray.samples.map(([, k]) => k);
  const { train: tr, test: te } = stratifiedSplit(labels, { testFraction: 0.2, seed });
  const images = (idx: number[]): Tensor => stack(idx.map((i) => gray.get(i)[0])); // (N, 1, 28, 28)
  const ys = (idx: number[]): Int32Array => Int32Array.from(idx, (i) => labels[i]!);
  const xTrain = images(tr), xTest = images(te);
  const yTrain = ys(tr), yTest = ys(te);
  say(`axon fit: ${dir} — ${K} classes (${gray.classes.join(', ')}), ${tr.length} train / ${te.length} test images, resized to ${SIZE}×${SIZE} gray`);
  const model = new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), // (N, 8, 14, 14)
    new Conv2d(8, 16, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), // (N, 16, 7, 7)
    new Flatten(), new Linear(16 * 7 * 7, 64), new ReLU(), new Linear(64, K),
  );
  const stopper = new EarlyStopping({ patience: 5, restoreBestWeights: true });
  const verbose = !json || Boolean((globalThis as { process?: { stderr?: { isTTY?: boolean } } }).process?.stderr?.isTTY);
  const t0 = performance.now();
  const history = fit(model, {
    data: { x: xTrain, y: fromArray(yTrain, [yTrain.length], 'int32') }, validation: 0.15, epochs, batchSize: 32, seed, verbose,
    optimizer: new Adam(model.parameters(), { lr: 1e-3 }), callbacks: [stopper], doctor: { baselines: false },
  });
  const seconds = (performance.now() - t0) / 1000;
  const findings = history.findings ?? [];
  if (!verbose) for (const f of findings) if (f.severity !== 'info') say(formatFinding(f));
  const targets = (y: Int32Array): Targets => ({ task: 'classification', labels: y, classes: K, values: null, oneHot: false });
  const flat = (x: Tensor) => ({ values: x.data(), n: x.shape[0]!, d: x.numel / x.shape[0]! });
  const base = runBaselines(flat(xTrain), targets(yTrain), flat(xTest), targets(yTest));
  const scores: Record<Contender, ReturnType<typeof scoreOutputs>> = { network: scoreOutputs(predict(model, xTest).data(), targets(yTest), te.length), linear: base.linear, gbt: base.gbt };
  const verdict = compare('classification', scores, false, te.length);
  say(`trained ${history.epochs.length} epochs in ${seconds.toFixed(1)} s${history.stoppedEarly ? ` (early stopping kept epoch ${stopper.bestEpoch + 1})` : ''}`);
  say(`test figures (${te.length} images):\n${scoreTable('classification', scores)}`);
  say(verdict.sentence);
  if (savePath) { const prep: ImagePrep = { format: 'axon-fit-images-1', classes: gray.classes, size: SIZE, channels: 1 };
    save(model, savePath, { extra: { prep } });
    say(`saved the model to ${savePath}; predict with: axon predict ${savePath} --images folder`); }
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (json) {
    console.log(JSON.stringify({ images: dir, task: 'classification', classes: gray.classes, rows: { train: tr.length, test: te.length, total: n },
      epochs: history.epochs.length, stoppedEarly: history.stoppedEarly, seconds: Number(seconds.toFixed(2)), findings, test: scores, metric: verdict.metric, winner: verdict.winner, tie: verdict.tie, verdict: verdict.sentence,
      ...(savePath ? { saved: savePath } : {}) }));
  }
  return errors > 0 ? EXIT.failed : EXIT.ok;
}
