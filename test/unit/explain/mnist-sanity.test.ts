// Sanity checks that can fail, on the shipped CNN trained on MNIST digits 0–4
// (pretrained/mnist-cnn-0to4): the maps put their mass on the digit's strokes, not the background,
// and they depend on the learned weights (Adebayo et al. 2018, "Sanity Checks for Saliency Maps":
// re-initialise the weights and the map must change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import '../../helpers.js';

const N = 16;

async function loadDigits(): Promise<{ raw: Float32Array; x: ax.Tensor; target: number[] }> {
  const { test: part } = await ax.loadMnist({ seed: 0 });
  const y = part.y.data();
  const keep: number[] = [];
  for (let i = 0; i < y.length && keep.length < N; i++) if (y[i]! < 5) keep.push(i);
  const raw = ax.reshape(ax.indexSelect(part.x, 0, ax.tensor(keep, { dtype: 'int32' })), [N, 1, 28, 28]); // (N, 784) -> (N, 1, 28, 28)
  return { raw: Float32Array.from(raw.data()), x: ax.div(ax.sub(raw, 0.1307), 0.3081), target: keep.map((i) => y[i]!) };
}

/** Per image: mean |attribution| on the digit's pixels (ink > 0.5) ÷ mean |attribution| on the rest. */
function inkRatios(attr: ax.Tensor, raw: Float32Array): number[] {
  const a = attr.data();
  return Array.from({ length: N }, (_, n) => {
    let si = 0, ci = 0, so = 0, co = 0;
    for (let p = 0; p < 784; p++) {
      const v = Math.abs(a[n * 784 + p]!);
      if (raw[n * 784 + p]! > 0.5) { si += v; ci++; } else { so += v; co++; }
    }
    return si / ci / (so / co);
  });
}

/** Spearman rank correlation of |a| and |b| for each image. */
function rankCorrelations(a: ax.Tensor, b: ax.Tensor): number[] {
  const rank = (v: number[]): Float64Array => {
    const r = new Float64Array(v.length);
    [...v.keys()].sort((i, j) => v[i]! - v[j]!).forEach((k, i) => { r[k] = i; });
    return r;
  };
  const da = a.data(), db = b.data();
  return Array.from({ length: N }, (_, n) => {
    const ra = rank(Array.from(da.subarray(n * 784, (n + 1) * 784), Math.abs));
    const rb = rank(Array.from(db.subarray(n * 784, (n + 1) * 784), Math.abs));
    const m = 783 / 2;
    let ab = 0, aa = 0, bb = 0;
    for (let i = 0; i < 784; i++) { ab += (ra[i]! - m) * (rb[i]! - m); aa += (ra[i]! - m) ** 2; bb += (rb[i]! - m) ** 2; }
    return ab / Math.sqrt(aa * bb);
  });
}

let cached: ReturnType<typeof loadDigits> | null = null;
const digits = (): ReturnType<typeof loadDigits> => (cached ??= loadDigits());
const model = ax.loadPretrained('mnist-cnn-0to4').model;

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

test('on MNIST, saliency, Grad-CAM and integrated gradients put far more mass per pixel on the digit than on the background', async () => {
  const { raw, x, target } = await digits();
  // Measured (the first 16 test digits 0–4, seed 0): saliency mean 5.7, min 3.9; Grad-CAM (conv 2,
  // 14×14, bilinear) mean 4.7, min 2.2; IG (8 points, baseline 0) mean 28.0, min 19.5. The bars:
  // ≥ 3× on average for saliency and Grad-CAM, ≥ 10× for IG, no image below 2× for saliency.
  const sal = inkRatios(ax.saliency(model, x, { target }), raw);
  const cam = inkRatios(ax.gradCam(model, '3', x, { target }), raw);
  const ig = inkRatios(ax.integratedGradients(model, x, { target, steps: 8 }).attributions, raw);
  assert.ok(mean(sal) >= 3 && Math.min(...sal) >= 2, `saliency ink/background ratios: mean ${mean(sal).toFixed(2)}, min ${Math.min(...sal).toFixed(2)}`);
  assert.ok(mean(cam) >= 3, `Grad-CAM ink/background ratio: mean ${mean(cam).toFixed(2)}`);
  assert.ok(mean(ig) >= 10, `integrated gradients ink/background ratio: mean ${mean(ig).toFixed(2)}`);
});

test('model randomisation (Adebayo et al.): with re-initialised weights the saliency and Grad-CAM maps change', async () => {
  const { x, target } = await digits();
  ax.manualSeed(99);
  const random = new ax.Sequential(new ax.Conv2d(1, 16, 3, { padding: 1 }), new ax.ReLU(), new ax.MaxPool2d(2), new ax.Conv2d(16, 32, 3, { padding: 1 }),
    new ax.ReLU(), new ax.MaxPool2d(2), new ax.Flatten(), new ax.Linear(1568, 5)).eval();
  const sal = ax.saliency(model, x, { target });
  const cam = ax.gradCam(model, '3', x, { target });
  assert.ok(Math.min(...rankCorrelations(sal, ax.saliency(model, x, { target }))) > 0.999, 'the same model gives the same map (the measure sees similarity)');
  // Measured: mean Spearman correlation 0.14 (saliency) and 0.17 (Grad-CAM) between trained and
  // random weights; a map that ignored the weights (an edge detector) would stay near 1.
  const rs = rankCorrelations(sal, ax.saliency(random, x, { target }));
  const rc = rankCorrelations(cam, ax.gradCam(random, '3', x, { target }));
  assert.ok(mean(rs) < 0.4, `saliency barely changed under randomisation: mean rank correlation ${mean(rs).toFixed(3)}`);
  assert.ok(mean(rc) < 0.4, `Grad-CAM barely changed under randomisation: mean rank correlation ${mean(rc).toFixed(3)}`);
});
