// Pretrains the CNN shipped as pretrained/mnist-cnn-0to4.safetensors: smallCnn() of
// examples/mnist-transfer.ts on the digits 0–4 of loadMnist's train part (seed 0 split), inputs
// standardized, Adam lr 2e-3 with a cosine decay, batch 64, 6 epochs, seed 0; prints its test
// accuracy on the 0–4 digits of loadMnist's test part. The digits 5–9 are never seen: they are
// the new task of the mnist-transfer example. Run after `npm run build`: node scripts/pretrain/mnist-cnn.mjs
import { Adam, CosineAnnealingLR, LRSchedulerCallback, crossEntropy, evaluate, fit, loadMnist, manualSeed, save } from '../../dist/src/index.js';
import { digitSubset, mnistImages, smallCnn } from '../../dist/examples/mnist-transfer.js';

const EPOCHS = 6;
const SEED = 0;
const OUT = new URL('../../pretrained/mnist-cnn-0to4.safetensors', import.meta.url);

const t0 = performance.now();
manualSeed(SEED);
const { train, test } = await loadMnist({ seed: 0 });
const tr = digitSubset(train, 0, 4);
const te = digitSubset(test, 0, 4);
console.log(`mnist-cnn-0to4: ${tr.y.shape[0]} training digits 0–4, ${te.y.shape[0]} test digits 0–4`);
const model = smallCnn(5);
const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
fit(model, {
  data: { x: mnistImages(tr.x), y: tr.y },
  epochs: EPOCHS, batchSize: 64, optimizer, loss: crossEntropy, seed: SEED, verbose: false, doctor: false,
  callbacks: [new LRSchedulerCallback(new CosineAnnealingLR(optimizer, { tMax: EPOCHS }))],
});
const r = evaluate(model, { x: mnistImages(te.x), y: te.y });
save(model, OUT.pathname, {
  extra: {
    name: 'mnist-cnn-0to4', classes: [0, 1, 2, 3, 4], mean: 0.1307, std: 0.3081,
    data: 'loadMnist({ seed: 0 }) train part, digits 0-4', epochs: EPOCHS, seed: SEED,
    testAccuracy: Number(r.accuracy.toFixed(4)),
  },
});
console.log(JSON.stringify({ model: 'mnist-cnn-0to4', testAccuracy: Number(r.accuracy.toFixed(4)), testDigits: te.y.shape[0], seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }));
