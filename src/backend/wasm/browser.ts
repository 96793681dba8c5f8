// Browser start-up of the wasm backend: fetch and compile the kernels asynchronously, then make
// `wasm` the default. (Node loads synchronously on first use and needs no call.) Without
// cross-origin isolation the unshared build runs on the calling thread only.
import type { Backend } from '../backend.js';
import { registerBackend, setBackend } from '../registry.js';
import { loadModuleAsync } from './loader.js';
import { WasmBackend } from './wasm-backend.js';

export async function initWasm(): Promise<Backend> {
  const loaded = await loadModuleAsync();
  registerBackend('wasm', () => new WasmBackend(loaded), { makeDefault: true });
  return setBackend('wasm');
}
