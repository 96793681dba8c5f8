// Generating images with a variational autoencoder (Kingma & Welling 2014) on binarised MNIST:
// an encoder maps a digit to a Gaussian q(z|x) = N(μ, σ²) over a 16-dim latent, a sample
// z = μ + σ·ε (the reparameterisation trick) is decoded to 784 Bernoulli pixel probabilities, and
// training maximises the evidence lower bound
//   ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ N(0, I)) ≤ log p(x),
// with the Bernoulli log-likelihood (binary cross-entropy on the logits) and the KL in closed
// form. The figure is the test negative ELBO in nats per digit (an upper bound on −log p(x); lower
// is better), with its reconstruction and KL parts. The pixels are binarised at 0.5 so the
// Bernoulli likelihood is a proper probability. New digits come from decoding z ~ N(0, I); the
// latent walk decodes the straight line between the posterior means of two test digits.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  Adam, Generator, Linear, Module, ReLU, Sequential, add, binaryCrossEntropyWithLogits, cat, chunk, div, encodePng,
  fromArray, gaussianKl, gt, imageGrid, loadMnist, manualSeed, noGrad, randn, reparameterize, reshape, scope, sigmoid,
  type Tensor,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

export const LATENT = 16;
const HIDDEN = 256;

/** The VAE: encode (N, 784) → μ, logVar (N, 16); decode (N, 16) → (N, 784) pixel logits. */
export class Vae extends Module {
  encoder = new Sequential(new Linear(784, HIDDEN), new ReLU(), new Linear(HIDDEN, 2 * LATENT)); // (N, 784) -> (N, 32)
  decoder = new Sequential(new Linear(LATENT, HIDDEN), new ReLU(), new Linear(HIDDEN, 784)); // (N, 16) -> (N, 784)
  encode(x: Tensor): [mu: Tensor, logVar: Tensor] {
    const [mu, logVar] = chunk(this.encoder.forward(x), 2, 1); // (N, 32) -> 2 × (N, 16)
    return [mu!, logVar!];
  }
  decode(z: Tensor): Tensor {
    return this.decoder.forward(z); // (N, 16) -> (N, 784) logits
  }
  /** Reconstruction logits, μ and logVar of one posterior sample per row. */
  forward(x: Tensor, generator?: Generator): [logits: Tensor, mu: Tensor, logVar: Tensor] {
    const [mu, logVar] = this.encode(x);
    return [this.decode(reparameterize(mu, logVar, generator ? { generator } : {})), mu, logVar];
  }
}

/** −ELBO per digit (nats), split into −E[log p(x|z)] (one z sample) and the KL: all (N,) summed over pixels/latents then averaged. */
export function negativeElbo(model: Vae, x: Tensor, generator?: Generator): { loss: Tensor; recon: Tensor; kl: Tensor } {
  const n = x.shape[0]!;
  const [logits, mu, logVar] = model.forward(x, generator);
  const recon = div(binaryCrossEntropyWithLogits(logits, x, { reduction: 'sum' }), n); // −log p(x|z), Bernoulli
  const kl = div(gaussianKl(mu, logVar, { reduction: 'sum' }), n); // KL(q(z|x) ‖ N(0, I)), closed form
  return { loss: add(recon, kl), recon, kl };
}

/** Pixels binarised at 0.5 (a fixed, deterministic binarisation). Shape: (N, 784) → (N, 784) of 0/1. */
export const binarize = (x: Tensor): Tensor => gt(x, 0.5).float();

/** Decoded Bernoulli means as a PNG grid. Shape: logits (N, 784) → PNG of ⌈N / nrow⌉ × nrow digits. */
export function digitGrid(logits: Tensor, nrow: number): Uint8Array {
  return encodePng(imageGrid(reshape(sigmoid(logits), [logits.shape[0]!, 1, 28, 28]), { nrow, padding: 2, padValue: 1 })); // (N, 784) -> (N, 1, 28, 28) -> (1, H, W)
}

export interface VaeOptions extends ExampleOptions {
  /** Where the PNG grids go. Default mnist-vae/ in the working directory. */
  outDir?: string;
  /** Posterior samples per test digit in the ELBO estimate. Default 5. */
  testSamples?: number;
}

export async function run({ epochs = 30, seed = 0, verbose = true, outDir = 'mnist-vae', testSamples = 5 }: VaeOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  const log = (s: string): void => { if (verbose) console.error(s); };
  manualSeed(seed);
  const { train, test } = await loadMnist({ seed });
  const [xTrain, xTest] = [binarize(train.x), binarize(test.x)]; // (8000, 784), (2000, 784)
  const model = new Vae();
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const g = new Generator(seed + 1);
  const batch = 100;
  const n = xTrain.shape[0]!;
  const trainData = xTrain.data();
  const epochLosses: number[] = [];
  let firstSteps = NaN;
  for (let e = 0; e < epochs; e++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = g.int(0, i + 1); [order[i], order[j]] = [order[j]!, order[i]!]; }
    let total = 0;
    const steps = Math.floor(n / batch);
    const early: number[] = [];
    for (let s = 0; s < steps; s++) {
      const rows = new Float32Array(batch * 784);
      for (let k = 0; k < batch; k++) rows.set(trainData.subarray(order[s * batch + k]! * 784, (order[s * batch + k]! + 1) * 784), k * 784);
      const loss = scope(() => {
        opt.zeroGrad();
        const { loss: l } = negativeElbo(model, fromArray(rows, [batch, 784], 'float32'), g); // (100, 784)
        l.backward();
        opt.step();
        return l.item();
      });
      total += loss;
      if (e === 0 && s < 10) early.push(loss);
    }
    if (e === 0) firstSteps = early.reduce((a, b) => a + b, 0) / early.length;
    epochLosses.push(total / steps);
    log(`epoch ${e + 1}/${epochs}: train −ELBO ${epochLosses.at(-1)!.toFixed(2)} nats/digit`);
  }
  model.eval();
  // Test −ELBO: the closed-form KL plus the reconstruction term averaged over `testSamples` draws of z.
  const tg = new Generator(seed + 2);
  const parts = noGrad(() => {
    let [recon, kl] = [0, 0];
    const m = xTest.shape[0]!;
    for (let s = 0; s < m; s += 500) {
      scope(() => {
        const x = xTest.slice([s, Math.min(s + 500, m)]); // (≤500, 784)
        const w = x.shape[0]! / m;
        for (let k = 0; k < testSamples; k++) {
          const r = negativeElbo(model, x, tg);
          recon += (r.recon.item() * w) / testSamples;
          if (k === 0) kl += r.kl.item() * w;
        }
      });
    }
    return { recon, kl };
  });
  const testNelbo = parts.recon + parts.kl;
  // Pictures: 64 digits from the prior, and walks between pairs of test digits' posterior means.
  mkdirSync(outDir, { recursive: true });
  const samplesFile = path.join(outDir, 'samples.png');
  const walkFile = path.join(outDir, 'latent-walk.png');
  noGrad(() => {
    writeFileSync(samplesFile, digitGrid(model.decode(randn([64, LATENT], { generator: new Generator(seed + 3) })), 8));
    const ends = xTest.slice([0, 16]); // 8 pairs of test digits: rows 2i and 2i + 1
    const [mu] = model.encode(ends); // (16, 16)
    const steps = 10;
    const walk: Tensor[] = [];
    for (let p = 0; p < 8; p++) {
      const [a, b] = [mu.slice([2 * p, 2 * p + 1]), mu.slice([2 * p + 1, 2 * p + 2])]; // (1, 16) each
      for (let t = 0; t < steps; t++) walk.push(add(a, div(reshape(b.sub(a), [1, LATENT]).mul(t), steps - 1))); // a + (b − a)·t/(steps − 1)
    }
    writeFileSync(walkFile, digitGrid(model.decode(cat(walk, 0)), steps)); // (80, 16) -> 8 rows of 10
  });
  const metrics = {
    testNegativeElbo: testNelbo, testReconstruction: parts.recon, testKl: parts.kl,
    trainNegativeElbo: epochLosses.at(-1) ?? NaN, firstStepsNegativeElbo: firstSteps, latentDims: LATENT,
  };
  return {
    example: 'mnist-vae', metrics, epochs, seconds: (performance.now() - t0) / 1000,
    note: `test −ELBO ${testNelbo.toFixed(1)} nats per binarised digit (reconstruction ${parts.recon.toFixed(1)} + KL ${parts.kl.toFixed(1)}); samples in ${samplesFile}, a latent walk in ${walkFile}`,
  };
}
