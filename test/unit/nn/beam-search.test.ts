// beamSearch on hand-made next-token tables: a case where greedy and beam differ, beamSize 1 equal
// to a hand-written argmax loop, an exhaustive search agreeing with a wide beam, batching, and the
// typed errors for bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../helpers.js';
import { ShapeError, ValueError, beamSearch, tensor, type BeamStep } from '../../../src/index.js';
import { throwsWith } from '../data/throws.js';

const EOS = 0;
const BOS = 1;
const A = 2;
const B = 3;

/** A model given as probabilities of the next token after a prefix (written without bos). */
function tableModel(table: (prefix: number[]) => number[]): BeamStep {
  return (prefixes) => prefixes.map((p) => table(p.slice(1)).map(Math.log));
}

// After nothing: a 0.6, b 0.4. After "a": eos 0.4, a 0.3, b 0.3. After "b": eos 0.9, a 0.05, b 0.05.
// Greedy takes a (0.6) then eos: p = 0.24. The beam keeps "b" and finds b eos: p = 0.36.
const trap = tableModel((p) => {
  if (p.length === 0) return [0, 0, 0.6, 0.4];
  if (p.length >= 3) return [1, 0, 0, 0];
  return p.at(-1) === A ? [0.4, 0, 0.3, 0.3] : [0.9, 0, 0.05, 0.05];
});

test('beamSearch: a beam finds the more probable output that greedy misses', () => {
  const [greedy] = beamSearch(trap, 1, { beamSize: 1, bos: BOS, eos: EOS, maxLength: 5 });
  assert.deepEqual(greedy![0]!.tokens, [A]);
  assert.ok(Math.abs(greedy![0]!.logProb - Math.log(0.24)) < 1e-12);
  assert.equal(greedy!.length, 1);
  const [beam] = beamSearch(trap, 1, { beamSize: 2, bos: BOS, eos: EOS, maxLength: 5 });
  assert.deepEqual(beam!.map((h) => h.tokens), [[B], [A]]);
  assert.ok(Math.abs(beam![0]!.logProb - Math.log(0.36)) < 1e-12);
  assert.ok(beam!.every((h) => h.finished));
});

/** Greedy decoding written out: argmax (lowest id on ties) until eos or maxLength. */
function greedyLoop(step: BeamStep, maxLength: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < maxLength; t++) {
    const row = Array.from((step([[BOS, ...out]], [0]) as ArrayLike<number>[])[0]!);
    const best = row.indexOf(Math.max(...row));
    if (best === EOS) break;
    out.push(best);
  }
  return out;
}

/** A deterministic pseudo-random table over V tokens (a hash of the prefix), with ties. */
function randomModel(V: number, seed: number): BeamStep {
  return (prefixes) => prefixes.map((p) => {
    let h = seed;
    for (const t of p) h = (h * 31 + t + 7) % 1000003;
    return Array.from({ length: V }, (_, k) => Math.round((((h * (k + 3)) % 97) / 97) * 8) - (k === EOS ? 6 - p.length : 0)); // logits, rounded so ties occur
  });
}

test('beamSearch: beamSize 1 is exactly the greedy argmax loop (ties to the lower id)', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const step = randomModel(5, seed);
    const [h] = beamSearch(step, 1, { beamSize: 1, bos: BOS, eos: EOS, maxLength: 6 });
    assert.deepEqual(h![0]!.tokens, greedyLoop(step, 6), `seed ${seed}`);
  }
});

/** Every output of at most maxLength tokens (eos included), with its log-probability. */
function exhaustive(step: BeamStep, V: number, maxLength: number): { tokens: number[]; logProb: number; finished: boolean }[] {
  const all: { tokens: number[]; logProb: number; finished: boolean }[] = [];
  const logSoftmax = (r: number[]): number[] => { const m = Math.max(...r); const s = Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0)) + m; return r.map((v) => v - s); };
  const grow = (tokens: number[], lp: number): void => {
    if (tokens.length === maxLength) { all.push({ tokens, logProb: lp, finished: false }); return; }
    const row = logSoftmax(Array.from((step([[BOS, ...tokens]], [0]) as ArrayLike<number>[])[0]!));
    all.push({ tokens, logProb: lp + row[EOS]!, finished: true });
    for (let k = 0; k < V; k++) if (k !== EOS) grow([...tokens, k], lp + row[k]!);
  };
  grow([], 0);
  return all.sort((a, b) => b.logProb - a.logProb);
}

test('beamSearch: a beam as wide as the search space returns the exact best outputs (exhaustive check)', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const step = randomModel(4, seed);
    const exact = exhaustive(step, 4, 4); // outputs cut at maxLength compete too, as in the beam
    const [h] = beamSearch(step, 1, { beamSize: 40, bos: BOS, eos: EOS, maxLength: 4 });
    assert.ok(Math.abs(h![0]!.logProb - exact[0]!.logProb) < 1e-9, `seed ${seed}: beam ${h![0]!.logProb} vs exact ${exact[0]!.logProb}`);
    assert.deepEqual([h![0]!.tokens, h![0]!.finished], [exact[0]!.tokens, exact[0]!.finished]);
    // the best beam score is never below greedy's
    const [g] = beamSearch(step, 1, { beamSize: 1, bos: BOS, eos: EOS, maxLength: 4 });
    assert.ok(h![0]!.score >= g![0]!.score - 1e-12);
  }
});

test('beamSearch: a batch decodes each input as if alone; items say which input a prefix is for; Tensor scores work', () => {
  const steps = [randomModel(5, 3), randomModel(5, 11), randomModel(5, 20)];
  const batched: BeamStep = (prefixes, items) => tensor(prefixes.map((p, i) => Array.from((steps[items[i]!]!([p], [0]) as ArrayLike<number>[])[0]!)));
  const together = beamSearch(batched, 3, { beamSize: 3, bos: BOS, eos: EOS, maxLength: 5 });
  steps.forEach((s, i) => {
    const alone = beamSearch(s, 1, { beamSize: 3, bos: BOS, eos: EOS, maxLength: 5 })[0]!;
    assert.deepEqual(together[i]!.map((h) => h.tokens), alone.map((h) => h.tokens), `input ${i}`);
    together[i]!.forEach((h, k) => assert.ok(Math.abs(h.logProb - alone[k]!.logProb) < 1e-5)); // float32 tensor vs float64 rows
  });
});

test('beamSearch: outputs cut at maxLength are returned unfinished; the length penalty favours longer outputs', () => {
  const never = tableModel(() => [0, 0, 1, 0]); // always "a", never eos
  const [h] = beamSearch(never, 1, { beamSize: 2, bos: BOS, eos: EOS, maxLength: 3 });
  assert.deepEqual(h![0]!.tokens, [A, A, A]);
  assert.equal(h![0]!.finished, false);
  // "a" then eos: 0.5·1; "a a" then eos: 0.5·0.5·1 … per-token average favours the longer one
  const decay = tableModel((p) => (p.length === 0 ? [0, 0, 1, 0] : p.length === 1 ? [0.55, 0, 0.45, 0] : [1, 0, 0, 0]));
  const [plain] = beamSearch(decay, 1, { beamSize: 2, bos: BOS, eos: EOS, maxLength: 4 });
  assert.deepEqual(plain![0]!.tokens, [A]);
  const [normed] = beamSearch(decay, 1, { beamSize: 2, bos: BOS, eos: EOS, maxLength: 4, lengthPenalty: 1 });
  assert.deepEqual(normed![0]!.tokens, [A, A]); // log .45 / 3 > log .55 / 2
});

test('beamSearch: bad options and bad step outputs are typed errors naming the fix', () => {
  const o = { bos: BOS, eos: EOS, maxLength: 5 };
  throwsWith(() => beamSearch(trap, 1, { ...o, beamSize: 0 }), ValueError, 'beamSearch', 'beamSize must be an integer ≥ 1, got 0', 'greedy');
  throwsWith(() => beamSearch(trap, 1, { ...o, beamSize: 2.5 }), ValueError, 'beamSize', '2.5');
  throwsWith(() => beamSearch(trap, 1, { ...o, beamSize: 2, maxLength: 0 }), ValueError, 'maxLength');
  throwsWith(() => beamSearch(trap, 1, { ...o, beamSize: 2, lengthPenalty: -1 }), ValueError, 'lengthPenalty');
  throwsWith(() => beamSearch(() => tensor([[0, 1]]), 2, { ...o, beamSize: 1 }), ShapeError, 'beamSearch', '(2, V)', 'got [1,2]');
  throwsWith(() => beamSearch(() => [[0, 1]], 2, { ...o, beamSize: 1 }), ShapeError, '2 rows', 'got 1');
});
