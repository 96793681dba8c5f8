// Compiles the AssemblyScript kernels in assembly/ into dist/wasm/: a plain-SIMD and a
// relaxed-SIMD variant over shared memory (threads), and a plain-SIMD one over unshared memory
// for browsers that are not cross-origin isolated. Then writes the TypeScript side of the
// contract, src/backend/wasm/kernel-exports.generated.ts, from the declarations asc emits for the
// same exports. Run by `npm run build` before tsc; none of the outputs is committed.
import asc from 'assemblyscript/asc';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseBindings, renderKernelExports } from './kernel-exports.mjs';

const common = ['assembly/index.ts', '-O3', '--runtime', 'stub', '--noAssert', '--importMemory', '--initialMemory', '1'];
const shared = ['--sharedMemory', '--maximumMemory', '65536'];
const variants = [
  { out: 'dist/wasm/axon-simd.wasm', flags: [...shared, '--enable', 'simd,threads'] },
  { out: 'dist/wasm/axon-relaxed.wasm', flags: [...shared, '--enable', 'simd,threads,relaxed-simd'] },
  { out: 'dist/wasm/axon-simd-single.wasm', flags: ['--enable', 'simd'] },
];
const GENERATED = 'src/backend/wasm/kernel-exports.generated.ts';

async function compile(argv, what, writeFile) {
  const { error, stderr } = await asc.main(argv, writeFile ? { writeFile } : {});
  if (error) {
    console.error(stderr.toString());
    console.error(`asbuild: compiling ${what} failed: ${error.message}`);
    process.exit(1);
  }
}

mkdirSync('dist/wasm', { recursive: true });
for (const v of variants) await compile([...common, ...v.flags, '-o', v.out], v.out);

// The declarations, from a separate unoptimized compile whose files are kept in memory only (so
// the release modules above are built exactly as before and no bindings land in dist/wasm/).
let dts = null;
await compile(['assembly/index.ts', '-O0', '--runtime', 'stub', '--importMemory', '--enable', 'simd', '--bindings', 'raw', '-o', 'kernels.wasm'],
  'the kernel declarations', (name, contents) => { if (name.endsWith('.d.ts')) dts = contents.toString(); });
if (dts === null) {
  console.error('asbuild: asc emitted no declarations (--bindings raw)');
  process.exit(1);
}
const source = renderKernelExports(parseBindings(dts));
let old = null;
try { old = readFileSync(GENERATED, 'utf8'); } catch { /* first build */ }
if (old !== source) writeFileSync(GENERATED, source); // unchanged: keep the mtime (tsc --watch, editors)
