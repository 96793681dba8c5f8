// W2: LeNet-5 training (1×28×28 → conv 6@5×5 pad 2 → ReLU → maxpool 2 → conv 16@5×5 → ReLU →
// maxpool 2 → dense 120 → ReLU → dense 84 → ReLU → dense 10; softmax cross-entropy; Adam lr 1e-3;
// batch 64) on MNIST-shaped data. Figure: training samples/s. The peer builds the same net from
// tfjs-core ops (NHWC, its native layout; same parameter count and FLOPs).
import * as ax from '../src/index.js';
import { leNet5 } from '../examples/mnist-lenet.js';
import { tf, usePeer, type PeerName } from './peers.js';
import { measure, type TimingOptions } from './timing.js';
import { axonTrainStep, labels, syntheticBatches } from './synthetic.js';

const BATCH = 64;
const NBATCH = 8;

function batches(seed: number): { x: Float32Array; y: Int32Array }[] {
  return syntheticBatches(NBATCH, seed, (rnd) => ({ x: Float32Array.from({ length: BATCH * 784 }, rnd), y: labels(rnd, BATCH, 10) }));
}

/** One Axon training step per call: the example's LeNet-5, the same loop body as fit() (scope, zeroGrad, forward, loss, backward, step). */
export function axonW2(): () => number {
  ax.manualSeed(0);
  const model = leNet5();
  const opt = new ax.Adam(model.parameters(), { lr: 1e-3 });
  const data = batches(1).map(({ x, y }) => ({ x: ax.keep(ax.fromArray(x, [BATCH, 1, 28, 28], 'float32')), y: ax.keep(ax.fromArray(y, [BATCH], 'int32')) }));
  return axonTrainStep(opt, data, (x, y) => ax.crossEntropy(model.forward(x), y));
}

export function axonW2Train(timing: TimingOptions): number {
  const step = axonW2();
  return BATCH / measure(() => { step(); }, timing).median;
}

/**
 * tfjs: the same network from tfjs-core ops, trained with tf.train.adam. Undefined when the peer
 * can not train it (tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter/Input kernels).
 */
export async function peerW2Train(peer: PeerName, timing: TimingOptions): Promise<number | undefined> {
  try {
    return await peerW2(peer, timing);
  } catch (e) {
    process.stderr.write(`W2: ${peer} can not train LeNet-5: ${(e as Error).message}\n`);
    return undefined;
  }
}

async function peerW2(peer: PeerName, timing: TimingOptions): Promise<number> {
  await usePeer(peer);
  const u = (shape: number[], fanIn: number): tf.Variable => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const [c1w, c1b, c2w, c2b] = [u([5, 5, 1, 6], 25), u([6], 25), u([5, 5, 6, 16], 150), u([16], 150)];
  const [f1w, f1b, f2w, f2b, f3w, f3b] = [u([400, 120], 400), u([120], 400), u([120, 84], 120), u([84], 120), u([84, 10], 84), u([10], 84)];
  const forward = (x: tf.Tensor4D): tf.Tensor2D => {
    let h = tf.relu(tf.add(tf.conv2d(x, c1w as tf.Tensor4D, 1, [[0, 0], [2, 2], [2, 2], [0, 0]]), c1b)) as tf.Tensor4D; // (N, 28, 28, 6)
    h = tf.maxPool(h, 2, 2, 'valid'); // (N, 14, 14, 6)
    h = tf.relu(tf.add(tf.conv2d(h, c2w as tf.Tensor4D, 1, 'valid'), c2b)) as tf.Tensor4D; // (N, 10, 10, 16)
    h = tf.maxPool(h, 2, 2, 'valid'); // (N, 5, 5, 16)
    let f = tf.reshape(h, [-1, 400]) as tf.Tensor2D; // (N, 400)
    f = tf.relu(tf.add(tf.matMul(f, f1w as tf.Tensor2D), f1b)) as tf.Tensor2D; // (N, 120)
    f = tf.relu(tf.add(tf.matMul(f, f2w as tf.Tensor2D), f2b)) as tf.Tensor2D; // (N, 84)
    return tf.add(tf.matMul(f, f3w as tf.Tensor2D), f3b); // (N, 10)
  };
  const opt = tf.train.adam(1e-3);
  const data = batches(1).map(({ x, y }) => ({ x: tf.tensor4d(x, [BATCH, 28, 28, 1]), y: tf.oneHot(tf.tensor1d(y, 'int32'), 10) }));
  let i = 0;
  const step = (): void => {
    const { x, y } = data[i++ % NBATCH]!;
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x as tf.Tensor4D)) as tf.Scalar, true)!;
    loss.dataSync();
    loss.dispose();
  };
  return BATCH / measure(step, timing).median;
}
