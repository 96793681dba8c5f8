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

test('the fixture is current (generator hash)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_explain.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_explain.py changed but test/fixtures/explain.* did not: re-run /usr/bin/python3 scripts/fixtures/gen_explain.py');
});

test('integration points and weights are Captum\'s (numpy linspace / leggauss)', () => {
  for (const [name, q] of Object.entries(fx.quadrature)) {
    const got = quadrature('test', q.method, q.n);
    assertClose(fromList(got.alphas), { shape: [q.n], data: q.alphas }, TOL.quadrature, `${name} points`);
    assertClose(fromList(got.weights), { shape: [q.n], data: q.weights }, TOL.quadrature, `${name} weights`);
  }
});

function mlp(): ax.Sequential {
  const m = new ax.Sequential(new ax.Linear(6, 10, { dtype: 'float64' }), new ax.Tanh(), new ax.Linear(10, 4, { dtype: 'float64' }));
  m.loadStateDict(stateOf('mlp'));
  return m;
}

test('MLP (float64): saliency, gradient, input × gradient, integrated gradients (5 rules) and delta, exact Shapley match PyTorch', () => {
  const model = mlp();
  const x = T('mlp/x');
  const target = fx.mlp.target;
  assertClose(ax.saliency(model, x, { target }), like(T('mlp/saliency')), TOL.fixtureF64, 'saliency');
  assertClose(ax.saliency(model, x, { target, abs: false }), like(T('mlp/gradient')), TOL.fixtureF64, 'gradient');
  assertClose(ax.inputXGradient(model, x, { target }), like(T('mlp/inputXGradient')), TOL.fixtureF64, 'input × gradient');
  for (const method of ['riemannLeft', 'riemannRight', 'riemannMiddle', 'riemannTrapezoid', 'gaussLegendre'] as const) {
    const r = ax.integratedGradients(model, x, { target, baseline: T('mlp/baseline'), steps: fx.mlp.steps, method });
    assertClose(r.attributions, like(T(`mlp/ig/${method}/attributions`)), TOL.fixtureF64, `IG ${method}`);
    assertClose(r.delta, like(T(`mlp/ig/${method}/delta`)), TOL.fixtureF64, `IG ${method} delta`);
  }
  const shap = ax.exactShapley((z) => model.forward(z), x, T('mlp/background'), { target });
  assertClose(shap.values, like(T('mlp/shapley/values')), TOL.fixtureF64, 'exact Shapley');
  assertClose(shap.baseValue, like(T('mlp/shapley/baseValue')), TOL.fixtureF64, 'base value');
  // Kernel SHAP enumerates all 62 coalitions at this budget: the same values.
  assertClose(ax.kernelShap((z) => model.forward(z), x, T('mlp/background'), { target, samples: 64 }).values, like(T('mlp/shapley/values')), TOL.kernelShapSolve, 'Kernel SHAP (enumerated)');
});

test('CNN (float32): Grad-CAM on a conv layer (layer size, nearest and bilinear resize) and saliency match PyTorch', () => {
  const model = new ax.Sequential(new ax.Conv2d(1, 4, 3, { padding: 1 }), new ax.ReLU(), new ax.MaxPool2d(2), new ax.Conv2d(4, 6, 3), new ax.ReLU(), new ax.Flatten(), new ax.Linear(54, 3));
  model.loadStateDict(stateOf('cnn'));
  const x = T('cnn/x');
  const target = fx.cnn.target;
  assertClose(ax.gradCam(model, fx.cnn.layer, x, { target, upsample: false }), like(T('cnn/gradcam/layer')), TOL.torchLayerF32, 'Grad-CAM at the layer');
  assertClose(ax.gradCam(model, model.layers[3]!, x, { target, interpolation: 'nearest' }), like(T('cnn/gradcam/nearest')), TOL.torchLayerF32, 'Grad-CAM nearest');
  assertClose(ax.gradCam(model, fx.cnn.layer, x, { target, interpolation: 'bilinear' }), like(T('cnn/gradcam/bilinear')), TOL.torchLayerF32, 'Grad-CAM bilinear');
  assertClose(ax.gradCam(model, '0', x, { target }), like(T('cnn/gradcam/conv0')), TOL.torchLayerF32, 'Grad-CAM on the first conv');
  assertClose(ax.saliency(model, x, { target }), like(T('cnn/saliency')), TOL.torchLayerF32, 'saliency');
});

test('Transformer encoder: attention weights per layer and head, and rollout, match nn.MultiheadAttention', () => {
  const { dModel, nhead, dimFeedforward, numLayers } = fx.encoder;
  const layer = new ax.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true });
  const enc = new ax.TransformerEncoder(layer, numLayers);
  enc.loadStateDict(stateOf('encoder'));
  enc.eval();
  const maps = ax.attentionMaps(enc, T('encoder/x'));
  assert.deepEqual(maps.layers.map((l) => l.name), ['layers.0.self_attn', 'layers.1.self_attn']);
  maps.layers.forEach((l, i) => assertClose(l.weights, like(T(`encoder/weights/${i}`)), TOL.torchLayerF32, `layer ${i} weights`));
  assertClose(maps.rollout!, like(T('encoder/rollout')), TOL.torchLayerF32, 'rollout');
});
