// W0: square GEMM C = A·B, n = 128, 256, 512, 1024, in GFLOP/s = 2n³/t.
import * as ax from '../src/index.js';
import { tf, usePeer, type PeerName } from './peers.js';
import { measure, type TimingOptions } from './timing.js';

export const W0_SIZES = [128, 256, 512, 1024];

const gflops = (n: number, t: number): number => (2 * n ** 3) / t / 1e9;

export function axonGemm(n: number, timing: TimingOptions): number {
  const a = ax.keep(ax.randn([n, n]));
  const b = ax.keep(ax.randn([n, n]));
  const t = measure(() => ax.scope(() => { ax.matmul(a, b); }), timing);
  ax.unkeep(a);
  ax.unkeep(b);
  return gflops(n, t.median);
}

export async function peerGemm(peer: PeerName, n: number, timing: TimingOptions): Promise<number> {
  await usePeer(peer);
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  // dataSync waits for the result, as Axon's synchronous matmul does.
  const t = measure(() => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }, timing);
  a.dispose();
  b.dispose();
  return gflops(n, t.median);
}
