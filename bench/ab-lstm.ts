// A/B of the LSTM layer's sequence-level primitive in one process, interleaved so both sides see
// the same machine load: the LSTM benchmark's training step (LSTM 32→128 over 64 steps, batch 32,
// head to 10 classes, cross-entropy, Adam) with nn.LSTM (one lstmSequence a direction) against
// the same model run step by step with the fused cell (lstmCell after gi_t + h·W_hhᵀ, the layer's
// path before the primitive) and, third, with the cell as the composite of elementwise ops the
// fused cell replaced. Reports CPU time per step (less sensitive than wall time to other processes
// on a shared machine) and wall time, medians of `reps` interleaved repetitions.
// `node dist/bench/ab-lstm.js [threads] [reps]`.
import * as ax from '../src/index.js';
import { lstmCell } from '../src/ops/lstm-cell.js';
import { axonTrainStep } from './synthetic.js';
import { interleavedAB } from './timing.js';
import { W3 } from './w3-lstm.js';

const threads = Number(process.argv[2] ?? 1);
const reps = Number(process.argv[3] ?? 5);
ax.setNumThreads(threads);
(ax.getBackend() as ax.Backend & { warmUp?: () => number }).warmUp?.();

/** The cell step as recurrent-step.ts composed it before the fused primitive. */
function composite(pre: ax.Tensor, c: ax.Tensor): { h: ax.Tensor; c: ax.Tensor } {
  const H = c.shape[c.ndim - 1]!;
  const [i, f, g, o] = ax.split(pre, H, -1); // (N, 4H) -> 4 × (N, H)
  const cn = ax.add(ax.mul(ax.sigmoid(f!), c), ax.mul(ax.sigmoid(i!), ax.tanh(g!)));
  return { h: ax.mul(ax.sigmoid(o!), ax.tanh(cn)), c: cn };
}

function trainer(kind: 'sequence' | 'cell' | 'composite'): () => number {
  ax.manualSeed(0);
  const { batch, seq, input, hidden, classes } = W3;
  const lstm = new ax.LSTM(input, hidden, { batchFirst: true });
  const head = new ax.Linear(hidden, classes);
  const [wih, whh, bih, bhh] = lstm.parameters();
  const forward = (x: ax.Tensor): ax.Tensor => {
    if (kind === 'sequence') return head.forward(lstm.forward(x)[1][0].squeeze(0)); // hN (1, N, H) -> (N, H) -> (N, 10)
    const gi = ax.add(ax.linear(x, wih!, bih!), bhh!); // (N, T, 4H)
    let s = { h: ax.zeros([batch, hidden]), c: ax.zeros([batch, hidden]) };
    const cell = kind === 'cell' ? lstmCell : composite;
    for (let t = 0; t < seq; t++) s = cell(ax.add(ax.select(gi, 1, t), ax.linear(s.h, whh!)), s.c);
    return head.forward(s.h); // (N, 10)
  };
  const opt = new ax.Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
  const data = [0, 1].map((k) => ({ x: ax.keep(ax.randn([batch, seq, input])), y: ax.keep(ax.fromArray(Array.from({ length: batch }, (_, i) => (i + k) % classes), [batch], 'int32')) }));
  return axonTrainStep(opt, data, (x, y) => ax.crossEntropy(forward(x), y));
}

const [q, f] = interleavedAB(trainer('sequence'), trainer('cell'), reps, 3);
console.log(`LSTM training step, ${threads} thread(s), median of ${reps} interleaved repetitions of 3 steps: CPU ms sequence ${q.cpuMs.toFixed(1)} vs per-step fused cell ${f.cpuMs.toFixed(1)}; wall ms ${q.wallMs.toFixed(1)} vs ${f.wallMs.toFixed(1)}`);
const [f2, c] = interleavedAB(trainer('cell'), trainer('composite'), reps, 3);
console.log(`  per-step fused cell vs composite cell: CPU ms ${f2.cpuMs.toFixed(1)} vs ${c.cpuMs.toFixed(1)}; wall ms ${f2.wallMs.toFixed(1)} vs ${c.wallMs.toFixed(1)}`);
process.exit(0);
