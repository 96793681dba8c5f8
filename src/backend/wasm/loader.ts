// Finds and compiles the kernel module built by `npm run build` (dist/wasm/, next to the compiled
// JS): relaxed SIMD if this engine validates it, else plain SIMD; shared memory when threads are
// possible, an unshared build otherwise. Synchronous in Node (fs), asynchronous in browsers (fetch).
import { AxonError } from '../../errors.js';
import { nodeEnv } from './env.js';

export type Variant = 'relaxed' | 'simd' | 'simd-single';

export interface LoadedModule {
  readonly module: WebAssembly.Module;
  readonly variant: Variant;
  /** Whether the module imports a shared memory (required for worker threads). */
  readonly shared: boolean;
  /** Already instantiated over `memory` (browsers: synchronous instantiation of big modules is not allowed). */
  readonly instance?: { memory: WebAssembly.Memory; instance: WebAssembly.Instance };
}

const MAX_PAGES = 65536; // 4 GiB, the most a 32-bit WebAssembly memory can address

/** The linear memory the kernels import (shared when threads may use it). */
export function newMemory(shared: boolean): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 32, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
}

const FILES: Record<Variant, string> = {
  relaxed: 'axon-relaxed.wasm',
  simd: 'axon-simd.wasm',
  'simd-single': 'axon-simd-single.wasm',
};

function urlOf(v: Variant): URL {
  // dist/src/backend/wasm/loader.js -> dist/wasm/
  return new URL(`../../../wasm/${FILES[v]}`, import.meta.url);
}

/**
 * Compile with the optimizing tier up front in Node: V8 otherwise starts with its baseline
 * compiler (Liftoff) and tiers hot functions up later, so the first few hundred kernel calls
 * run on slower code. The module is small, so compiling it eagerly is cheap.
 */
function compile(b: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  const v8 = nodeEnv?.v8;
  if (!v8) return new WebAssembly.Module(b);
  v8.setFlagsFromString('--no-liftoff');
  try {
    return new WebAssembly.Module(b);
  } finally {
    v8.setFlagsFromString('--liftoff');
  }
}

function pick(bytes: (v: Variant) => Uint8Array<ArrayBuffer>, shared: boolean): LoadedModule {
  const order: Variant[] = shared ? ['relaxed', 'simd'] : ['simd-single'];
  for (const v of order) {
    const b = bytes(v);
    if (WebAssembly.validate(b)) return { module: compile(b), variant: v, shared };
  }
  throw new AxonError('wasm', 'this engine does not support WebAssembly SIMD; use the ts backend (setBackend(\'ts\'))');
}

/** Load synchronously in Node. Throws an AxonError naming the missing file if the build was not run. */
export function loadModuleSync(): LoadedModule {
  if (nodeEnv === null) throw new AxonError('wasm', 'synchronous loading needs Node; in a browser call `await initWasm()` first');
  const read = (v: Variant): Uint8Array<ArrayBuffer> => {
    try {
      return new Uint8Array(nodeEnv!.fs.readFileSync(urlOf(v)));
    } catch {
      throw new AxonError('wasm', `kernel module ${urlOf(v).pathname} is missing; run \`npm run build\` (it compiles assembly/ with AssemblyScript)`);
    }
  };
  return pick(read, typeof SharedArrayBuffer !== 'undefined');
}

/** Load one named variant synchronously in Node (tests use it to exercise the unshared build). */
export function loadVariantSync(v: Variant): LoadedModule {
  if (nodeEnv === null) throw new AxonError('wasm', 'synchronous loading needs Node');
  return { module: compile(new Uint8Array(nodeEnv.fs.readFileSync(urlOf(v)))), variant: v, shared: v !== 'simd-single' };
}

/**
 * Load with fetch, compile and instantiate asynchronously (browsers forbid doing it synchronously
 * on the main thread for modules this size). Shared memory only when cross-origin isolated.
 */
export async function loadModuleAsync(): Promise<LoadedModule> {
  const shared = typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const variants: Variant[] = shared ? ['relaxed', 'simd'] : ['simd-single'];
  for (const variant of variants) {
    const bytes = new Uint8Array(await (await fetch(urlOf(variant))).arrayBuffer());
    if (!WebAssembly.validate(bytes)) continue;
    const module = await WebAssembly.compile(bytes);
    const memory = newMemory(shared);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    return { module, variant, shared, instance: { memory, instance } };
  }
  throw new AxonError('wasm', 'this engine does not support WebAssembly SIMD; use the ts backend (setBackend(\'ts\'))');
}
