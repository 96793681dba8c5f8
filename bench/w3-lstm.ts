// W3: LSTM over sequences of 64 steps × 32 features, hidden 128, 1 layer; the last hidden state
// goes through a dense layer to 10 classes; softmax cross-entropy, Adam lr 1e-3, batch 32 (random
// data: speed does not depend on the values). Figure: training sequences/s (tokens/s = ×64).
// Its GRU variant (row W3-gru-train) is the same model and data with a GRU in place of the LSTM.
// The tfjs side is the same computation in tfjs-core ops, organised the same way (one GEMM for
// the input projections of all steps, then per step one GEMM and the gate math).
import * as ax from '../src/index.js';
import { tf, usePeer, type PeerName } from './peers.js';
import { measure, type TimingOptions } from './timing.js';
import { axonTrainStep, labels, syntheticBatches } from './synthetic.js';

export const W3 = { batch: 32, seq: 64, input: 32, hidden: 128, classes: 10 } as const;
const NBATCH = 4;

function batches(seed: number): { x: Float32Array; y: Int32Array }[] {
  const { batch, seq, input, classes } = W3;
  return syntheticBatches(NBATCH, seed, (rnd) => ({ x: Float32Array.from({ length: batch * seq * input }, () => rnd() * 2 - 1), y: labels(rnd, batch, classes) }));
}

/** The W3 model: LSTM (batchFirst) → last hidden state → Linear(128, 10). */
export class W3Model extends ax.Module {
  lstm = new ax.LSTM(W3.input, W3.hidden, { batchFirst: true });
  head = new ax.Linear(W3.hidden, W3.classes);
  forward(x: ax.Tensor): ax.Tensor {
    const [, [hN]] = this.lstm.forward(x); // (N, T, 32) -> hN (1, N, 128)
    return this.head.forward(hN.squeeze(0)); // (N, 128) -> (N, 10)
  }
}

/** W3's GRU variant: GRU (batchFirst) → last hidden state → Linear(128, 10). */
export class W3GruModel extends ax.Module {
  gru = new ax.GRU(W3.input, W3.hidden, { batchFirst: true });
  head = new ax.Linear(W3.hidden, W3.classes);
  forward(x: ax.Tensor): ax.Tensor {
    const [, hN] = this.gru.forward(x); // (N, T, 32) -> hN (1, N, 128)
    return this.head.forward(hN.squeeze(0)); // (N, 128) -> (N, 10)
  }
}

/** One Axon training step per call (scope, zeroGrad, forward, loss, backward, Adam step), like fit(); `gru`: the GRU variant. */
export function axonW3(gru = false): () => number {
  ax.manualSeed(0);
  const model = gru ? new W3GruModel() : new W3Model();
  const opt = new ax.Adam(model.parameters(), { lr: 1e-3 });
  const { batch, seq, input } = W3;
  const data = batches(1).map(({ x, y }) => ({ x: ax.keep(ax.fromArray(x, [batch, seq, input], 'float32')), y: ax.keep(ax.fromArray(y, [batch], 'int32')) }));
  return axonTrainStep(opt, data, (x, y) => ax.crossEntropy(model.forward(x), y));
}

export function axonW3Train(timing: TimingOptions, gru = false): number {
  const step = axonW3(gru);
  return W3.batch / measure(() => { step(); }, timing).median;
}

/**
 * The same model in tfjs-core ops, PyTorch layout (W_ih (4H, I), W_hh (4H, H), gates i,f,g,o; for
 * the GRU (3H, ·), gates r,z,n).
 */
function tfW3(gru = false): () => void {
  const { batch, seq, input, hidden: H, classes } = W3;
  const G = gru ? 3 : 4;
  const b = 1 / Math.sqrt(H);
  const u = (shape: number[], bound: number): tf.Variable => tf.variable(tf.randomUniform(shape, -bound, bound));
  const wih = u([G * H, input], b), whh = u([G * H, H], b), bih = u([G * H], b), bhh = u([G * H], b);
  const wo = u([classes, H], b), bo = u([classes], b);
  const forwardGru = (x: tf.Tensor3D): tf.Tensor2D => {
    const xt = tf.transpose(x, [1, 0, 2]); // (N, T, I) -> (T, N, I)
    const gi = tf.reshape(tf.add(tf.matMul(tf.reshape(xt, [seq * batch, input]), wih, false, true), bih), [seq, batch, 3 * H]); // (T, N, 3H)
    const steps = tf.unstack(gi, 0); // T × (N, 3H)
    let h: tf.Tensor2D = tf.zeros([batch, H]);
    for (let t = 0; t < seq; t++) {
      const gh = tf.add(tf.matMul(h, whh, false, true), bhh); // (N, 3H)
      const [ir, iz, inn] = tf.split(steps[t]!, 3, 1) as tf.Tensor2D[];
      const [hr, hz, hn] = tf.split(gh, 3, 1) as tf.Tensor2D[];
      const r = tf.sigmoid(tf.add(ir!, hr!)), z = tf.sigmoid(tf.add(iz!, hz!));
      const n = tf.tanh(tf.add(inn!, tf.mul(r, hn!)));
      h = tf.add(n, tf.mul(z, tf.sub(h, n)));
    }
    return tf.add(tf.matMul(h, wo, false, true), bo);
  };
  const forward = (x: tf.Tensor3D): tf.Tensor2D => {
    if (gru) return forwardGru(x);
    const xt = tf.transpose(x, [1, 0, 2]); // (N, T, I) -> (T, N, I)
    const gi = tf.reshape(tf.add(tf.matMul(tf.reshape(xt, [seq * batch, input]), wih, false, true), tf.add(bih, bhh)), [seq, batch, 4 * H]); // (T, N, 4H)
    const steps = tf.unstack(gi, 0); // T × (N, 4H)
    let h: tf.Tensor2D = tf.zeros([batch, H]);
    let c: tf.Tensor2D = tf.zeros([batch, H]);
    for (let t = 0; t < seq; t++) {
      const g = tf.add(steps[t]!, tf.matMul(h, whh, false, true)); // (N, 4H)
      const [ig, fg, gg, og] = tf.split(g, 4, 1) as tf.Tensor2D[];
      c = tf.add(tf.mul(tf.sigmoid(fg!), c), tf.mul(tf.sigmoid(ig!), tf.tanh(gg!)));
      h = tf.mul(tf.sigmoid(og!), tf.tanh(c));
    }
    return tf.add(tf.matMul(h, wo, false, true), bo);
  };
  const opt = tf.train.adam(1e-3);
  const data = batches(1).map(({ x, y }) => ({ x: tf.tensor3d(x, [batch, seq, input]), y: tf.oneHot(tf.tensor1d(y, 'int32'), classes) }));
  let i = 0;
  return () => {
    const { x, y } = data[i++ % NBATCH]!;
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x as tf.Tensor3D)) as tf.Scalar, true)!;
    loss.dataSync();
    loss.dispose();
  };
}

export async function peerW3Train(peer: PeerName, timing: TimingOptions, gru = false): Promise<number> {
  await usePeer(peer);
  const step = tfW3(gru);
  return W3.batch / measure(step, timing).median;
}
