// Finds and compiles the kernel module built by `npm run build` (dist/wasm/ in Node, beside the
// bundle in a browser): relaxed SIMD if this engine validates it (Node 20 after switching on its
// flag, see platform.enableRelaxedSimd), else plain SIMD; shared memory
// when threads are possible, an unshared build otherwise. Synchronous in Node, asynchronous
// (fetch) in browsers.
import { AxonError } from '../../errors.js';
import { platform } from '../../platform/current.js';

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

/** The builds to try, best first: relaxed SIMD (fused multiply-add) only when the platform allows it. */
function variants(shared: boolean): Variant[] {
  if (!shared) return ['simd-single'];
  return platform.enableRelaxedSimd() ? ['relaxed', 'simd'] : ['simd'];
}

function pick(bytes: (v: Variant) => Uint8Array<ArrayBuffer>, shared: boolean): LoadedModule {
  const order = variants(shared);
  for (const v of order) {
    const b = bytes(v);
    if (WebAssembly.validate(b)) return { module: platform.compileWasm(b), variant: v, shared };
  }
  throw new AxonError('wasm', 'this engine does not support WebAssembly SIMD; use the ts backend (setBackend(\'ts\'))');
}

function readSync(v: Variant): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer> | null;
  try {
    bytes = platform.wasmBytesSync(FILES[v]);
  } catch {
    throw new AxonError('wasm', `kernel module ${platform.wasmUrl(FILES[v]).pathname} is missing; run \`npm run build\` (it compiles assembly/ with AssemblyScript)`);
  }
  if (bytes === null) throw new AxonError('wasm', 'the kernel module loads asynchronously in a browser: `await initWasm()` first (the axon.js bundle does it when imported)');
  return bytes;
}

/** Load synchronously in Node. Throws an AxonError naming the missing file if the build was not run. */
export function loadModuleSync(): LoadedModule {
  return pick(readSync, platform.sharedMemory());
}

/** Load one named variant synchronously in Node (tests use it to exercise the unshared build). */
export function loadVariantSync(v: Variant): LoadedModule {
  if (v === 'relaxed') platform.enableRelaxedSimd();
  return { module: platform.compileWasm(readSync(v)), variant: v, shared: v !== 'simd-single' };
}

/**
 * Load with fetch, compile and instantiate asynchronously (browsers forbid doing it synchronously
 * on the main thread for modules this size). Shared memory only when cross-origin isolated.
 */
export async function loadModuleAsync(): Promise<LoadedModule> {
  const shared = platform.sharedMemory();
  for (const variant of variants(shared)) {
    const bytes = await platform.readBytes('initWasm', platform.wasmUrl(FILES[variant]));
    if (!WebAssembly.validate(bytes)) continue;
    const module = await WebAssembly.compile(bytes);
    const memory = newMemory(shared);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    return { module, variant, shared, instance: { memory, instance } };
  }
  throw new AxonError('wasm', 'this engine does not support WebAssembly SIMD; use the ts backend (setBackend(\'ts\'))');
}
