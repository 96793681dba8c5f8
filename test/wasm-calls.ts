// The wasm backend's per-op profile as a test helper: which primitives a piece of code runs, how
// often, and whether each ran its wasm kernel or the reference (fused-kernel tests check that the
// layers take the fused primitives).
import * as ax from '../src/index.js';

type Profiled = ax.Backend & { startProfile(): void; stopProfile(): { op: string; path: 'wasm' | 'reference'; calls: number }[] };

/** Run f in a scope on whatever backend its tensors use; the wasm backend's calls by op. */
export function wasmCalls(f: () => void): Record<string, number> {
  const wasm = ax.getBackend('wasm') as Profiled;
  wasm.startProfile();
  ax.scope(f);
  return Object.fromEntries(wasm.stopProfile().map((r) => [r.op, r.calls]));
}

/** The `op:path` entries (e.g. 'softmax:wasm') of the wasm calls f makes whose op starts with `prefix`, sorted. */
export function wasmPaths(prefix: string, f: () => void): string[] {
  const wasm = ax.getBackend('wasm') as Profiled;
  wasm.startProfile();
  ax.scope(f);
  return wasm.stopProfile().filter((r) => r.op.startsWith(prefix)).map((r) => `${r.op}:${r.path}`).sort();
}
