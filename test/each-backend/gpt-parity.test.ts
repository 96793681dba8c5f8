// L6 parity: a tiny GPT loaded from PyTorch's safetensors weights and trained with AdamW on the
// same 100 batches follows PyTorch's loss curve within 1% relative at every step
// (test/fixtures/gpt-parity.*, written by scripts/fixtures/gen_gpt_parity.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../src/index.js';
import { readJson, ROOT, TEST_BACKEND, values } from '../helpers.js';
import { TOL } from '../tolerances.js';

interface Parity { generator_sha256: string; config: ax.GPTConfig; optimizer: { lr: number; betas: [number, number]; eps: number; weightDecay: number }; batches: [number[][], number[][]][]; losses: number[] }
const fx = readJson<Parity>('test/fixtures/gpt-parity.json');

test('gpt parity fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_gpt_parity.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_gpt_parity.py changed but test/fixtures/gpt-parity.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_gpt_parity.py');
});

// On WebGPU the first 40 steps: in CI the GPU is SwiftShader (emulated on the CPU), where each of
// a step's ~300 dispatches costs what a whole step costs on wasm; 40 steps already cover the
// steep part of the curve (the loss falls by a quarter), and every step is checked the same way.
const STEPS = TEST_BACKEND === 'webgpu' ? 40 : 100;

test(`GPT (2 layers, width 32) from PyTorch weights follows PyTorch AdamW loss curve within 1% over ${STEPS} steps`, async () => {
  const model = new ax.GPT(fx.config);
  const { tensors } = ax.loadSafetensorsSync(path.join(ROOT, 'test/fixtures/gpt-parity.safetensors'));
  model.loadStateDict(tensors); // strict: every key matches by name and shape
  const opt = new ax.AdamW(model.parameters(), fx.optimizer);
  // The losses stay on the device and come back in one read at the end (no read per step).
  const perStep = fx.batches.slice(0, STEPS).map(([x, y]) => ax.scope(() => {
    opt.zeroGrad();
    const loss = model.loss(ax.tensor(x, { dtype: 'int32' }), ax.tensor(y, { dtype: 'int32' }));
    loss.backward();
    opt.step();
    return loss.detach();
  }));
  const losses = await values(ax.stack(perStep));
  assert.equal(losses.length, STEPS);
  let worst = 0;
  losses.forEach((l, i) => {
    const rel = Math.abs(l - fx.losses[i]!) / Math.abs(fx.losses[i]!);
    worst = Math.max(worst, rel);
    assert.ok(rel <= TOL.lossCurve.rtol, `step ${i}: loss ${l} vs PyTorch ${fx.losses[i]} (${(rel * 100).toFixed(3)}% off)`);
  });
  assert.ok(fx.losses[99]! < fx.losses[0]! * 0.7, 'the reference curve must actually descend');
  assert.ok(worst < TOL.lossCurve.rtol);
});
