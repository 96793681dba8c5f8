// RNN/LSTM/GRU layers, their cells and Embedding against PyTorch (test/fixtures/rnn.json, written
// by scripts/fixtures/gen_rnn.py): outputs, final states, input and every parameter gradient,
// including variable lengths through pack_padded_sequence; plus the bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, fixtureValues, fromFixture, onBackend, readJson, ROOT, type FixtureTensor } from '../helpers.js';
import { TOL } from '../tolerances.js';

type FT = FixtureTensor;
interface LayerCase {
  name: string; layer: 'RNN' | 'LSTM' | 'GRU'; inputSize: number; hiddenSize: number; options: Record<string, unknown>;
  params: Record<string, FT>; input: FT; h0: FT | null; c0: FT | null; lengths: number[] | null;
  output: FT; hN: FT; cN: FT | null; cotangents: { output: FT; hN: FT; cN: FT | null };
  grads: { input: FT; h0: FT | null; c0: FT | null; params: Record<string, FT> };
}
interface CellCase {
  name: string; layer: 'RNNCell' | 'LSTMCell' | 'GRUCell'; inputSize: number; hiddenSize: number; options: Record<string, unknown>;
  params: Record<string, FT>; input: FT; hx: FT | null; cx: FT | null; h: FT; c: FT | null;
  cotangents: { h: FT; c: FT | null }; grads: { input: FT; hx: FT | null; cx: FT | null; params: Record<string, FT> };
}
interface EmbCase {
  name: string; numEmbeddings: number; embeddingDim: number; options: { paddingIdx: number | null; maxNorm: number | null };
  weight: FT; ids: FT; output: FT; cotangent: FT; grads: { weight: FT }; weightAfter: FT;
}
const fx = readJson<{ generator_sha256: string; layers: LayerCase[]; cells: CellCase[]; embeddings: EmbCase[] }>('test/fixtures/rnn.json');

/** RNN lengths are read on the CPU, so where tensors read only asynchronously they are passed as numbers. */
const syncReads = ax.getBackend().syncRead !== false;
const lengthsArg = (l: number[]): Tensor | number[] => (syncReads ? ax.tensor(l, { dtype: 'int32' }) : l);
const expect = (t: Tensor, f: FT, what: string): Promise<void> => assertClose(t, { shape: f.shape, data: fixtureValues(f) }, TOL.fixtureF64, what);
const loadParams = (m: ax.Module, params: Record<string, FT>): void => {
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(params), 'stateDict keys and order equal PyTorch\'s');
  m.loadStateDict(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, fromFixture(v)])));
};

test('rnn fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_rnn.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_rnn.py changed but test/fixtures/rnn.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_rnn.py');
});

for (const c of fx.layers) {
  test(`torch parity: ${c.name}`, async () => {
    const opts = { ...c.options, dtype: onBackend('float64') };
    const m = c.layer === 'LSTM' ? new ax.LSTM(c.inputSize, c.hiddenSize, opts) : c.layer === 'GRU' ? new ax.GRU(c.inputSize, c.hiddenSize, opts) : new ax.RNN(c.inputSize, c.hiddenSize, opts);
    loadParams(m, c.params);
    const x = fromFixture(c.input).requiresGrad_();
    const h0 = c.h0 ? fromFixture(c.h0).requiresGrad_() : null;
    const c0 = c.c0 ? fromFixture(c.c0).requiresGrad_() : null;
    const lengths = c.lengths ? lengthsArg(c.lengths) : undefined;
    let out: Tensor, hN: Tensor, cN: Tensor | null = null;
    if (m instanceof ax.LSTM) [out, [hN, cN]] = m.forward(x, h0 && c0 ? [h0, c0] : null, { lengths });
    else [out, hN] = (m as ax.GRU).forward(x, h0, { lengths });
    await expect(out, c.output, `${c.name} output`);
    await expect(hN, c.hN, `${c.name} hN`);
    if (cN) await expect(cN, c.cN!, `${c.name} cN`);
    let obj = ax.sum(ax.mul(out, fromFixture(c.cotangents.output))).add(ax.sum(ax.mul(hN, fromFixture(c.cotangents.hN))));
    if (cN) obj = obj.add(ax.sum(ax.mul(cN, fromFixture(c.cotangents.cN!))));
    const names = Object.keys(c.params);
    const sd = m.stateDict();
    const wrt = [x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : []), ...names.map((k) => sd[k]!)];
    const g = ax.gradients(obj, wrt);
    await expect(g.shift()!, c.grads.input, `${c.name} grad input`);
    if (h0) await expect(g.shift()!, c.grads.h0!, `${c.name} grad h0`);
    if (c0) await expect(g.shift()!, c.grads.c0!, `${c.name} grad c0`);
    for (const [i, k] of names.entries()) await expect(g[i]!, c.grads.params[k]!, `${c.name} grad ${k}`);
  });
}

for (const c of fx.cells) {
  test(`torch parity: ${c.name}`, async () => {
    const opts = { ...c.options, dtype: onBackend('float64') };
    const m = c.layer === 'LSTMCell' ? new ax.LSTMCell(c.inputSize, c.hiddenSize, opts) : c.layer === 'GRUCell' ? new ax.GRUCell(c.inputSize, c.hiddenSize, opts) : new ax.RNNCell(c.inputSize, c.hiddenSize, opts);
    loadParams(m, c.params);
    const x = fromFixture(c.input).requiresGrad_();
    const hx = c.hx ? fromFixture(c.hx).requiresGrad_() : null;
    const cx = c.cx ? fromFixture(c.cx).requiresGrad_() : null;
    let h: Tensor, cc: Tensor | null = null;
    if (m instanceof ax.LSTMCell) [h, cc] = m.forward(x, hx && cx ? [hx, cx] : null);
    else h = (m as ax.GRUCell).forward(x, hx);
    await expect(h, c.h, `${c.name} h`);
    if (cc) await expect(cc, c.c!, `${c.name} c`);
    let obj = ax.sum(ax.mul(h, fromFixture(c.cotangents.h)));
    if (cc) obj = obj.add(ax.sum(ax.mul(cc, fromFixture(c.cotangents.c!))));
    const names = Object.keys(c.params);
    const sd = m.stateDict();
    const g = ax.gradients(obj, [x, ...(hx ? [hx] : []), ...(cx ? [cx] : []), ...names.map((k) => sd[k]!)]);
    await expect(g.shift()!, c.grads.input, `${c.name} grad input`);
    if (hx) await expect(g.shift()!, c.grads.hx!, `${c.name} grad hx`);
    if (cx) await expect(g.shift()!, c.grads.cx!, `${c.name} grad cx`);
    for (const [i, k] of names.entries()) await expect(g[i]!, c.grads.params[k]!, `${c.name} grad ${k}`);
  });
}

for (const c of fx.embeddings) {
  test(`torch parity: Embedding ${c.name}`, async () => {
    const m = new ax.Embedding(c.numEmbeddings, c.embeddingDim, { ...c.options, dtype: onBackend('float64') });
    m.loadStateDict({ weight: fromFixture(c.weight) });
    const out = m.forward(fromFixture(c.ids));
    await expect(out, c.output, `${c.name} output`);
    await expect(m.weight, c.weightAfter, `${c.name} weight after the call`);
    const [gw] = ax.gradients(ax.sum(ax.mul(out, fromFixture(c.cotangent))), [m.weight]);
    await expect(gw!, c.grads.weight, `${c.name} grad weight`);
  });
}

test('bad input: wrong feature size names the expected layout and the fix', () => {
  const lstm = new ax.LSTM(32, 8, { batchFirst: true });
  assert.throws(() => lstm.forward(ax.randn([4, 10, 16])), (e: Error) => e instanceof ax.ShapeError && /16 features/.test(e.message) && /inputSize 32/.test(e.message) && /\(N, T, 32\)/.test(e.message));
  assert.throws(() => new ax.GRUCell(5, 3).forward(ax.randn([2, 4])), /inputSize 5/);
  assert.throws(() => new ax.GRU(4, 3).forward(ax.randn([5, 2, 4]), ax.zeros([2, 2, 3])), /initial hidden state h0 must have shape \[1,2,3\]/);
});

test('bad input: lengths longer than the padded batch', () => {
  const gru = new ax.GRU(3, 4, { batchFirst: true });
  const x = ax.randn([2, 5, 3]);
  assert.throws(() => gru.forward(x, null, { lengths: lengthsArg([5, 7]) }), (e: Error) => e instanceof ax.ValueError && /length of 7 is longer than the padded batch \(5 time steps\)/.test(e.message) && /pad the batch/.test(e.message));
  assert.throws(() => gru.forward(x, null, { lengths: [5] }), /lengths has 1 entries but the batch holds 2/);
  assert.throws(() => gru.forward(x, null, { lengths: [0, 3] }), /≥ 1/);
});

test('bad input: token ids out of the embedding range', async () => {
  const emb = new ax.Embedding(10, 4);
  if (!syncReads) {
    // Ids are not read on the CPU here: an id outside the table gives a row of NaN (src/nn/embedding.ts).
    const rows = await emb.forward(ax.tensor([[1, 12, -1]], { dtype: 'int32' })).dataAsync();
    assert.ok(rows.slice(0, 4).every(Number.isFinite) && rows.slice(4).every(Number.isNaN), `rows ${Array.from(rows)}`);
    assert.throws(() => emb.forward(ax.tensor([1.0])), /int32/);
    return;
  }
  assert.throws(() => emb.forward(ax.tensor([[1, 12]], { dtype: 'int32' })), (e: Error) => e instanceof ax.ValueError && /token id 12/.test(e.message) && /0\.\.9/.test(e.message) && /numEmbeddings/.test(e.message));
  assert.throws(() => emb.forward(ax.tensor([-1], { dtype: 'int32' })), /token id -1/);
  assert.throws(() => emb.forward(ax.tensor([1.0])), /int32/);
});

test('lengths as a tensor that reads only asynchronously (WebGPU; here ts-async): a SyncReadError that says to pass numbers', () => {
  const gru = new ax.GRU(3, 4, { batchFirst: true });
  const onAsync = ax.fromArray([5, 3], [2], 'int32', ax.getBackend('ts-async'));
  assert.throws(() => gru.forward(ax.randn([2, 5, 3]), null, { lengths: onAsync }),
    (e: Error) => e instanceof ax.SyncReadError && /GRU/.test(e.message) && /toArrayAsync/.test(e.message));
});
