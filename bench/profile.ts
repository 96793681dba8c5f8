// Where a training step of W1, W2, W3 (W3G: its GRU variant) or W4 spends its time on the wasm backend, per primitive and
// per path (wasm kernel or reference kernel on wasm memory), and how much of the step is outside
// the kernels (dispatch, autograd, scopes). `node dist/bench/profile.js W3 [steps]`.
import * as ax from '../src/index.js';
import { axonW1 } from './w1-mlp.js';
import { axonW2 } from './w2-lenet.js';
import { axonW3 } from './w3-lstm.js';
import { axonW4 } from './w4-gpt.js';

type Profiler = { startProfile(): void; stopProfile(): { op: string; path: string; calls: number; ms: number }[] };

const which = process.argv[2] ?? 'W3';
const steps = Number(process.argv[3] ?? 20);
const b = ax.getBackend() as ax.Backend & Partial<Profiler> & { warmUp?: () => number };
b.warmUp?.();
const step: () => unknown = which === 'W1' ? axonW1().step : which === 'W2' ? axonW2() : which === 'W4' ? axonW4() : axonW3(which === 'W3G');
for (let i = 0; i < 5; i++) step();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const plain = (performance.now() - t0) / steps;
b.startProfile!();
const t1 = performance.now();
for (let i = 0; i < steps; i++) step();
const total = (performance.now() - t1) / steps;
const rows = b.stopProfile!().sort((x, y) => y.ms - x.ms);
const inKernels = rows.reduce((a, r) => a + r.ms, 0) / steps;
console.log(`${which}: step ${plain.toFixed(2)} ms unprofiled; profiled ${total.toFixed(2)} ms, of which kernels ${inKernels.toFixed(2)} ms`);
console.log('| op | path | calls/step | µs/step |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.op} | ${r.path} | ${(r.calls / steps).toFixed(1)} | ${(r.ms / steps * 1000).toFixed(0)} |`);
process.exit(0);
