// TensorFlow.js 4.22 as the peer: the pure-JS `cpu` backend and the `wasm` backend (SIMD), both
// pure npm packages (tfjs-node is not used: it downloads a native binary). tfjs-backend-wasm gets
// the same thread count as Axon, but in Node it reports no multithread support and runs on one
// thread (its threaded build needs browser workers); `threads` records what it actually uses.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradient functions (tfjs-core's Node bundle has none)
import '@tensorflow/tfjs-backend-cpu';
import * as tfw from '@tensorflow/tfjs-backend-wasm';

export type PeerName = 'tfjs-wasm' | 'tfjs-cpu';
export { tf };

export interface PeerInfo { name: PeerName; threads: number }

/** Register both backends; returns what each runs with. */
export async function initPeers(threads: number): Promise<PeerInfo[]> {
  tfw.setThreadsCount(threads);
  await tf.setBackend('wasm');
  await tf.ready();
  const wasmThreads = tfw.getThreadsCount();
  await tf.setBackend('cpu');
  await tf.ready();
  return [{ name: 'tfjs-wasm', threads: wasmThreads }, { name: 'tfjs-cpu', threads: 1 }];
}

/** Switch tfjs to a peer's backend. */
export async function usePeer(p: PeerName): Promise<void> {
  await tf.setBackend(p === 'tfjs-wasm' ? 'wasm' : 'cpu');
  await tf.ready();
}
