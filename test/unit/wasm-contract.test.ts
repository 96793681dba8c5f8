// The contract between the TypeScript backend and the AssemblyScript kernels: the generated
// export list matches the built modules (names and arities), every parallel kernel exists in
// every build, every wasm fast path has a reference kernel, op codes are distinct, and a job's
// range must be two adjacent parameters. Each failure names the missing piece. The type-level
// half (misspelt or missing names fail to compile) is at the bottom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KERNELS } from '../../src/backend/ts/kernels.js';
import { BINARY_CODES, COMPARE_CODES, REDUCE_CODES, TRANSCENDENTAL_CODES, UNARY_CODES } from '../../src/backend/wasm/codes.js';
import type { Engine } from '../../src/backend/wasm/engine.js';
import { FAST_OPS } from '../../src/backend/wasm/fast-paths.js';
import { KERNEL_PARAMS } from '../../src/backend/wasm/kernel-exports.generated.js';
import { loadVariantSync, type Variant } from '../../src/backend/wasm/loader.js';
import { PARALLEL_FNS } from '../../src/backend/wasm/protocol.js';
import { WasmBackend } from '../../src/backend/wasm/wasm-backend.js';

const VARIANTS: Variant[] = ['simd', 'simd-single'];
const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

test('the generated KernelExports lists exactly the functions each built module exports, with their arities', () => {
  for (const v of VARIANTS) {
    const { module } = loadVariantSync(v);
    const fns = WebAssembly.Module.exports(module).filter((x) => x.kind === 'function').map((x) => x.name);
    for (const name of fns) {
      assert.ok(has(KERNEL_PARAMS, name), `axon-${v}.wasm exports ${name}, which kernel-exports.generated.ts lacks: run \`npm run build\``);
    }
    for (const name of Object.keys(KERNEL_PARAMS)) {
      assert.ok(fns.includes(name), `kernel-exports.generated.ts declares ${name}, which axon-${v}.wasm does not export: run \`npm run build\``);
    }
    const instance = new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: v !== 'simd-single' }) } });
    for (const [name, params] of Object.entries(KERNEL_PARAMS)) {
      const f = instance.exports[name] as (...a: number[]) => unknown;
      assert.equal(f.length, params.length, `${name} takes ${f.length} arguments in axon-${v}.wasm, ${params.length} in kernel-exports.generated.ts`);
    }
  }
});

test('every parallel kernel (run by workers by index) is a function export of every build', () => {
  assert.ok(PARALLEL_FNS.length > 0, 'PARALLEL_FNS is empty');
  for (const v of VARIANTS) {
    const names = new Set(WebAssembly.Module.exports(loadVariantSync(v).module).map((x) => x.name));
    for (const fn of PARALLEL_FNS) assert.ok(names.has(fn), `parallel kernel ${fn} is not exported by axon-${v}.wasm (assembly/index.ts)`);
  }
  assert.equal(new Set(PARALLEL_FNS).size, PARALLEL_FNS.length, 'PARALLEL_FNS names a kernel twice');
});

test('every op with a wasm fast path has a reference kernel', () => {
  assert.ok(FAST_OPS.length > 0);
  for (const op of FAST_OPS) assert.ok(has(KERNELS, op), `fast path ${op} has no reference kernel in src/backend/ts/kernels.ts`);
});

test('the op codes by primitive are distinct per kernel and each has a fast path', () => {
  const records = { binaryF32: BINARY_CODES, compareF32: COMPARE_CODES, unaryF32: UNARY_CODES, transcendentalF32: TRANSCENDENTAL_CODES, reduceF32: REDUCE_CODES };
  for (const [kernel, codes] of Object.entries(records)) {
    const seen = new Map<number, string>();
    for (const [op, code] of Object.entries(codes)) {
      assert.ok(Number.isInteger(code), `${kernel} code of ${op} is not an integer`);
      assert.equal(seen.get(code), undefined, `${kernel}: ${op} and ${seen.get(code)} share code ${code}`);
      seen.set(code, op);
      assert.ok(FAST_OPS.some((f) => f === op), `${op} has a ${kernel} code but no fast path (src/backend/wasm/fast-paths.ts)`);
    }
  }
});

test('a parallel job whose range is not two adjacent kernel parameters is refused, naming the kernel', () => {
  const b = new WasmBackend();
  try {
    assert.throws(() => b.parallel('unaryF32', { total: 8, align: 1, minPart: 1, range: ['x', 'e1'] }, { op: UNARY_CODES.neg, out: 0, e0: 0 }), /unaryF32: range \[x, e1\]/);
  } finally {
    b.close();
  }
});

/** Never called: it only has to compile (and each @ts-expect-error line has to fail to). */
export function typeContract(e: Engine): void {
  const job = { total: 1, align: 1, minPart: 1, range: ['e0', 'e1'] } as const;
  e.parallel('unaryF32', job, { op: 0, x: 0, out: 0 });
  // @ts-expect-error: a misspelt argument name
  e.parallel('unaryF32', job, { op: 0, x: 0, ot: 0 });
  // @ts-expect-error: a missing argument
  e.parallel('unaryF32', job, { op: 0, x: 0 });
  // @ts-expect-error: a range that names no parameter of the kernel
  e.parallel('unaryF32', { ...job, range: ['o0', 'o1'] }, { op: 0, x: 0, out: 0 });
  // @ts-expect-error: an export that returns a value is no parallel kernel
  e.parallel('gather32', job, {});
  // @ts-expect-error: no such kernel
  e.parallel('unaryF64', job, { op: 0, x: 0, out: 0 });
}
