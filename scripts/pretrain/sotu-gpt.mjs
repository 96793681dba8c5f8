// Pretrains the small character-level GPT shipped as pretrained/sotu-gpt-small.safetensors:
// the State of the Union addresses (ASCII-folded), a fixed vocabulary of newline + the 95
// printable ASCII characters (so any asciiText() string encodes), context 128, width 128,
// 4 heads, 2 pre-LN blocks, AdamW with a cosine decay, batch 16, a fixed number of steps and
// fixed seeds; the last 10% of the text is held out for the validation loss printed at the end.
// Run after `npm run build`: node scripts/pretrain/sotu-gpt.mjs [steps]
import {
  AdamW, CharTokenizer, GPT, Generator, asciiText, clipGradNorm, loadSotu, manualSeed, noGrad, save, scope, tensor,
} from '../../dist/src/index.js';

const STEPS = Number(process.argv[2] ?? 2000);
const BATCH = 16;
const CONTEXT = 128;
const SEED = 0;
const OUT = new URL('../../pretrained/sotu-gpt-small.safetensors', import.meta.url);

const t0 = performance.now();
manualSeed(SEED);
const chars = ['\n', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i))];
const tok = new CharTokenizer(chars);
const text = asciiText(loadSotu().map((s) => s.text).join('\n\n'));
const ids = Int32Array.from(tok.encode(text));
const cut = Math.floor(ids.length * 0.9);
const train = ids.subarray(0, cut);
const val = ids.subarray(cut);
console.log(`sotu-gpt-small: ${text.length.toLocaleString('en-US')} chars, vocab ${tok.vocabSize}, ${STEPS} steps of ${BATCH}×${CONTEXT}`);

const config = { vocabSize: tok.vocabSize, contextLength: CONTEXT, nLayer: 2, nHead: 4, nEmbd: 128, dropout: 0 };
const model = new GPT(config);
const baseLr = 2e-3;
const opt = new AdamW(model.parameters(), { lr: baseLr, betas: [0.9, 0.99], weightDecay: 0.01 });
const rng = new Generator(SEED + 1);
const batch = (src, g) => {
  const xs = [];
  const ys = [];
  for (let b = 0; b < BATCH; b++) {
    const at = g.int(0, src.length - CONTEXT - 1);
    xs.push(Array.from(src.subarray(at, at + CONTEXT)));
    ys.push(Array.from(src.subarray(at + 1, at + CONTEXT + 1)));
  }
  return [xs, ys];
};
const vg = new Generator(12345);
const valBatches = Array.from({ length: 20 }, () => batch(val, vg)); // 20·16·128 = 40,960 held-out chars, fixed
const validate = () => {
  model.eval();
  const l = valBatches.reduce((s, [x, y]) => s + noGrad(() => scope(() => model.loss(tensor(x, { dtype: 'int32' }), tensor(y, { dtype: 'int32' })).item())), 0) / valBatches.length;
  model.train();
  return l;
};

let sum = 0;
let n = 0;
for (let step = 0; step < STEPS; step++) {
  opt.paramGroups[0].lr = baseLr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / STEPS)));
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
  if ((step + 1) % 200 === 0 || step + 1 === STEPS) {
    console.log(`step ${step + 1}: train ${(sum / n).toFixed(3)} nats/char, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    sum = 0;
    n = 0;
  }
}
const valLoss = validate();
const trainSeconds = (performance.now() - t0) / 1000;
model.eval();
const start = tensor([tok.encode('\n')], { dtype: 'int32' });
const sample = tok.decode(Array.from(model.generate(start, { maxNewTokens: 200, temperature: 0.8, topK: 20, generator: new Generator(7) }).data()).slice(1));
save(model, OUT.pathname, {
  extra: {
    name: 'sotu-gpt-small',
    tokenizer: tok.toJSON(),
    text: 'asciiText() of the State of the Union addresses; last 10% held out',
    steps: STEPS, batch: BATCH, seed: SEED,
    valLoss: Number(valLoss.toFixed(4)),
  },
});
console.log(`--- sample ---\n${sample}\n--------------`);
console.log(JSON.stringify({ model: 'sotu-gpt-small', valLoss: Number(valLoss.toFixed(4)), steps: STEPS, seconds: Number(trainSeconds.toFixed(1)) }));
