// A module Web Worker for the browser suite: runs the op cases, or a long training loop that
// reports the wasm heap, inside a worker (where kernel threads may block in Atomics.wait).
import * as ax from '../../../src/index.js';
import { runOpCases, where, type OpCase } from './ops-runner.js';

type Task = { task: 'ops'; cases: OpCase[]; cast: 'float32' | null } | { task: 'memory'; steps: number; threads: number };

/** A user's plain training loop (no dispose anywhere), with the heap read at 10% and at the end. */
function memoryLoop(steps: number): Record<string, unknown> {
  ax.manualSeed(0);
  const model = new ax.Sequential(new ax.Linear(16, 32), new ax.ReLU(), new ax.Linear(32, 4));
  const opt = new ax.SGD(model.parameters(), { lr: 0.01 });
  const x = ax.randn([32, 16]);
  const y = ax.fromArray(Array.from({ length: 32 }, (_, i) => i % 4), [32], 'int32');
  let early: ReturnType<typeof ax.memory> | null = null;
  let loss = 0;
  for (let i = 0; i < steps; i++) {
    const l = ax.crossEntropy(model.forward(x), y);
    opt.zeroGrad();
    l.backward();
    opt.step();
    if (i === Math.floor(steps / 10)) early = ax.memory();
    loss = l.item();
  }
  return { early, late: ax.memory(), loss, ...where() };
}

addEventListener('message', (e: MessageEvent<Task>) => {
  const t = e.data;
  try {
    if (t.task === 'ops') postMessage({ results: runOpCases(t.cases, t.cast), ...where() });
    else {
      ax.setNumThreads(t.threads);
      postMessage(memoryLoop(t.steps));
    }
  } catch (err) {
    postMessage({ error: `${(err as Error).name}: ${(err as Error).message}` });
  }
});
postMessage({ ready: true });
