// The each-backend suite on WebGPU in Node (the last stage of `npm test`): Dawn through the
// `webgpu` package; on a machine without a GPU, Dawn on SwiftShader's Vulkan driver, which
// Debian's `chromium` package ships. With no adapter the suite is skipped with one line saying how
// to get one — unless AXON_REQUIRE_WEBGPU=1 (CI), where that is a failure.
//   node dist/test/webgpu-suite.js [test files…]   (default: every dist/test/each-backend file and
//   dist/test/webgpu/training-parity.js, the training parity with wasm)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const HOW = 'install a GPU driver with Vulkan/Metal/D3D12, or on Linux without a GPU `apt-get install chromium libvulkan1` (SwiftShader), and the `webgpu` npm package';

/** The environment Dawn needs to find SwiftShader when no other Vulkan driver is named. */
export function webgpuEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...base };
  if (env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
  if (env.XDG_RUNTIME_DIR === undefined) env.XDG_RUNTIME_DIR = tmpdir();
  return env;
}

/** Whether `await setBackend('webgpu')` works here (in a child process: Dawn reads the environment when it loads); the reason when not. */
export function probeWebGPU(env: NodeJS.ProcessEnv): { ok: true; adapter: string } | { ok: false; reason: string } {
  const index = path.join(HERE, '../src/index.js');
  const script = `const ax = await import(${JSON.stringify(index)});
try { const b = await ax.setBackend('webgpu'); console.log(b.adapterName ?? b.name); ax.closeBackend('webgpu'); process.exit(0); }
catch (e) { console.error(String(e && e.message || e).split('\\n')[0]); process.exit(1); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return { ok: true, adapter: r.stdout.trim() };
  return { ok: false, reason: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop()! };
}

function main(): number {
  const env = webgpuEnv();
  const probe = probeWebGPU(env);
  if (!probe.ok) {
    if (process.env.AXON_REQUIRE_WEBGPU === '1') {
      console.error(`not ok - WebGPU required (AXON_REQUIRE_WEBGPU=1) but no adapter: ${probe.reason}; ${HOW}`);
      return 1;
    }
    console.log(`# WebGPU tests skipped: no adapter (${probe.reason}); to run them, ${HOW}`);
    return 0;
  }
  const dir = path.join(HERE, 'each-backend');
  const files = process.argv.length > 2
    ? process.argv.slice(2)
    : [...readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(dir, f)), path.join(HERE, 'webgpu/training-parity.js')];
  console.log(`# each-backend suite on WebGPU (${probe.adapter})`);
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], { env: { ...env, AXON_TEST_BACKEND: 'webgpu' }, stdio: 'inherit' });
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) process.exit(main());
