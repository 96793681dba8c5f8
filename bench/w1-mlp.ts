// W1: MLP 784-256-128-10 with ReLU, softmax cross-entropy, Adam lr 1e-3, batch 64 on MNIST-shaped
// data (uniform pixels, random labels: speed does not depend on the values). Figures: training
// samples/s, and batch-1 inference latency in µs (forward pass + reading the 10 logits back).
import * as ax from '../src/index.js';
import { tf, usePeer, type PeerName } from './peers.js';
import { measure, type TimingOptions } from './timing.js';
import { axonTrainStep, labels, syntheticBatches } from './synthetic.js';

export const BATCH = 64;
const SIZES = [784, 256, 128, 10];
const NBATCH = 8;

function batches(seed: number): { x: Float32Array; y: Int32Array }[] {
  return syntheticBatches(NBATCH, seed, (rnd) => ({ x: Float32Array.from({ length: BATCH * 784 }, rnd), y: labels(rnd, BATCH, 10) }));
}

/** An Axon W1 trainer: the same loop body as fit() (scope, zeroGrad, forward, loss, backward, step). */
export function axonW1(): { step: () => number; infer: () => void } {
  ax.manualSeed(0);
  const model = new ax.Sequential(new ax.Linear(784, 256), new ax.ReLU(), new ax.Linear(256, 128), new ax.ReLU(), new ax.Linear(128, 10));
  const opt = new ax.Adam(model.parameters(), { lr: 1e-3 });
  const data = batches(1).map(({ x, y }) => ({ x: ax.keep(ax.fromArray(x, [BATCH, 784], 'float32')), y: ax.keep(ax.fromArray(y, [BATCH], 'int32')) }));
  const x1 = ax.keep(ax.fromArray(data[0]!.x.data().slice(0, 784), [1, 784], 'float32'));
  const step = axonTrainStep(opt, data, (x, y) => ax.crossEntropy(model.forward(x), y));
  const infer = (): void => ax.noGrad(() => ax.scope(() => { model.forward(x1).data(); }));
  return { step, infer };
}

export function axonTrain(timing: TimingOptions): number {
  const { step } = axonW1();
  return BATCH / measure(() => { step(); }, timing).median;
}

export function axonInfer(timing: TimingOptions): number {
  const { infer } = axonW1();
  return measure(infer, { ...timing, minSteps: 2000 }).median * 1e6;
}

/** The same model in tfjs-core ops (Linear weights as (out, in), like Axon and PyTorch). */
function tfW1(): { step: () => void; infer: () => void } {
  const params: tf.Variable[] = [];
  for (let l = 0; l + 1 < SIZES.length; l++) {
    const [fin, fout] = [SIZES[l]!, SIZES[l + 1]!];
    const bound = 1 / Math.sqrt(fin);
    params.push(tf.variable(tf.randomUniform([fout, fin], -bound, bound)), tf.variable(tf.randomUniform([fout], -bound, bound)));
  }
  const forward = (x: tf.Tensor2D): tf.Tensor2D => {
    let h = x;
    for (let l = 0; l < 3; l++) {
      h = tf.add(tf.matMul(h, params[2 * l]! as tf.Tensor2D, false, true), params[2 * l + 1]!);
      if (l < 2) h = tf.relu(h);
    }
    return h;
  };
  const opt = tf.train.adam(1e-3);
  const data = batches(1).map(({ x, y }) => ({ x: tf.tensor2d(x, [BATCH, 784]), y: tf.oneHot(tf.tensor1d(y, 'int32'), 10) }));
  const x1 = tf.tensor2d(data[0]!.x.dataSync().slice(0, 784), [1, 784]);
  let i = 0;
  const step = (): void => {
    const { x, y } = data[i++ % NBATCH]!;
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x as tf.Tensor2D)) as tf.Scalar, true)!;
    loss.dataSync();
    loss.dispose();
  };
  const infer = (): void => { const out = tf.tidy(() => forward(x1)); out.dataSync(); out.dispose(); };
  return { step, infer };
}

export async function peerTrain(peer: PeerName, timing: TimingOptions): Promise<number> {
  await usePeer(peer);
  const { step } = tfW1();
  return BATCH / measure(step, timing).median;
}

export async function peerInfer(peer: PeerName, timing: TimingOptions): Promise<number> {
  await usePeer(peer);
  const { infer } = tfW1();
  return measure(infer, { ...timing, minSteps: 200 }).median * 1e6;
}
