// mnist-vae: the loss is the Bernoulli −ELBO, the grids are PNGs of the right size, and a short
// run learns (the −ELBO falls far below that of an untrained model) and writes both pictures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ax from '../../../src/index.js';
import { LATENT, Vae, binarize, digitGrid, negativeElbo, run } from '../../../examples/mnist-vae.js';

test('negativeElbo is BCE(sum) + KL(sum) over the batch size, for the sampled z', () => {
  ax.manualSeed(0);
  const model = new Vae();
  const x = binarize(ax.rand([3, 784], { generator: new ax.Generator(1) }));
  const r = negativeElbo(model, x, new ax.Generator(2));
  const [mu, logVar] = model.encode(x);
  const z = ax.reparameterize(mu, logVar, { generator: new ax.Generator(2) });
  const logits = model.decode(z);
  const p = ax.sigmoid(logits).data();
  const xs = x.data();
  let bce = 0;
  for (let i = 0; i < p.length; i++) bce -= xs[i]! * Math.log(p[i]!) + (1 - xs[i]!) * Math.log(1 - p[i]!);
  const [m, v] = [mu.data(), logVar.data()];
  let kl = 0;
  for (let i = 0; i < m.length; i++) kl += -0.5 * (1 + v[i]! - m[i]! ** 2 - Math.exp(v[i]!));
  assert.ok(Math.abs(r.recon.item() - bce / 3) < 1e-3, `${r.recon.item()} vs ${bce / 3}`);
  assert.ok(Math.abs(r.kl.item() - kl / 3) < 1e-4, `${r.kl.item()} vs ${kl / 3}`);
  assert.ok(Math.abs(r.loss.item() - (bce + kl) / 3) < 1e-3);
  assert.deepEqual(mu.shape, [3, LATENT]);
});

test('digitGrid writes a PNG of nrow digits per row, 2-pixel borders', () => {
  const png = digitGrid(ax.zeros([10, 784]), 4);
  const img = ax.decodeImage(png);
  assert.deepEqual(img.shape, [1, 3 * 30 + 2, 4 * 30 + 2]);
});

test('mnist-vae (short): the −ELBO falls and both PNG grids are written', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-vae-'));
  try {
    const r = await run({ epochs: 1, verbose: false, outDir: dir, testSamples: 1 });
    const m = r.metrics;
    assert.equal(r.example, 'mnist-vae');
    // An untrained decoder gives ~784·ln 2 ≈ 543 nats; one epoch gets far below.
    assert.ok(m.firstStepsNegativeElbo! > 400, JSON.stringify(m));
    assert.ok(m.testNegativeElbo! < 0.6 * m.firstStepsNegativeElbo!, JSON.stringify(m));
    assert.ok(Math.abs(m.testNegativeElbo! - m.testReconstruction! - m.testKl!) < 1e-6);
    assert.ok(m.testKl! > 0);
    assert.deepEqual(ax.decodeImage(readFileSync(path.join(dir, 'samples.png'))).shape, [1, 8 * 30 + 2, 8 * 30 + 2]);
    assert.deepEqual(ax.decodeImage(readFileSync(path.join(dir, 'latent-walk.png'))).shape, [1, 8 * 30 + 2, 10 * 30 + 2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
