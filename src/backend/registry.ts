// The registry of backends and the choice of the active one (`setBackend`), apart from the Backend
// interface: the only file of backend/ that knows the concrete backends.
import { AxonError } from '../errors.js';
import type { Backend } from './backend.js';
import { TsBackend } from './ts/ts-backend.js';
import { WasmBackend } from './wasm/wasm-backend.js';

const registry = new Map<string, () => Backend>([
  ['ts', () => new TsBackend()],
  ['wasm', () => new WasmBackend()],
]);
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

export function getBackend(name?: string): Backend {
  if (name === undefined) {
    if (active === null) active = defaultBackend();
    return active;
  }
  let b = instances.get(name);
  if (b === undefined) {
    const f = registry.get(name);
    if (f === undefined) {
      throw new AxonError('setBackend', `unknown backend '${name}'; available: ${[...registry.keys()].join(', ')}`);
    }
    b = f();
    instances.set(name, b);
  }
  return b;
}

/** Switch the backend new tensors are created on. Tensors already made stay where they are. */
export function setBackend(name: string): Backend {
  active = getBackend(name);
  return active;
}

export function listBackends(): string[] {
  return [...registry.keys()];
}
