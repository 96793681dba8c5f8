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
import { assertClose, fixtureValues, fromFixture, readJson, ROOT, type FixtureTensor } from '../helpers.js';
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

const expect = (t: Tensor, f: FT, what: string): void => assertClose(t, { shape: f.shape, data: fixtureValues(f) }, TOL.fixtureF64, what);
const loadParams = (m: ax.Module, params: Record<string, FT>): void => {
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(params), 'stateDict keys and order equal PyTorch\'s');
  m.loadStateDict(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, fromFixture(v)])));
};

test('rnn fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_rnn.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_rnn.py changed but test/fixtures/rnn.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_rnn.py');
});

for (const c of fx.layers) {
  test(`torch parity: ${c.name}`, () => {
    const opts = { ...c.options, dtype: 'float64' as const };
    const m = c.layer === 'LSTM' ? new ax.LSTM(c.inputSize, c.hiddenSize, opts) : c.layer === 'GRU' ? new ax.GRU(c.inputSize, c.hiddenSize, opts) : new ax.RNN(c.inputSize, c.hiddenSize, opts);
    loadParams(m, c.params);
    const x = fromFixture(c.input).requiresGrad_();
    const h0 = c.h0 ? fromFixture(c.h0).requiresGrad_() : null;
    const c0 = c.c0 ? fromFixture(c.c0).requiresGrad_() : null;
    const lengths = c.lengths ? ax.tensor(c.lengths, { dtype: 'int32' }) : undefined;
    let out: Tensor, hN: Tensor, cN: Tensor | null = null;
    if (m instanceof ax.LSTM) [out, [hN, cN]] = m.forward(x, h0 && c0 ? [h0, c0] : null, { lengths });
    else [out, hN] = (m as ax.GRU).forward(x, h0, { lengths });
    expect(out, c.output, `${c.name} output`);
    expect(hN, c.hN, `${c.name} hN`);
    if (cN) expect(cN, c.cN!, `${c.name} cN`);
    let obj = ax.sum(ax.mul(out, fromFixture(c.cotangents.output))).add(ax.sum(ax.mul(hN, fromFixture(c.cotangents.hN))));
    if (cN) obj = obj.add(ax.sum(ax.mul(cN, fromFixture(c.cotangents.cN!))));
    const names = Object.keys(c.params);
    const sd = m.stateDict();
    const wrt = [x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : []), ...names.map((k) => sd[k]!)];
    const g = ax.gradients(obj, wrt);
    expect(g.shift()!, c.grads.input, `${c.name} grad input`);
    if (h0) expect(g.shift()!, c.grads.h0!, `${c.name} grad h0`);
    if (c0) expect(g.shift()!, c.grads.c0!, `${c.name} grad c0`);
    names.forEach((k, i) => expect(g[i]!, c.grads.params[k]!, `${c.name} grad ${k}`));
  });
}

for (const c of fx.cells) {
  test(`torch parity: ${c.name}`, () => {
    const opts = { ...c.options, dtype: 'float64' as const };
    const m = c.layer === 'LSTMCell' ? new ax.LSTMCell(c.inputSize, c.hiddenSize, opts) : c.layer === 'GRUCell' ? new ax.GRUCell(c.inputSize, c.hiddenSize, opts) : new ax.RNNCell(c.inputSize, c.hiddenSize, opts);
    loadParams(m, c.params);
    const x = fromFixture(c.input).requiresGrad_();
    const hx = c.hx ? fromFixture(c.hx).requiresGrad_() : null;
    const cx = c.cx ? fromFixture(c.cx).requiresGrad_() : null;
    let h: Tensor, cc: Tensor | null = null;
    if (m instanceof ax.LSTMCell) [h, cc] = m.forward(x, hx && cx ? [hx, cx] : null);
    else h = (m as ax.GRUCell).forward(x, hx);
    expect(h, c.h, `${c.name} h`);
    if (cc) expect(cc, c.c!, `${c.name} c`);
    let obj = ax.sum(ax.mul(h, fromFixture(c.cotangents.h)));
    if (cc) obj = obj.add(ax.sum(ax.mul(cc, fromFixture(c.cotangents.c!))));
    const names = Object.keys(c.params);
    const sd = m.stateDict();
    const g = ax.gradients(obj, [x, ...(hx ? [hx] : []), ...(cx ? [cx] : []), ...names.map((k) => sd[k]!)]);
    expect(g.shift()!, c.grads.input, `${c.name} grad input`);
    if (hx) expect(g.shift()!, c.grads.hx!, `${c.name} grad hx`);
    if (cx) expect(g.shift()!, c.grads.cx!, `${c.name} grad cx`);
    names.forEach((k, i) => expect(g[i]!, c.grads.params[k]!, `${c.name} grad ${k}`));
  });
}

for (const c of fx.embeddings) {
  test(`torch parity: Embedding ${c.name}`, () => {
    const m = new ax.Embedding(c.numEmbeddings, c.embeddingDim, { ...c.options, dtype: 'float64' });
    m.loadStateDict({ weight: fromFixture(c.weight) });
    const out = m.forward(fromFixture(c.ids));
    expect(out, c.output, `${c.name} output`);
    expect(m.weight, c.weightAfter, `${c.name} weight after the call`);
    const [gw] = ax.gradients(ax.sum(ax.mul(out, fromFixture(c.cotangent))), [m.weight]);
    expect(gw!, c.grads.weight, `${c.name} grad weight`);
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
  assert.throws(() => gru.forward(x, null, { lengths: ax.tensor([5, 7], { dtype: 'int32' }) }), (e: Error) => e instanceof ax.ValueError && /length of 7 is longer than the padded batch \(5 time steps\)/.test(e.message) && /pad the batch/.test(e.message));
  assert.throws(() => gru.forward(x, null, { lengths: [5] }), /lengths has 1 entries but the batch holds 2/);
  assert.throws(() => gru.forward(x, null, { lengths: [0, 3] }), /≥ 1/);
});

test('bad input: token ids out of the embedding range', () => {
  const emb = new ax.Embedding(10, 4);
  assert.throws(() => emb.forward(ax.tensor([[1, 12]], { dtype: 'int32' })), (e: Error) => e instanceof ax.ValueError && /token id 12/.test(e.message) && /0\.\.9/.test(e.message) && /numEmbeddings/.test(e.message));
  assert.throws(() => emb.forward(ax.tensor([-1], { dtype: 'int32' })), /token id -1/);
  assert.throws(() => emb.forward(ax.tensor([1.0])), /int32/);
});
