// Node-only facilities the wasm backend uses (reading the .wasm synchronously, worker threads, the
// core count), loaded by dynamic import so that a browser bundle of Axon still loads without them.
type NodeEnv = {
  fs: typeof import('node:fs');
  workerThreads: typeof import('node:worker_threads');
  os: typeof import('node:os');
  v8: typeof import('node:v8');
};

async function loadNode(): Promise<NodeEnv | null> {
  if (typeof process === 'undefined' || process.versions?.node === undefined) return null;
  const [fs, workerThreads, os, v8] = await Promise.all([import('node:fs'), import('node:worker_threads'), import('node:os'), import('node:v8')]);
  return { fs, workerThreads, os, v8 };
}

/** Node's modules, or null in a browser. */
export const nodeEnv: NodeEnv | null = await loadNode();

/** Logical cores available to this process (1 where unknown). */
export function availableCores(): number {
  if (nodeEnv) return nodeEnv.os.availableParallelism?.() ?? nodeEnv.os.cpus().length;
  return typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
export function canBlock(): boolean {
  return nodeEnv !== null && typeof SharedArrayBuffer !== 'undefined';
}
