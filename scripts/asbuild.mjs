// Compiles the AssemblyScript kernels in assembly/ into dist/wasm/: a plain-SIMD and a
// relaxed-SIMD variant over shared memory (threads), and a plain-SIMD one over unshared memory
// for browsers that are not cross-origin isolated. Run by `npm run build`; outputs are not committed.
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';

const common = ['assembly/index.ts', '-O3', '--runtime', 'stub', '--noAssert', '--importMemory', '--initialMemory', '1'];
const shared = ['--sharedMemory', '--maximumMemory', '65536'];
const variants = [
  { out: 'dist/wasm/axon-simd.wasm', flags: [...shared, '--enable', 'simd,threads'] },
  { out: 'dist/wasm/axon-relaxed.wasm', flags: [...shared, '--enable', 'simd,threads,relaxed-simd'] },
  { out: 'dist/wasm/axon-simd-single.wasm', flags: ['--enable', 'simd'] },
];

mkdirSync('dist/wasm', { recursive: true });
for (const v of variants) {
  const { error, stderr } = await asc.main([...common, ...v.flags, '-o', v.out]);
  if (error) {
    console.error(stderr.toString());
    console.error(`asbuild: compiling ${v.out} failed: ${error.message}`);
    process.exit(1);
  }
}
