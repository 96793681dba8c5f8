// Where a W1 training step spends its time on the wasm backend, per primitive and per path (wasm
// kernel or reference kernel on wasm memory). `node dist/bench/profile-w1.js [steps]`.
import * as ax from '../src/index.js';
import { axonW1, BATCH } from './w1-mlp.js';

type Profiler = { startProfile(): void; stopProfile(): { op: string; path: string; calls: number; ms: number }[] };

const steps = Number(process.argv[2] ?? 200);
const b = ax.getBackend() as ax.Backend & Partial<Profiler> & { warmUp?: () => number };
b.warmUp?.();
const { step } = axonW1();
for (let i = 0; i < 50; i++) step();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const plain = (performance.now() - t0) / steps;
b.startProfile!();
const t1 = performance.now();
for (let i = 0; i < steps; i++) step();
const total = (performance.now() - t1) / steps;
const rows = b.stopProfile!();
const inKernels = rows.reduce((a, r) => a + r.ms, 0) / steps;
console.log(`step ${plain.toFixed(3)} ms unprofiled (${(BATCH / plain * 1000).toFixed(0)} samples/s); profiled ${total.toFixed(3)} ms, of which kernels ${inKernels.toFixed(3)} ms`);
console.log('| op | path | calls/step | µs/step |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.op} | ${r.path} | ${(r.calls / steps).toFixed(1)} | ${(r.ms / steps * 1000).toFixed(1)} |`);
process.exit(0);
