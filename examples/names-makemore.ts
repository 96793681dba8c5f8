// Character-level generative models of English first names (makemore, after Karpathy's series):
// the 8,422 distinct female and male first names of @stdlib's lists, lower-cased, split 90/10 by
// name. Three models of p(next char | previous chars), each scored in nats per character on the
// held-out names (every character and the end of the name counts):
//   1. bigram counts with add-one smoothing (the baseline: one previous character);
//   2. an MLP over the previous 3 characters (Bengio et al. 2003, "A Neural Probabilistic
//      Language Model"): 24-dim embeddings, one tanh hidden layer of 256;
//   3. a small Transformer (the library's GPT: 2 pre-LN blocks, width 64, 4 heads, dropout 0.1)
//      that sees the whole name so far.
// `epochs` (default 20) counts passes over the training names for the Transformer; the MLP runs at
// most 12, where its validation loss has levelled off.
// Then 20 names sampled from the Transformer that are not in the training set.
// Vocabulary: '.' (start and end of a name), a–z and '-' (as in "Anne-Marie"). A character
// outside it is an error at encoding time (the lists hold no other), not silently dropped.
import {
  AdamW, Embedding, Flatten, GPT, Generator, Linear, Sequential, Tanh, ValueError, clipGradNorm, crossEntropy, loadFirstNames,
  manualSeed, noGrad, reshape, scope, tensor, type Tensor,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

const CHARS = '.abcdefghijklmnopqrstuvwxyz-';
const V = CHARS.length; // 28
const END = 0; // '.' starts and ends every name
const BLOCK = 3; // the MLP's context (Bengio's n−1)
const MAX_LEN = 16; // longest name (15) + the start token: the Transformer's context
const PAD = -100; // crossEntropy's ignoreIndex: targets after the end of a name

export interface NamesMakemoreOptions extends ExampleOptions {
  /** Use only this many names (tests; default: all 8,422). */
  maxNames?: number;
  /** Epochs for the MLP (default: `epochs`, at most 12: its validation loss has levelled off by then). */
  mlpEpochs?: number;
}

/** Character ids of a name with its end marker: "ann" → [1, 14, 14, 0]. */
export function encodeName(name: string): number[] {
  return [...name].map((c, i) => {
    const id = CHARS.indexOf(c);
    if (id <= 0) throw new ValueError('names-makemore', `character ${JSON.stringify(c)} at ${i} of ${JSON.stringify(name)} is not in the vocabulary "${CHARS.slice(1)}"; lower-case the name and drop other characters`);
    return id;
  }).concat(END);
}

function shuffle<T>(xs: T[], g: Generator): T[] {
  for (let i = xs.length - 1; i > 0; i--) { const j = g.int(0, i + 1); [xs[i], xs[j]] = [xs[j]!, xs[i]!]; }
  return xs;
}

/** Bigram counts with add-one (Laplace) smoothing: p(b | a) = (N[a][b] + 1) / (N[a][·] + V). */
function bigram(train: number[][]): { logP: number[][] } {
  const n = Array.from({ length: V }, () => new Array<number>(V).fill(1));
  for (const w of train) { let a = END; for (const b of w) { n[a]![b]!++; a = b; } }
  return { logP: n.map((row) => { const s = row.reduce((x, y) => x + y, 0); return row.map((c) => Math.log(c / s)); }) };
}

/** Mean −log p over every character (and end marker) of `names`. */
function bigramNats(logP: number[][], names: number[][]): number {
  let s = 0;
  let n = 0;
  for (const w of names) { let a = END; for (const b of w) { s -= logP[a]![b]!; a = b; n++; } }
  return s / n;
}

/**
 * Bengio et al.'s MLP: embed the previous BLOCK characters, concatenate, one tanh layer, logits.
 * Shape: (B, BLOCK) int32 → (B, BLOCK, 24) → (B, BLOCK·24) → (B, 256) → (B, V).
 */
function bengioMlp(): Sequential {
  return new Sequential(new Embedding(V, 24), new Flatten(), new Linear(BLOCK * 24, 256), new Tanh(), new Linear(256, V));
}

/** (context, next) pairs: each character of each name with the BLOCK characters before it ('.'-padded). */
function windows(names: number[][]): { ctx: number[][]; next: number[] } {
  const ctx: number[][] = [];
  const next: number[] = [];
  for (const w of names) {
    let c = new Array<number>(BLOCK).fill(END);
    for (const b of w) { ctx.push(c); next.push(b); c = [...c.slice(1), b]; }
  }
  return { ctx, next };
}

/** Transformer rows: input [., c1 … cn] and target [c1 … cn, .], padded to MAX_LEN. */
function rows(names: number[][]): { x: number[][]; y: number[][] } {
  return {
    x: names.map((w) => [END, ...w.slice(0, -1)].concat(new Array<number>(MAX_LEN - w.length).fill(END))),
    y: names.map((w) => w.concat(new Array<number>(MAX_LEN - w.length).fill(PAD))),
  };
}

export async function run({ epochs = 20, seed = 0, verbose = true, maxNames = Infinity, mlpEpochs = Math.min(epochs, 12) }: NamesMakemoreOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const log = (s: string): void => { if (verbose) process.stderr.write(s + '\n'); };
  const g = new Generator(seed + 1);
  const all = shuffle((await loadFirstNames()).map((n) => n.toLowerCase()), g).slice(0, maxNames);
  const cut = Math.round(all.length * 0.9);
  const trainNames = all.slice(0, cut);
  const valNames = all.slice(cut);
  const train = trainNames.map(encodeName);
  const val = valNames.map(encodeName);
  const trainSet = new Set(trainNames);
  const charsOf = (ws: number[][]): number => ws.reduce((s, w) => s + w.length, 0);
  log(`names-makemore: ${all.length} names, train ${train.length} (${charsOf(train)} chars) / validation ${val.length} (${charsOf(val)} chars), vocab ${V}; uniform guess ln ${V} = ${Math.log(V).toFixed(3)} nats/char`);

  // 1. bigram counts
  const { logP } = bigram(train);
  const bigramVal = bigramNats(logP, val);
  log(`bigram: validation ${bigramVal.toFixed(3)} nats/char (train ${bigramNats(logP, train).toFixed(3)})`);

  // 2. Bengio MLP, minibatches of 64 over the (context, next) pairs
  const mlp = bengioMlp();
  const trainW = windows(train);
  const valW = windows(val);
  const mlpNats = (w: { ctx: number[][]; next: number[] }): number => noGrad(() => scope(() => {
    let s = 0;
    for (let i = 0; i < w.next.length; i += 4096) {
      s += crossEntropy(mlp.forward(tensor(w.ctx.slice(i, i + 4096), { dtype: 'int32' })), tensor(w.next.slice(i, i + 4096), { dtype: 'int32' }), { reduction: 'sum' }).item();
    }
    return s / w.next.length;
  }));
  const mlpVal = trainLoop('MLP', mlp.parameters(), mlpEpochs, trainW.next.length, 64, 3e-3, g, (idx) => {
    return crossEntropy(mlp.forward(tensor(idx.map((i) => trainW.ctx[i]!), { dtype: 'int32' })), tensor(idx.map((i) => trainW.next[i]!), { dtype: 'int32' }));
  }, () => mlpNats(valW), log);

  // 3. a small Transformer over the whole name, one name per row
  const gpt = new GPT({ vocabSize: V, contextLength: MAX_LEN, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0.1 });
  const trainR = rows(train);
  const valR = rows(val);
  const gptLoss = (x: number[][], y: number[][], reduction: 'mean' | 'sum'): Tensor =>
    crossEntropy(reshape(gpt.forward(tensor(x, { dtype: 'int32' })), [-1, V]), reshape(tensor(y, { dtype: 'int32' }), [-1]), { ignoreIndex: PAD, reduction }); // (B·T, V) vs (B·T)
  const gptNats = (): number => {
    gpt.eval();
    const s = noGrad(() => scope(() => {
      let t = 0;
      for (let i = 0; i < valR.x.length; i += 512) t += gptLoss(valR.x.slice(i, i + 512), valR.y.slice(i, i + 512), 'sum').item();
      return t;
    }));
    gpt.train();
    return s / charsOf(val);
  };
  const gptVal = trainLoop('Transformer', gpt.parameters(), epochs, train.length, 32, 3e-3, g, (idx) => gptLoss(idx.map((i) => trainR.x[i]!), idx.map((i) => trainR.y[i]!), 'mean'), gptNats, log);

  // 20 samples (temperature 1: the model's own distribution) not in the training set
  const sampled: string[] = [];
  const gen = new Generator(seed + 7);
  let drawn = 0;
  let inTrain = 0;
  while (sampled.length < 20 && drawn < 2000) {
    const out = gpt.generate(tensor(new Array(50).fill([END]), { dtype: 'int32' }), { maxNewTokens: MAX_LEN - 1, stopToken: END, generator: gen }); // (50, 1) -> (50, ≤ MAX_LEN)
    const d = out.data();
    const W = out.shape[1]!; // 1 + the steps taken: generate stops early once every row has ended
    for (let r = 0; r < 50 && sampled.length < 20; r++) {
      const ids = Array.from(d.subarray(r * W + 1, (r + 1) * W));
      const name = ids.slice(0, ids.includes(END) ? ids.indexOf(END) : ids.length).map((i) => CHARS[i]).join('');
      drawn++;
      if (trainSet.has(name)) { inTrain++; continue; }
      if (name.length > 0 && !sampled.includes(name)) sampled.push(name);
    }
    out.dispose();
  }
  log(`20 sampled names not in the training set (${inTrain} of ${drawn} samples were training names):\n  ${sampled.map((s) => s[0]!.toUpperCase() + s.slice(1)).join(', ')}`);
  const ordered = gptVal < mlpVal && mlpVal < bigramVal;
  return {
    example: 'names-makemore',
    metrics: {
      bigramValNats: bigramVal, mlpValNats: mlpVal, transformerValNats: gptVal, uniformNats: Math.log(V),
      trainNames: train.length, valNames: val.length, samplesInTrainingSet: inTrain / Math.max(drawn, 1),
    },
    epochs,
    seconds: (performance.now() - t0) / 1000,
    note: `validation nats/char: bigram ${bigramVal.toFixed(3)}, MLP ${mlpVal.toFixed(3)}, Transformer ${gptVal.toFixed(3)} (${ordered ? 'Transformer < MLP < bigram' : 'NOT in the expected order'}); samples: ${sampled.join(' ')}`,
  };
}

/** AdamW on shuffled minibatches with a cosine decay to 10%; logs and returns the validation nats/char. */
function trainLoop(
  name: string, params: Tensor[], epochs: number, n: number, batch: number, lr: number, g: Generator,
  lossOf: (idx: number[]) => Tensor, validate: () => number, log: (s: string) => void,
): number {
  const opt = new AdamW(params, { lr, weightDecay: 0.01 });
  const steps = epochs * Math.ceil(n / batch);
  let step = 0;
  let val = validate();
  log(`${name}: before training validation ${val.toFixed(3)} nats/char`);
  for (let e = 0; e < epochs; e++) {
    const te = performance.now();
    const order = shuffle(Array.from({ length: n }, (_, i) => i), g);
    let sum = 0;
    let k = 0;
    for (let i = 0; i < n; i += batch, step++) {
      opt.paramGroups[0]!.lr = lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / steps)));
      sum += scope(() => {
        opt.zeroGrad();
        const loss = lossOf(order.slice(i, i + batch));
        loss.backward();
        clipGradNorm(params, 1.0);
        opt.step();
        return loss.item();
      });
      k++;
    }
    val = validate();
    log(`${name} epoch ${e + 1}: train ${(sum / k).toFixed(3)}, validation ${val.toFixed(3)} nats/char, ${((performance.now() - te) / 1000).toFixed(1)} s`);
  }
  return val;
}
