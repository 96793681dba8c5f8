// The pretrained models that ship in pretrained/: both load with their architecture, the CNN
// still scores high on the 0–4 digits it was trained for, the GPT predicts text, unknown names are
// refused with the list; the transfer examples beat training from scratch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ax from '../../../src/index.js';
import { digitSubset, mnistImages } from '../../../examples/mnist-transfer.js';
import { run as mnistTransfer } from '../../../examples/mnist-transfer.js';
import { run as spamGpt } from '../../../examples/spam-gpt-finetune.js';

test('listPretrained names each model with a one-line description', () => {
  const list = ax.listPretrained();
  assert.deepEqual(list.map((m) => m.name).sort(), ['mnist-cnn-0to4', 'sotu-gpt-small']);
  for (const m of list) assert.ok(m.description.length > 20 && !m.description.includes('\n'), m.name);
});

test('an unknown name is refused with a ValueError that lists the models', async () => {
  assert.throws(() => ax.loadPretrained('mnist-cnn'), (e: unknown) => e instanceof ax.ValueError && /'mnist-cnn-0to4', 'sotu-gpt-small'/.test(e.message));
  await assert.rejects(ax.loadPretrainedAsync('gpt2'), (e: unknown) => e instanceof ax.ValueError && /mnist-cnn-0to4/.test(e.message));
});

test('the shipped files are small and carry their architecture', () => {
  for (const m of ax.listPretrained()) {
    const bytes = readFileSync(new URL(`../../../../pretrained/${m.file}`, import.meta.url));
    assert.ok(bytes.length < 5 * 1024 * 1024, `${m.file}: ${bytes.length} bytes`);
    assert.ok(ax.parseCheckpoint(bytes).model instanceof ax.Module);
  }
});

test('the pretrained CNN classifies the 0–4 test digits it never saw at ≥ 95%', async () => {
  const { model, tokenizer, info, extra } = ax.loadPretrained('mnist-cnn-0to4');
  assert.equal(tokenizer, null);
  assert.equal(info.name, 'mnist-cnn-0to4');
  assert.deepEqual(extra.classes, [0, 1, 2, 3, 4]);
  const { test: part } = await ax.loadMnist({ seed: 0 });
  const te = digitSubset(part, 0, 4);
  const x = ax.slice(mnistImages(te.x), [[0, 400]]); // (400, 1, 28, 28)
  const y = ax.slice(te.y, [[0, 400]]);
  const acc = ax.evaluate(model, { x, y }).accuracy!;
  assert.ok(acc >= 0.95, `accuracy ${acc}`);
});

test('the pretrained GPT comes with its tokenizer, predicts State of the Union text and generates', () => {
  const { model, tokenizer, extra } = ax.loadPretrained('sotu-gpt-small');
  assert.ok(model instanceof ax.GPT);
  assert.ok(tokenizer instanceof ax.CharTokenizer);
  assert.equal(tokenizer.vocabSize, 96);
  assert.equal(typeof extra.valLoss, 'number');
  const text = ax.asciiText('The State of the Union is strong. We will work together with the Congress to make our economy stronger for every American family.');
  const ids = tokenizer.encode(text);
  const x = ax.tensor([ids.slice(0, -1)], { dtype: 'int32' }); // (1, T)
  const y = ax.tensor([ids.slice(1)], { dtype: 'int32' });
  const loss = ax.noGrad(() => model.loss(x, y).item());
  assert.ok(loss < 2.2, `loss ${loss} nats/char (uniform: ln 96 = 4.56)`);
  const feats = model.features(x);
  assert.deepEqual(feats.shape, [1, ids.length - 1, model.cfg.nEmbd]);
  const out = model.generate(ax.tensor([tokenizer.encode('The ')], { dtype: 'int32' }), { maxNewTokens: 40, temperature: 0.8, topK: 20, generator: new ax.Generator(1) });
  const s = tokenizer.decode(Array.from(out.data()));
  assert.equal(s.length, 44);
  assert.ok(s.startsWith('The '));
});

test('loadPretrainedAsync gives the same model as loadPretrained', async () => {
  const a = ax.loadPretrained('mnist-cnn-0to4').model;
  const b = (await ax.loadPretrainedAsync('mnist-cnn-0to4')).model;
  const sa = a.stateDict();
  const sb = b.stateDict();
  for (const k of Object.keys(sa)) assert.deepEqual(Array.from(sb[k]!.data()), Array.from(sa[k]!.data()), k);
});

test('mnist-transfer: the pretrained CNN beats the same CNN from scratch on 100 digits 5–9', async () => {
  const r = await mnistTransfer({ epochs: 10, verbose: false });
  const m = r.metrics;
  assert.equal(m.trainExamples, 100);
  assert.ok(m.testExamples! > 900);
  assert.ok(Math.max(m.frozenTestAccuracy!, m.fineTunedTestAccuracy!) > m.scratchTestAccuracy!, JSON.stringify(m));
  assert.ok(m.frozenTestAccuracy! > 0.85, JSON.stringify(m));
});

test('spam-gpt-finetune: the pretrained GPT fine-tuned on 200 messages beats the same GPT from scratch', async () => {
  const r = await spamGpt({ epochs: 3, testSize: 300, verbose: false });
  const m = r.metrics;
  assert.equal(m.trainMessages, 200);
  assert.equal(m.testMessages, 300);
  assert.ok(m.fineTunedTestF1! > m.scratchTestF1!, JSON.stringify(m));
});
