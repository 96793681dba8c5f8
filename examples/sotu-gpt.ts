// A character-level GPT on the State of the Union addresses: vocabulary of the
// ~90 printable ASCII characters in the corpus, context 64, width 128, 4 heads, 2 pre-LN blocks,
// MLP 4× GELU, AdamW, batch 16; the last 10% of the text (the most recent speeches) is held out.
// One "epoch" here is 200 steps (3.3 M characters would take ~200 of our epochs to see once);
// training also stops at a 15-minute budget. Samples go to stderr during and after training.
import {
  AdamW, CharTokenizer, GPT, Generator, asciiText, clipGradNorm, loadSotu, manualSeed, noGrad, scope, tensor,
  type GPTConfig,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

const STEPS_PER_EPOCH = 200;
const BATCH = 16;
const CONTEXT = 64;
const BUDGET_S = 15 * 60;

export interface SotuGptOptions extends ExampleOptions {
  /** Replace the MLPs with Mixture-of-Experts layers. */
  moe?: GPTConfig['moe'];
  /** Stop after this many seconds of training (default 900: 15 minutes). */
  budgetSeconds?: number;
  /** Use only the first `maxChars` characters of the corpus (tests; default: all ~10.7 M). */
  maxChars?: number;
}

export async function run(opts: SotuGptOptions = {}): Promise<ExampleResult> {
  return trainSotuGpt('sotu-gpt', opts);
}

export async function trainSotuGpt(name: string, { epochs = 40, seed = 0, verbose = true, moe = null, budgetSeconds = BUDGET_S, maxChars = Infinity }: SotuGptOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const text = asciiText(loadSotu().map((s) => s.text).join('\n\n')).slice(0, maxChars);
  const tok = CharTokenizer.fromText(text);
  const ids = Int32Array.from(tok.encode(text));
  const cut = Math.floor(ids.length * 0.9);
  const train = ids.subarray(0, cut);
  const val = ids.subarray(cut);
  const log = (s: string): void => { if (verbose) process.stderr.write(s + '\n'); };
  log(`${name}: ${text.length.toLocaleString('en-US')} chars, vocab ${tok.vocabSize}, train ${train.length.toLocaleString('en-US')} / validation ${val.length.toLocaleString('en-US')} (last 10%)`);

  const model = new GPT({ vocabSize: tok.vocabSize, contextLength: CONTEXT, nLayer: 2, nHead: 4, nEmbd: 128, dropout: 0, moe });
  const baseLr = 2e-3; // small models tolerate a high rate; decayed with a cosine to 10%
  const opt = new AdamW(model.parameters(), { lr: baseLr, betas: [0.9, 0.99], weightDecay: 0.01 });
  const rng = new Generator(seed + 1);
  const batch = (src: Int32Array, g: Generator): [number[][], number[][]] => {
    const xs: number[][] = [];
    const ys: number[][] = [];
    for (let b = 0; b < BATCH; b++) {
      const at = g.int(0, src.length - CONTEXT - 1);
      xs.push(Array.from(src.subarray(at, at + CONTEXT)));
      ys.push(Array.from(src.subarray(at + 1, at + CONTEXT + 1)));
    }
    return [xs, ys];
  };
  const valBatches = Array.from({ length: 25 }, ((g) => () => batch(val, g))(new Generator(12345))); // 25·16·64 = 25,600 held-out chars, fixed
  const validate = (): number => {
    model.eval();
    const l = valBatches.reduce((s, [x, y]) => s + noGrad(() => scope(() => model.loss(tensor(x, { dtype: 'int32' }), tensor(y, { dtype: 'int32' })).item())), 0) / valBatches.length;
    model.train();
    return l;
  };
  const sample = (n: number): string => {
    const start = tensor([tok.encode('\n')], { dtype: 'int32' });
    const out = model.generate(start, { maxNewTokens: n, temperature: 0.8, topK: 20, generator: new Generator(seed + 7) });
    return tok.decode(Array.from(out.data()).slice(1));
  };

  const totalSteps = epochs * STEPS_PER_EPOCH;
  let step = 0;
  let trainLoss = NaN;
  let valLoss = validate();
  let trainSeconds = 0;
  log(`step 0: validation ${valLoss.toFixed(3)} nats/char`);
  let epochsRun = 0;
  for (let e = 0; e < epochs && trainSeconds < budgetSeconds; e++) {
    const te = performance.now();
    let sum = 0;
    let n = 0;
    for (let s = 0; s < STEPS_PER_EPOCH && trainSeconds + (performance.now() - te) / 1000 < budgetSeconds; s++, step++) {
      opt.paramGroups[0]!.lr = baseLr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps)));
      const [x, y] = batch(train, rng);
      sum += scope(() => {
        opt.zeroGrad();
        const loss = model.loss(tensor(x, { dtype: 'int32' }), tensor(y, { dtype: 'int32' }));
        loss.backward();
        clipGradNorm(model.parameters(), 1.0);
        opt.step();
        return loss.item();
      });
      n++;
    }
    const dt = (performance.now() - te) / 1000;
    trainSeconds += dt;
    epochsRun++;
    trainLoss = sum / Math.max(1, n);
    valLoss = validate();
    log(`epoch ${e + 1} (step ${step}): train ${trainLoss.toFixed(3)}, validation ${valLoss.toFixed(3)} nats/char, ${((n * BATCH * CONTEXT) / dt).toFixed(0)} tokens/s, ${trainSeconds.toFixed(0)} s`);
    if ((e + 1) % 5 === 0) log(`--- sample ---\n${sample(200)}\n--------------`);
  }
  const final = sample(400);
  log(`--- final sample ---\n${final}\n--------------------`);
  const usage = moe ? model.h.map((b) => ('usageHistogram' in b.mlp ? b.mlp.usageHistogram().map((u) => Number(u.toFixed(3))) : [])) : null;
  if (usage) log(`expert usage per layer: ${JSON.stringify(usage)}`);
  return {
    example: name,
    metrics: { valLoss, trainLoss, steps: step, trainSeconds, tokensPerSecond: (step * BATCH * CONTEXT) / Math.max(trainSeconds, 1e-9), vocab: tok.vocabSize },
    epochs: epochsRun,
    seconds: (performance.now() - t0) / 1000,
    note: `validation loss ${valLoss.toFixed(3)} nats/char after ${step} steps (${trainSeconds.toFixed(0)} s of training); a uniform guess over the 96 characters scores ln 96 ≈ 4.56`,
  };
}
