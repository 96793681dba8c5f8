// Starting the wasm backend where it must load asynchronously (a browser: fetch and compile the
// kernels, then make `wasm` the default; Node loads synchronously on first use and needs no
// call), and what its threads are doing. Without cross-origin isolation the unshared build runs
// on the calling thread only, and says so once.
import type { Backend } from '../backend.js';
import { getBackend, registerBackend, setBackend } from '../registry.js';
import { platform } from '../../platform/current.js';
import { loadModuleAsync } from './loader.js';
import { getNumThreads } from './threads.js';
import { WasmBackend } from './wasm-backend.js';

/**
 * Load the wasm kernels asynchronously and make `wasm` the active backend. The browser bundle
 * calls it when imported; call it yourself only after `setAssetUrl`.
 */
export async function initWasm(): Promise<Backend> {
  const loaded = await loadModuleAsync();
  if (!loaded.shared && platform.name === 'browser') {
    platform.notice('axon: this page is not cross-origin isolated (it needs the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so wasm kernels run on 1 thread');
  }
  registerBackend('wasm', () => new WasmBackend(loaded), { makeDefault: true });
  return setBackend('wasm');
}

/** What the wasm backend's threads are doing. */
export interface ThreadStatus {
  /** Threads kernels may use, the calling thread included (getNumThreads()). */
  requested: number;
  /** Worker threads started and ready, plus the calling thread. */
  running: number;
  /** Whether the kernels' memory is shared (false: one thread only, e.g. a page that is not cross-origin isolated). */
  sharedMemory: boolean;
  /** The kernel build in use ('relaxed', 'simd' or 'simd-single'), or null when the active backend is not wasm. */
  variant: string | null;
}

function wasmBackend(): WasmBackend | null {
  const b = getBackend();
  return b instanceof WasmBackend ? b : null;
}

/** The active wasm backend's thread count and the workers really running. */
export function threadStatus(): ThreadStatus {
  const b = wasmBackend();
  return { requested: getNumThreads(), running: 1 + (b?.liveWorkers() ?? 0), sharedMemory: typeof SharedArrayBuffer !== 'undefined' && b?.wasmMemory.buffer instanceof SharedArrayBuffer, variant: b?.variant ?? null };
}

/**
 * Start the worker threads now instead of at the first big kernel, without blocking (workers in a
 * browser start only while the page's thread is free); resolves with the threads running.
 */
export async function startThreads(timeoutMs = 10000): Promise<number> {
  return (await wasmBackend()?.warmUpAsync(timeoutMs)) ?? 1;
}
