// Training steps of the recurrent layers, for A/B between two builds in alternating processes (run
// it in each checkout in turn): RNN (tanh), LSTM and GRU, 32 → 128 over 32 sequences of 64 steps,
// a head on the outputs summed over time, cross-entropy, Adam; each without lengths, with lengths
// 16–64, and bidirectional with lengths. Prints the median ms a step of each (2.5 s loops after 3
// warm-up steps). `node dist/bench/recurrent-steps.js [seconds]`.
import * as ax from '../src/index.js';
import { loopTimes, median } from './timing.js';

const seconds = Number(process.argv[2] ?? 2.5);
(ax.getBackend() as ax.Backend & { warmUp?: () => number }).warmUp?.();
const batch = 32, seq = 64, input = 32, hidden = 128, classes = 10;
const lengths = Array.from({ length: batch }, (_, i) => 16 + ((i * 37) % 49)); // 16…64

type Layer = typeof ax.RNN | typeof ax.LSTM | typeof ax.GRU;

function trainer(Kind: Layer, withLengths: boolean, bidirectional: boolean): () => void {
  ax.manualSeed(0);
  const rnn = new Kind(input, hidden, { batchFirst: true, bidirectional });
  const head = new ax.Linear(hidden * (bidirectional ? 2 : 1), classes);
  const opt = new ax.Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = ax.keep(ax.randn([batch, seq, input]));
  const y = ax.keep(ax.fromArray(Array.from({ length: batch }, (_, i) => i % classes), [batch], 'int32'));
  return () => ax.scope(() => {
    opt.zeroGrad();
    const [out] = rnn.forward(x, null, withLengths ? { lengths } : {}); // (N, T, D·H)
    const loss = ax.crossEntropy(head.forward(out.sum({ dim: 1 })), y); // (N, D·H) -> (N, 10)
    loss.backward();
    opt.step();
    loss.item();
  });
}

const rows: string[] = [];
for (const [name, Kind] of [['RNN', ax.RNN], ['LSTM', ax.LSTM], ['GRU', ax.GRU]] as const) {
  for (const [tag, withLengths, bi] of [['', false, false], [', lengths', true, false], [', bidirectional, lengths', true, true]] as const) {
    rows.push(`${name}${tag}: ${median(loopTimes(trainer(Kind, withLengths, bi), seconds, 3)).toFixed(1)}`);
  }
}
console.log(`ms a step (median), ${ax.getBackend().name}, ${ax.getNumThreads()} thread(s): ${rows.join(' | ')}`);
process.exit(0);
