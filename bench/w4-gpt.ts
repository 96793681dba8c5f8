// W4: GPT-style decoder, char LM: vocab 96, context 64, d_model 128, 4 heads, 2 pre-LN blocks, MLP
// 4× GELU, AdamW, batch 16 (random tokens: speed does not depend on the values). Figure: training
// tokens/s. The tfjs side is the same model in tfjs-core ops (tied embeddings, fused q/k/v GEMM,
// causal softmax attention, exact GELU built as 0.5·x·(1 + erf(x/√2)) from tf.erf; tfjs has no AdamW,
// so its side runs Adam, one elementwise op per weight cheaper).
import * as ax from '../src/index.js';
import { tf, usePeer, type PeerName } from './peers.js';
import { measure, type TimingOptions } from './timing.js';
import { axonTrainStep, labels, syntheticBatches } from './synthetic.js';

export const W4 = { vocab: 96, context: 64, width: 128, heads: 4, layers: 2, batch: 16 } as const;
const NBATCH = 4;

function batches(seed: number): { x: Int32Array; y: Int32Array }[] {
  const n = W4.batch * W4.context;
  return syntheticBatches(NBATCH, seed, (rnd) => ({ x: labels(rnd, n, W4.vocab), y: labels(rnd, n, W4.vocab) }));
}

/** One Axon training step per call (scope, zeroGrad, forward, loss, backward, AdamW step). */
export function axonW4(): () => number {
  ax.manualSeed(0);
  const model = new ax.GPT({ vocabSize: W4.vocab, contextLength: W4.context, nLayer: W4.layers, nHead: W4.heads, nEmbd: W4.width });
  const opt = new ax.AdamW(model.parameters(), { lr: 1e-3 });
  const data = batches(1).map(({ x, y }) => ({ x: ax.keep(ax.fromArray(x, [W4.batch, W4.context], 'int32')), y: ax.keep(ax.fromArray(y, [W4.batch, W4.context], 'int32')) }));
  return axonTrainStep(opt, data, (x, y) => model.loss(x, y));
}

export function axonW4Train(timing: TimingOptions): number {
  const step = axonW4();
  return (W4.batch * W4.context) / measure(() => { step(); }, timing).median;
}

/** The same model in tfjs-core ops (nanoGPT's math, PyTorch layouts). */
function tfW4(): () => void {
  const { vocab: V, context: T, width: C, heads: H, layers: L, batch: B } = W4;
  const hs = C / H;
  const n = (shape: number[], std = 0.02): tf.Variable => tf.variable(tf.randomNormal(shape, 0, std));
  const z = (shape: number[]): tf.Variable => tf.variable(tf.zeros(shape));
  const o = (shape: number[]): tf.Variable => tf.variable(tf.ones(shape));
  const wte = n([V, C]), wpe = n([T, C]);
  const blocks = Array.from({ length: L }, () => ({
    ln1g: o([C]), ln1b: z([C]), wqkv: n([3 * C, C]), bqkv: z([3 * C]), wo: n([C, C]), bo: z([C]),
    ln2g: o([C]), ln2b: z([C]), w1: n([4 * C, C]), b1: z([4 * C]), w2: n([C, 4 * C]), b2: z([C]),
  }));
  const lnfg = o([C]), lnfb = z([C]);
  const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0); // (T, T) lower triangle of ones
  const negInf = tf.mul(tf.sub(1, causal), -1e9);
  const ln = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  };
  const lin = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor => {
    const s = x.shape;
    return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [-1, s[s.length - 1]!]), w, false, true), b), [...s.slice(0, -1), w.shape[0]!]);
  };
  const gelu = (x: tf.Tensor): tf.Tensor => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  const forward = (x: tf.Tensor2D): tf.Tensor2D => {
    // One-hot GEMM instead of tf.gather: tfjs-wasm has no UnsortedSegmentSum kernel for gather's gradient.
    let h = tf.add(tf.reshape(tf.matMul(tf.oneHot(tf.reshape(x, [-1]), V), wte), [B, T, C]), wpe); // (B, T, C)
    for (const k of blocks) {
      const qkv = lin(ln(h, k.ln1g, k.ln1b), k.wqkv, k.bqkv); // (B, T, 3C)
      const [q, kk, v] = tf.split(qkv, 3, 2).map((t) => tf.transpose(tf.reshape(t, [B, T, H, hs]), [0, 2, 1, 3])); // (B, H, T, hs)
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(q!, kk!, false, true), 1 / Math.sqrt(hs)), negInf)); // (B, H, T, T)
      const y = tf.reshape(tf.transpose(tf.matMul(att, v!), [0, 2, 1, 3]), [B, T, C]);
      h = tf.add(h, lin(y, k.wo, k.bo));
      h = tf.add(h, lin(gelu(lin(ln(h, k.ln2g, k.ln2b), k.w1, k.b1)), k.w2, k.b2));
    }
    return tf.matMul(tf.reshape(ln(h, lnfg, lnfb), [B * T, C]), wte, false, true); // (B·T, V), tied head
  };
  const opt = tf.train.adam(1e-3); // tfjs has no AdamW; the decoupled decay is one extra elementwise op per weight
  const data = batches(1).map(({ x, y }) => ({ x: tf.tensor2d(x, [B, T], 'int32'), y: tf.oneHot(tf.tensor1d(y, 'int32'), V) }));
  let i = 0;
  return () => {
    const { x, y } = data[i++ % NBATCH]!;
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x as tf.Tensor2D)) as tf.Scalar, true)!;
    loss.dataSync();
    loss.dispose();
  };
}

export async function peerW4Train(peer: PeerName, timing: TimingOptions): Promise<number> {
  await usePeer(peer);
  const step = tfW4();
  return (W4.batch * W4.context) / measure(step, timing).median;
}
