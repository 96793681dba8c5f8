// The registry of backends and the choice of the active one (`setBackend`), apart from the Backend
// interface: the only file of backend/ that knows the concrete backends. Most backends start
// synchronously; `webgpu` needs an adapter and a device first, so `setBackend('webgpu')` returns a
// Promise (await works on every backend's result: awaiting a Backend gives it back).
import { AxonError } from '../errors.js';
import type { Backend } from './backend.js';
import { TsBackend } from './ts/ts-backend.js';
import { WasmBackend } from './wasm/wasm-backend.js';
import { platform } from '../platform/current.js';

const registry = new Map<string, () => Backend>([
  ['ts', () => new TsBackend()],
  ['wasm', () => new WasmBackend()],
]);
/** Backends that start asynchronously (they need a device): constructed by setBackend. */
const asyncRegistry = new Map<string, () => Promise<Backend>>([
  ['webgpu', async () => {
    const { createWebGPUBackend } = await import('./webgpu/webgpu-backend.js');
    return createWebGPUBackend(() => platform.gpu(), platform.name === 'node');
  }],
]);
const starting = new Map<string, Promise<Backend>>();
const instances = new Map<string, Backend>();
let active: Backend | null = null;
/** null: `wasm` where it loads (Node with the built kernels), else `ts`. */
let defaultName: string | null = null;

function defaultBackend(): Backend {
  if (defaultName !== null) return getBackend(defaultName);
  try {
    return getBackend('wasm');
  } catch {
    return getBackend('ts');
  }
}

/** Make a backend available under `name` (constructed lazily on first use). */
export function registerBackend(name: string, factory: () => Backend, { makeDefault = false } = {}): void {
  registry.set(name, factory);
  if (makeDefault) defaultName = name;
}

function names(): string[] {
  return [...registry.keys(), ...asyncRegistry.keys()];
}

export function getBackend(name?: string): Backend {
  if (name === undefined) {
    if (active === null) active = defaultBackend();
    return active;
  }
  let b = instances.get(name);
  if (b === undefined) {
    const f = registry.get(name);
    if (f === undefined) {
      if (asyncRegistry.has(name)) {
        throw new AxonError('getBackend', `the ${name} backend starts asynchronously: call await setBackend('${name}') (or await startBackend('${name}')) first`);
      }
      throw new AxonError('setBackend', `unknown backend '${name}'; available: ${names().join(', ')}`);
    }
    b = f();
    instances.set(name, b);
  }
  return b;
}

/**
 * Start a backend that needs asynchronous set-up (webgpu: an adapter and a device) without making
 * it the active one; resolves with it (at once for the others). Rejects with the reason there is
 * none and how to get one.
 */
export function startBackend(name: string): Promise<Backend> {
  const ready = instances.get(name);
  if (ready !== undefined || !asyncRegistry.has(name)) return Promise.resolve(ready ?? getBackend(name));
  let p = starting.get(name);
  if (p === undefined) {
    p = asyncRegistry.get(name)!().then((b) => {
      instances.set(name, b);
      return b;
    }).finally(() => starting.delete(name));
    starting.set(name, p);
  }
  return p;
}

/**
 * Switch the backend new tensors are created on. Tensors already made stay where they are.
 * `webgpu` starts asynchronously: `await setBackend('webgpu')` (it becomes active once its device
 * is ready; the Promise rejects, saying why, where there is no WebGPU).
 */
export function setBackend(name: 'webgpu'): Promise<Backend>;
export function setBackend(name: 'ts' | 'wasm'): Backend;
export function setBackend(name: string): Backend | Promise<Backend>;
export function setBackend(name: string): Backend | Promise<Backend> {
  if (asyncRegistry.has(name) && !registry.has(name)) {
    return startBackend(name).then((b) => { active = b; return b; });
  }
  active = getBackend(name);
  return active;
}

/**
 * Shut a backend down and forget it (webgpu: finish the queued work and destroy the device, so a
 * Node process can exit). Its tensors can not be used afterwards; the next setBackend(name) starts
 * a fresh one. If it was active, the default backend becomes active again.
 */
export function closeBackend(name: string): void {
  const b = instances.get(name);
  if (b === undefined) return;
  instances.delete(name);
  if (active === b) active = null;
  b.close?.();
}

export function listBackends(): string[] {
  return names();
}
