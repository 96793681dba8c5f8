// ONNX export: every supported layer family runs in onnxruntime-node and matches Axon's own
// forward (float32, rtol 1e-4 / atol 1e-5), dynamic axes accept other sizes, the protobuf
// decodes to the expected graph, unsupported modules are named, and `axon export` works.
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import * as ax from '../../../src/index.js';
import { onnxType } from '../../../src/io/onnx/schema.js';
import { ROOT } from '../../helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axon-onnx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const RTOL = 1e-4;
const ATOL = 1e-5;

const flat = (v: unknown): ax.Tensor[] => (v instanceof ax.Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);

function toOrt(t: ax.Tensor): ort.Tensor {
  return t.dtype === 'int32' ? new ort.Tensor('int32', Int32Array.from(t.data()), [...t.shape]) : new ort.Tensor('float32', Float32Array.from(t.data()), [...t.shape]);
}

/** Run the ONNX bytes on `x` and compare every output with Axon's; returns the max |Δ|. */
async function compare(bytes: Uint8Array, model: ax.Module, x: ax.Tensor, what: string, inputName = 'input'): Promise<number> {
  const session = await ort.InferenceSession.create(bytes);
  const res = await session.run({ [inputName]: toOrt(x) });
  model.eval();
  const want = flat(ax.noGrad(() => model.forward(x)));
  assert.equal(session.outputNames.length, want.length, `${what}: number of outputs`);
  let worst = 0;
  session.outputNames.forEach((name, k) => {
    const got = res[name]!;
    const exp = want[k]!;
    assert.deepEqual([...got.dims], [...exp.shape], `${what}: output ${name} shape`);
    const a = got.data as Float32Array;
    const b = exp.data();
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      worst = Math.max(worst, d);
      if (!(d <= ATOL + RTOL * Math.abs(b[i]!))) assert.fail(`${what}: output ${name}[${i}] is ${a[i]} in onnxruntime, ${b[i]} in Axon (|Δ| ${d})`);
    }
  });
  return worst;
}

/** Redraw every parameter from N(0, std²), so unit LayerNorm/BatchNorm scales and GPT's small init do not hide a wrong weight. */
function jitter<M extends ax.Module>(m: M, std = 0.4): M {
  for (const p of m.parameters()) ax.init.normal_(p, 0, std);
  return m;
}

const dynBatch = { input: { 0: 'batch' }, output: { 0: 'batch' } };

test('an MLP with every activation matches onnxruntime, and its batch dim is dynamic', async (t: TestContext) => {
  ax.manualSeed(0);
  const mlp = new ax.Sequential(
    new ax.Linear(6, 16), new ax.ReLU(), new ax.Linear(16, 16), new ax.Tanh(), new ax.Linear(16, 16), new ax.Sigmoid(),
    new ax.Linear(16, 16), new ax.GELU(), new ax.Linear(16, 16), new ax.GELU({ approximate: 'tanh' }), new ax.SiLU(),
    new ax.LeakyReLU({ negativeSlope: 0.2 }), new ax.ELU({ alpha: 0.7 }), new ax.Softplus({ beta: 2 }), new ax.Identity(), new ax.Dropout(0.5),
    new ax.Linear(16, 5), new ax.LogSoftmax(),
  );
  const bytes = ax.toOnnxBytes(mlp, ax.randn([2, 6]), { dynamicAxes: dynBatch });
  assert.ok([...mlp.modules()].every((m) => m.training), 'export runs in eval mode and restores training mode');
  let worst = await compare(bytes, mlp, ax.randn([2, 6]), 'MLP batch 2');
  worst = Math.max(worst, await compare(bytes, mlp, ax.randn([5, 6]).mul(3), 'MLP batch 5'));
  const soft = new ax.Sequential(new ax.Linear(6, 4), new ax.Softmax({ dim: 1 }));
  worst = Math.max(worst, await compare(ax.toOnnxBytes(soft, ax.randn([3, 6]), { opset: 13 }), soft, ax.randn([3, 6]), 'Softmax opset 13'));
  for (const opset of [20, 21]) worst = Math.max(worst, await compare(ax.toOnnxBytes(mlp, ax.randn([2, 6]), { opset }), mlp, ax.randn([2, 6]), `MLP opset ${opset} (Gelu op)`));
  t.diagnostic(`MLP max |Δ| ${worst.toExponential(2)}`);
});

test('a LeNet-style CNN with BatchNorm (running statistics) and Dropout matches onnxruntime', async (t: TestContext) => {
  ax.manualSeed(1);
  const net = new ax.Sequential(
    new ax.Conv2d(1, 4, 5, { padding: 2 }), new ax.BatchNorm2d(4), new ax.ReLU(), new ax.MaxPool2d(2),
    new ax.Conv2d(4, 8, 3, { padding: 'same', bias: false }), new ax.BatchNorm2d(8), new ax.Tanh(), new ax.AvgPool2d(2),
    new ax.Conv2d(8, 8, 2, { stride: 2, dilation: 1, groups: 2 }), new ax.ReLU(), new ax.MaxPool2d(3, { stride: 1, padding: 1 }),
    new ax.Flatten(), new ax.Dropout(0.25), new ax.Linear(8 * 3 * 3, 16), new ax.BatchNorm1d(16), new ax.ReLU(), new ax.Linear(16, 10),
  );
  jitter(net);
  for (let i = 0; i < 3; i++) ax.noGrad(() => net.forward(ax.randn([6, 1, 28, 28]))); // training steps move the running statistics
  const bytes = ax.toOnnxBytes(net, ax.randn([2, 1, 28, 28]), { dynamicAxes: dynBatch });
  let worst = await compare(bytes, net, ax.randn([2, 1, 28, 28]), 'LeNet batch 2');
  worst = Math.max(worst, await compare(bytes, net, ax.randn([5, 1, 28, 28]), 'LeNet batch 5'));
  const c1 = new ax.Sequential(new ax.Conv1d(3, 6, 4, { padding: 'same', dilation: 2 }), new ax.BatchNorm1d(6), new ax.ReLU(), new ax.MaxPool1d(2),
    new ax.Conv1d(6, 4, 3), new ax.AvgPool1d(2, { padding: 1, countIncludePad: false }), new ax.Flatten(), new ax.Linear(4 * 4, 2));
  for (let i = 0; i < 2; i++) ax.noGrad(() => c1.forward(ax.randn([4, 3, 16])));
  worst = Math.max(worst, await compare(ax.toOnnxBytes(c1, ax.randn([2, 3, 16])), c1, ax.randn([2, 3, 16]), 'Conv1d net'));
  const gap = new ax.Sequential(new ax.Conv2d(3, 4, 3), new ax.AdaptiveAvgPool2d(1), new ax.Flatten(), new ax.Linear(4, 2));
  worst = Math.max(worst, await compare(ax.toOnnxBytes(gap, ax.randn([2, 3, 9, 9])), gap, ax.randn([2, 3, 9, 9]), 'global average pool'));
  t.diagnostic(`CNN max |Δ| ${worst.toExponential(2)}`);
});

for (const Kind of [ax.RNN, ax.LSTM, ax.GRU] as const) {
  test(`${Kind.name}: batchFirst true/false, 1 and 2 layers, uni- and bidirectional match onnxruntime (all outputs)`, async (t: TestContext) => {
    ax.manualSeed(2);
    let worst = 0;
    for (const batchFirst of [false, true]) {
      for (const numLayers of [1, 2]) {
        for (const bidirectional of [false, true]) {
          const m = new Kind(3, 5, { batchFirst, numLayers, bidirectional, ...(Kind === ax.RNN && numLayers === 2 ? { nonlinearity: 'relu' as const } : {}) });
          const shape = (n: number, T: number): number[] => (batchFirst ? [n, T, 3] : [T, n, 3]);
          const b = batchFirst ? 0 : 1;
          const dyn = { input: { [b]: 'batch', [1 - b]: 'time' }, output: { [b]: 'batch', [1 - b]: 'time' }, h_n: { 1: 'batch' }, ...(Kind === ax.LSTM ? { c_n: { 1: 'batch' } } : {}) };
          const bytes = ax.toOnnxBytes(m, ax.randn(shape(2, 4)), { dynamicAxes: dyn });
          const what = `${Kind.name} batchFirst=${batchFirst} layers=${numLayers} bidirectional=${bidirectional}`;
          worst = Math.max(worst, await compare(bytes, m, ax.randn(shape(2, 4)), what));
          worst = Math.max(worst, await compare(bytes, m, ax.randn(shape(5, 7)), `${what}, batch 5 × 7 steps`));
        }
      }
    }
    t.diagnostic(`${Kind.name} max |Δ| ${worst.toExponential(2)}`);
  });
}

test('TransformerEncoderLayer (post-LN relu, pre-LN gelu; opset 17 LayerNormalization and opset 13 decomposed) matches onnxruntime', async (t: TestContext) => {
  ax.manualSeed(3);
  let worst = 0;
  for (const [opts, opset] of [[{ batchFirst: false, normFirst: false, activation: 'relu' as const }, 17], [{ batchFirst: true, normFirst: true, activation: 'gelu' as const }, 17],
    [{ batchFirst: true, normFirst: false, activation: 'relu' as const }, 13]] as const) {
    const layer = jitter(new ax.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0.1, ...opts }), 0.25);
    const shape = (n: number, L: number): number[] => (opts.batchFirst ? [n, L, 16] : [L, n, 16]);
    const b = opts.batchFirst ? 0 : 1;
    const dyn = { input: { [b]: 'batch', [1 - b]: 'seq' }, output: { [b]: 'batch', [1 - b]: 'seq' } };
    const bytes = ax.toOnnxBytes(layer, ax.randn(shape(2, 6)), { opset, dynamicAxes: dyn });
    const what = `encoder layer ${JSON.stringify(opts)} opset ${opset}`;
    worst = Math.max(worst, await compare(bytes, layer, ax.randn(shape(2, 6)), what));
    worst = Math.max(worst, await compare(bytes, layer, ax.randn(shape(5, 3)), `${what}, batch 5 × 3 positions`));
  }
  const enc = new ax.TransformerEncoder(new ax.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, normFirst: true }), 2, { norm: new ax.LayerNorm(8) });
  worst = Math.max(worst, await compare(ax.toOnnxBytes(enc, ax.randn([2, 5, 8])), enc, ax.randn([2, 5, 8]), 'TransformerEncoder'));
  t.diagnostic(`Transformer max |Δ| ${worst.toExponential(2)}`);
});

test('a tiny GPT (tied and untied head) matches onnxruntime, with dynamic batch and sequence length', async (t: TestContext) => {
  ax.manualSeed(4);
  let worst = 0;
  for (const tieWeights of [true, false]) {
    const gpt = jitter(new ax.GPT({ vocabSize: 11, contextLength: 8, nLayer: 2, nHead: 2, nEmbd: 16, tieWeights }), 0.25);
    const ids = (b: number, T: number): ax.Tensor => ax.randint(0, 11, [b, T], { dtype: 'int32' });
    const dyn = { idx: { 0: 'batch', 1: 'seq' }, logits: { 0: 'batch', 1: 'seq' } };
    const bytes = ax.toOnnxBytes(gpt, ids(2, 5), { dynamicAxes: dyn, inputNames: ['idx'], outputNames: ['logits'] });
    worst = Math.max(worst, await compare(bytes, gpt, ids(2, 5), `GPT tied=${tieWeights}`, 'idx'));
    worst = Math.max(worst, await compare(bytes, gpt, ids(3, 8), `GPT tied=${tieWeights}, batch 3 × 8`, 'idx'));
  }
  const emb = new ax.Sequential(new ax.Embedding(10, 4), new ax.Flatten(), new ax.Linear(12, 2));
  worst = Math.max(worst, await compare(ax.toOnnxBytes(emb, ax.randint(0, 10, [2, 3], { dtype: 'int32' })), emb, ax.randint(0, 10, [2, 3], { dtype: 'int32' }), 'Embedding'));
  t.diagnostic(`GPT max |Δ| ${worst.toExponential(2)}`);
});

test('the bytes decode as an ONNX ModelProto with the opset, names and dynamic dims asked for', () => {
  const mlp = new ax.Sequential(new ax.Linear(4, 3), new ax.ReLU(), new ax.Linear(3, 2));
  const bytes = ax.toOnnxBytes(mlp, ax.randn([2, 4]), { opset: 15, inputNames: ['x'], outputNames: ['y'], dynamicAxes: { x: { 0: 'n' }, y: [0] } });
  const m = onnxType('ModelProto').toObject(onnxType('ModelProto').decode(bytes), { longs: Number }) as {
    ir_version: number; opset_import: { domain?: string; version: number }[]; producer_name: string;
    graph: { node: { op_type: string }[]; initializer: { name: string; dims: number[] }[]; input: { name: string; type: { tensor_type: { elem_type: number; shape: { dim: { dim_value?: number; dim_param?: string }[] } } } }[]; output: { name: string; type: { tensor_type: { shape: { dim: { dim_value?: number; dim_param?: string }[] } } } }[] };
  };
  assert.equal(m.ir_version, 8);
  assert.deepEqual(m.opset_import.map((o) => o.version), [15]);
  assert.equal(m.producer_name, 'axon');
  assert.deepEqual(m.graph.node.map((n) => n.op_type), ['MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Identity']);
  assert.deepEqual(m.graph.initializer.map((i) => [i.name, i.dims]), [['0.weight^T', [4, 3]], ['0.bias', [3]], ['2.weight^T', [3, 2]], ['2.bias', [2]]]);
  assert.equal(m.graph.input[0]!.name, 'x');
  assert.equal(m.graph.input[0]!.type.tensor_type.elem_type, 1);
  assert.deepEqual(m.graph.input[0]!.type.tensor_type.shape.dim, [{ dim_param: 'n' }, { dim_value: 4 }]);
  assert.deepEqual(m.graph.output[0]!.type.tensor_type.shape.dim, [{ dim_param: 'y_dim0' }, { dim_value: 2 }]);
});

test('an unsupported module fails with UnsupportedModuleError naming it and listing the supported types', () => {
  const net = new ax.Sequential(new ax.Conv2d(1, 2, 3), new ax.ConvTranspose2d(2, 1, 2));
  assert.throws(() => ax.toOnnxBytes(net, ax.randn([1, 1, 6, 6])), (e: unknown) => {
    assert.ok(e instanceof ax.UnsupportedModuleError && e instanceof ax.AxonError);
    assert.equal(e.moduleType, 'ConvTranspose2d');
    assert.equal(e.path, '1');
    assert.match(e.message, /no ONNX exporter for module type ConvTranspose2d \(at '1'\); supported module types: .*Conv2d.*GPT.*LSTM.*TransformerEncoderLayer/);
    return true;
  });
  class Custom extends ax.Module { forward(x: ax.Tensor): ax.Tensor { return x; } }
  assert.throws(() => ax.toOnnxBytes(new Custom(), ax.randn([1, 2])), /module type Custom/);
  assert.throws(() => ax.toOnnxBytes(new ax.GPT({ vocabSize: 5, contextLength: 4, nLayer: 1, nHead: 1, nEmbd: 4, moe: { nExperts: 2, topK: 1 } }), ax.randint(0, 5, [1, 4], { dtype: 'int32' })), /Mixture-of-Experts/);
  assert.throws(() => ax.toOnnxBytes(new ax.Linear(2, 2), ax.randn([1, 2]), { opset: 9 }), /opset 9 is not supported/);
  assert.throws(() => ax.toOnnxBytes(new ax.Linear(2, 2), ax.randn([1, 2]), { inputNames: ['x'], dynamicAxes: { input: [0] } }), /dynamicAxes names 'input', which is not an input or output; the graph has input 'x'/);
  assert.ok(ax.onnxSupportedModules().includes('BatchNorm2d'));
});

test('exportOnnx writes the file and `axon export` turns a saved model into a working .onnx', async () => {
  ax.manualSeed(5);
  const mlp = new ax.Sequential(new ax.Linear(8, 6), new ax.ReLU(), new ax.Linear(6, 3));
  const direct = path.join(dir, 'direct.onnx');
  ax.exportOnnx(mlp, ax.randn([1, 8]), direct);
  await compare(readFileSync(direct), mlp, ax.randn([1, 8]), 'exportOnnx file');
  const saved = path.join(dir, 'mlp.safetensors');
  ax.save(mlp, saved);
  const out = path.join(dir, 'cli.onnx');
  const printed = execFileSync(process.execPath, [path.join(ROOT, 'bin/axon.js'), 'export', saved, '--onnx', out, '--input-shape', '2,8', '--opset', '17', '--dynamic-batch'], { encoding: 'utf8' });
  assert.match(printed, /cli\.onnx/);
  await compare(readFileSync(out), mlp, ax.randn([4, 8]), 'axon export (batch 4 after exporting batch 2)');
  const gpt = new ax.GPT({ vocabSize: 7, contextLength: 6, nLayer: 1, nHead: 2, nEmbd: 8 });
  const gptFile = path.join(dir, 'gpt.safetensors');
  ax.save(gpt, gptFile);
  execFileSync(process.execPath, [path.join(ROOT, 'bin/axon.js'), 'export', gptFile, '--onnx', path.join(dir, 'gpt.onnx')], { encoding: 'utf8' });
  await compare(readFileSync(path.join(dir, 'gpt.onnx')), gpt, ax.randint(0, 7, [1, 6], { dtype: 'int32' }), 'axon export GPT (default input shape)');
  assert.throws(() => execFileSync(process.execPath, [path.join(ROOT, 'bin/axon.js'), 'export', saved], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    (e: { status: number; stderr: string }) => e.status === 2 && /--onnx/.test(e.stderr));
});
