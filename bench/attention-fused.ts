// The fused wasm attention forward (FusedOps.attention) against the composite on the same wasm
// backend, in the same run: attention forward at B=16, H=4, L=64, D=32 (causal and not, no grad),
// and GPT.generate of 200 greedy tokens on the W4 model (context 64, so from token 64 on each step
// re-runs the 64-position window). Not part of `npm run bench`; run it by hand:
//   npm run build && node dist/bench/attention-fused.js
import * as ax from '../src/index.js';
import { W4 } from './w4-gpt.js';
import type { FusedKernels } from '../src/index.js';

const wasm = ax.getBackend('wasm');
ax.setBackend('wasm');

/** Run `fn` with the backend's fused attention hidden, so scaledDotProductAttention composes. */
function composite<T>(fn: () => T): T {
  const b = wasm as { fused: FusedKernels };
  const orig = b.fused;
  b.fused = { ...orig, attention: undefined };
  try { return fn(); } finally { b.fused = orig; }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median seconds per call of `fused` and `comp`, interleaved repetitions of ≥ minTime seconds each. */
function compare(step: () => void, reps: number, minTime: number): { fused: number; composite: number } {
  const time = (): number => {
    let n = 0;
    const t0 = performance.now();
    do { step(); n++; } while (performance.now() - t0 < minTime * 1000 || n < 3);
    return (performance.now() - t0) / 1000 / n;
  };
  for (let i = 0; i < 3; i++) { step(); composite(step); } // warm-up
  const f: number[] = [];
  const c: number[] = [];
  for (let r = 0; r < reps; r++) { f.push(time()); c.push(composite(time)); }
  return { fused: median(f), composite: median(c) };
}

const threads = (wasm as { warmUp?: () => number }).warmUp?.() ?? 1;
console.log(`threads ${threads}, cpu ${(await import('node:os')).cpus()[0]?.model ?? '?'}`);

ax.manualSeed(0);
const [B, H, L, D] = [16, 4, 64, 32];
const q = ax.keep(ax.randn([B, H, L, D]));
const k = ax.keep(ax.randn([B, H, L, D]));
const v = ax.keep(ax.randn([B, H, L, D]));
for (const isCausal of [true, false]) {
  const r = compare(() => ax.noGrad(() => ax.scope(() => { ax.scaledDotProductAttention(q, k, v, { isCausal }); })), 5, 1);
  console.log(`attention forward (B ${B}, H ${H}, L ${L}, D ${D}${isCausal ? ', causal' : ''}): fused ${(r.fused * 1e3).toFixed(3)} ms, composite ${(r.composite * 1e3).toFixed(3)} ms, ${(r.composite / r.fused).toFixed(2)}× faster`);
}

ax.manualSeed(0);
const gpt = new ax.GPT({ vocabSize: W4.vocab, contextLength: W4.context, nLayer: W4.layers, nHead: W4.heads, nEmbd: W4.width });
const prompt = ax.keep(ax.tensor([[1]], { dtype: 'int32' }));
let tokens: unknown = null;
const g = compare(() => { tokens = gpt.generate(prompt, { maxNewTokens: 200, temperature: 0 }).toArray(); }, 3, 0);
const same = JSON.stringify(tokens) === JSON.stringify(composite(() => gpt.generate(prompt, { maxNewTokens: 200, temperature: 0 }).toArray()));
console.log(`GPT.generate 200 tokens (W4 model, greedy, batch 1): fused ${(g.fused * 1e3).toFixed(0)} ms, composite ${(g.composite * 1e3).toFixed(0)} ms, ${(g.composite / g.fused).toFixed(2)}× faster; same tokens: ${same}`);
