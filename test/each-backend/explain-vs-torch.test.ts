// The explainers against PyTorch: scripts/fixtures/gen_explain.py computes the same definitions
// (Captum's saliency, input × gradient, integrated gradients with its quadrature rules, Grad-CAM by
// hooks, nn.MultiheadAttention's weights, exact Shapley values) on fixed models saved as safetensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../src/index.js';
import { assertClose, readJson, ROOT } from '../helpers.js';
import { TOL } from '../tolerances.js';
import { quadrature, type IntegrationMethod } from '../../src/explain/quadrature.js';

// The explain module reads values on the CPU (targets, deltas, Shapley sums: docs/async-reads.md),
// so it runs on the ts and wasm backends; where values come back only asynchronously (WebGPU) its
// methods throw SyncReadError naming the async call, which the last test checks there.
const ASYNC_ONLY = ax.getBackend().syncRead === false;
const etest = (name: string, fn: () => void | Promise<void>): void => { test(name, { skip: ASYNC_ONLY && 'explain reads on the CPU; on this backend it throws SyncReadError (tested below)' }, fn); };

test('on a backend read only asynchronously, an explanation says which call fails and what to use', { skip: !ASYNC_ONLY && 'this backend reads synchronously' }, () => {
  const model = new ax.Sequential(new ax.Linear(3, 2));
  assert.throws(() => ax.saliency(model, ax.randn([1, 3]), { target: ax.tensor([1], { dtype: 'int32' }) }), (e: Error) => e instanceof ax.SyncReadError && /dataAsync/.test(e.message));
});


interface Fixture {
  generator_sha256: string;
  quadrature: Record<string, { method: IntegrationMethod; n: number; alphas: number[]; weights: number[] }>;
  mlp: { target: number[]; steps: number };
  cnn: { target: number[]; layer: string };
  encoder: { dModel: number; nhead: number; dimFeedforward: number; numLayers: number };
}
const fx = readJson<Fixture>('test/fixtures/explain.json');
const file = ax.loadSafetensorsSync(path.join(ROOT, 'test/fixtures/explain.safetensors')).tensors;
const T = (k: string): ax.Tensor => {
  const t = file[k];
  assert.ok(t, `fixture tensor ${k} missing: re-run /usr/bin/python3 scripts/fixtures/gen_explain.py`);
  return t;
};
const stateOf = (c: string): Record<string, ax.Tensor> =>
  Object.fromEntries(Object.entries(file).filter(([k]) => k.startsWith(`${c}/state/`)).map(([k, v]) => [k.slice(c.length + 7), v]));
const fromList = (v: number[]): ax.Tensor => ax.fromArray(v, [v.length], 'float64');
const like = (t: ax.Tensor): { shape: number[]; data: ArrayLike<number> } => ({ shape: [...t.shape], data: t.data() });

etest('the fixture is current (generator hash)', async () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_explain.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_explain.py changed but test/fixtures/explain.* did not: re-run /usr/bin/python3 scripts/fixtures/gen_explain.py');
});

etest('integration points and weights are Captum\'s (numpy linspace / leggauss)', async () => {
  for (const [name, q] of Object.entries(fx.quadrature)) {
    const got = quadrature('test', q.method, q.n);
    await assertClose(fromList(got.alphas), { shape: [q.n], data: q.alphas }, TOL.quadrature, `${name} points`);
    await assertClose(fromList(got.weights), { shape: [q.n], data: q.weights }, TOL.quadrature, `${name} weights`);
  }
});

function mlp(): ax.Sequential {
  const m = new ax.Sequential(new ax.Linear(6, 10, { dtype: 'float64' }), new ax.Tanh(), new ax.Linear(10, 4, { dtype: 'float64' }));
  m.loadStateDict(stateOf('mlp'));
  return m;
}

etest('MLP (float64): saliency, gradient, input × gradient, integrated gradients (5 rules) and delta, exact Shapley match PyTorch', async () => {
  const model = mlp();
  const x = T('mlp/x');
  const target = fx.mlp.target;
  await assertClose(ax.saliency(model, x, { target }), like(T('mlp/saliency')), TOL.fixtureF64, 'saliency');
  await assertClose(ax.saliency(model, x, { target, abs: false }), like(T('mlp/gradient')), TOL.fixtureF64, 'gradient');
  await assertClose(ax.inputXGradient(model, x, { target }), like(T('mlp/inputXGradient')), TOL.fixtureF64, 'input × gradient');
  for (const method of ['riemannLeft', 'riemannRight', 'riemannMiddle', 'riemannTrapezoid', 'gaussLegendre'] as const) {
    const r = ax.integratedGradients(model, x, { target, baseline: T('mlp/baseline'), steps: fx.mlp.steps, method });
    await assertClose(r.attributions, like(T(`mlp/ig/${method}/attributions`)), TOL.fixtureF64, `IG ${method}`);
    await assertClose(r.delta, like(T(`mlp/ig/${method}/delta`)), TOL.fixtureF64, `IG ${method} delta`);
  }
  const shap = ax.exactShapley((z) => model.forward(z), x, T('mlp/background'), { target });
  await assertClose(shap.values, like(T('mlp/shapley/values')), TOL.fixtureF64, 'exact Shapley');
  await assertClose(shap.baseValue, like(T('mlp/shapley/baseValue')), TOL.fixtureF64, 'base value');
  // Kernel SHAP enumerates all 62 coalitions at this budget: the same values.
  await assertClose(ax.kernelShap((z) => model.forward(z), x, T('mlp/background'), { target, samples: 64 }).values, like(T('mlp/shapley/values')), TOL.kernelShapSolve, 'Kernel SHAP (enumerated)');
});

etest('CNN (float32): Grad-CAM on a conv layer (layer size, nearest and bilinear resize) and saliency match PyTorch', async () => {
  const model = new ax.Sequential(new ax.Conv2d(1, 4, 3, { padding: 1 }), new ax.ReLU(), new ax.MaxPool2d(2), new ax.Conv2d(4, 6, 3), new ax.ReLU(), new ax.Flatten(), new ax.Linear(54, 3));
  model.loadStateDict(stateOf('cnn'));
  const x = T('cnn/x');
  const target = fx.cnn.target;
  await assertClose(ax.gradCam(model, fx.cnn.layer, x, { target, upsample: false }), like(T('cnn/gradcam/layer')), TOL.torchLayerF32, 'Grad-CAM at the layer');
  await assertClose(ax.gradCam(model, model.layers[3]!, x, { target, interpolation: 'nearest' }), like(T('cnn/gradcam/nearest')), TOL.torchLayerF32, 'Grad-CAM nearest');
  await assertClose(ax.gradCam(model, fx.cnn.layer, x, { target, interpolation: 'bilinear' }), like(T('cnn/gradcam/bilinear')), TOL.torchLayerF32, 'Grad-CAM bilinear');
  await assertClose(ax.gradCam(model, '0', x, { target }), like(T('cnn/gradcam/conv0')), TOL.torchLayerF32, 'Grad-CAM on the first conv');
  await assertClose(ax.saliency(model, x, { target }), like(T('cnn/saliency')), TOL.torchLayerF32, 'saliency');
});

etest('Transformer encoder: attention weights per layer and head, and rollout, match nn.MultiheadAttention', async () => {
  const { dModel, nhead, dimFeedforward, numLayers } = fx.encoder;
  const layer = new ax.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true });
  const enc = new ax.TransformerEncoder(layer, numLayers);
  enc.loadStateDict(stateOf('encoder'));
  enc.eval();
  const maps = ax.attentionMaps(enc, T('encoder/x'));
  assert.deepEqual(maps.layers.map((l) => l.name), ['layers.0.self_attn', 'layers.1.self_attn']);
  for (const [i, l] of maps.layers.entries()) await assertClose(l.weights, like(T(`encoder/weights/${i}`)), TOL.torchLayerF32, `layer ${i} weights`);
  await assertClose(maps.rollout!, like(T('encoder/rollout')), TOL.torchLayerF32, 'rollout');
});
