// Transfer learning for text with the pretrained character-level GPT that ships with Axon
// (loadPretrained 'sotu-gpt-small', trained on the State of the Union addresses only): spam or
// ham on SpamAssassin with only 200 labelled messages (a seeded, balanced draw: 100 spam, 100 ham).
// Each message is its subject + body, whitespace collapsed, folded to ASCII (asciiText), cut or
// padded with spaces to the GPT's 128-character context. Runs on the same 200 messages:
//   frozen: the pretrained GPT, frozen, mean-pooled over the 128 positions (its final hidden
//     states, GPT.features) → a new linear head; only the head trains;
//   fine-tuned: then every weight trains, the GPT and that head together, at a low rate;
//   scratch: the same GPT + mean pool + head, randomly initialised, every weight trained.
// Both are scored on the same held-out test set (1,000 other messages, seeded draw, the corpus's
// ~31% spam): accuracy and F1 of the spam class.
import {
  Adam, GPT, Generator, Linear, Module, accuracy, asciiText, crossEntropy, f1, fit, fromArray, loadPretrained,
  loadSpamAssassin, manualSeed, mean, noGrad, predict, scope, tensor, type CharTokenizer, type Tensor,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

const CHARS = 128;

/** A GPT read as a classifier: mean of its final hidden states → linear head. Shape: (N, T) int32 → (N, classes). */
export class GptClassifier extends Module {
  head: Linear;
  constructor(readonly gpt: GPT, classes = 2) {
    super();
    this.head = new Linear(gpt.cfg.nEmbd, classes);
  }
  forward(idx: Tensor): Tensor {
    return this.head.forward(mean(this.gpt.features(idx), { dim: 1 })); // (N, T) -> (N, T, C) -> (N, C) -> (N, classes)
  }
}

/** Subject + body as `CHARS` token ids: whitespace collapsed, ASCII-folded, cut, padded with spaces. */
export function messageIds(tok: CharTokenizer, subject: string, body: string): number[] {
  const text = asciiText(`${subject}\n${body}`.replace(/\s+/g, ' ')).slice(0, CHARS).padEnd(CHARS, ' ');
  return tok.encode(text);
}

export interface SpamGptOptions extends ExampleOptions {
  /** Held-out test messages (default 1,000). */
  testSize?: number;
  /** Labelled training messages, half spam, half ham (default 200). */
  trainSize?: number;
}

export async function run({ epochs = 8, seed = 0, verbose = true, testSize = 1000, trainSize = 200 }: SpamGptOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  const log = (s: string): void => { if (verbose) process.stderr.write(s + '\n'); };
  const { model: pretrained, tokenizer } = loadPretrained('sotu-gpt-small');
  const gpt = pretrained as GPT;
  const tok = tokenizer!;
  const { messages } = loadSpamAssassin();

  // A seeded shuffle; the first trainSize/2 of each class train, the next testSize messages (any class) test.
  const g = new Generator(seed + 200);
  const order = messages.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) { const j = g.int(0, i + 1); [order[i], order[j]] = [order[j]!, order[i]!]; }
  const spam = order.filter((i) => messages[i]!.spam).slice(0, trainSize / 2);
  const ham = order.filter((i) => !messages[i]!.spam).slice(0, trainSize / 2);
  const trainIdx = [...spam, ...ham].sort((a, b) => a - b);
  const taken = new Set(trainIdx);
  const testIdx = order.filter((i) => !taken.has(i)).slice(0, testSize);
  const encode = (idx: number[]): { x: Tensor; y: Tensor } => ({
    x: tensor(idx.map((i) => messageIds(tok, messages[i]!.subject, messages[i]!.body)), { dtype: 'int32' }), // (n, 128)
    y: fromArray(idx.map((i) => (messages[i]!.spam ? 1 : 0)), [idx.length], 'int32'), // (n)
  });
  const train = encode(trainIdx);
  const test = encode(testIdx);
  log(`spam-gpt-finetune: ${trainIdx.length} training messages (half spam), ${testIdx.length} test messages`);
  const score = (pred: Tensor | number[]): { acc: number; f: number } => ({ acc: accuracy(pred, test.y), f: f1(pred, test.y) });
  // Predicted classes, 50 messages at a time, each batch's tensors freed before the next. (N, 128) -> (N)
  const classify = (model: Module, x: Tensor): number[] => {
    model.eval();
    const out: number[] = [];
    const n = x.shape[0]!;
    for (let i = 0; i < n; i += 50) out.push(...noGrad(() => scope(() => Array.from(model.forward(x.slice([i, Math.min(n, i + 50)])).argmax({ dim: 1 }).data(), Number))));
    return out;
  };

  // Fine-tuned: frozen pretrained features (computed once), a new head trained on them.
  const feats = (x: Tensor): Tensor => noGrad(() => {
    const n = x.shape[0]!;
    const parts: Float32Array[] = [];
    for (let i = 0; i < n; i += 50) {
      parts.push(scope(() => Float32Array.from(mean(gpt.features(x.slice([i, Math.min(n, i + 50)])), { dim: 1 }).data()))); // (b, 128) -> (b, T, C) -> (b, C)
    }
    const C = gpt.cfg.nEmbd;
    const out = new Float32Array(n * C);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return fromArray(out, [n, C], 'float32');
  });
  gpt.eval();
  const fTrain = feats(train.x);
  const fTest = feats(test.x);
  manualSeed(seed);
  const head = new Linear(gpt.cfg.nEmbd, 2);
  fit(head, { data: { x: fTrain, y: train.y }, epochs: 100, batchSize: 20, optimizer: new Adam(head.parameters(), { lr: 1e-2 }), loss: crossEntropy, seed, verbose: false, doctor: false });
  const probe = score(predict(head, fTest).argmax({ dim: 1 }));
  log(`pretrained features + new head (GPT frozen): test accuracy ${(probe.acc * 100).toFixed(1)}%, F1 ${probe.f.toFixed(3)}`);
  // Then fine-tune everything (the GPT at a low rate), starting from that head.
  const tunedModel = new GptClassifier(gpt);
  tunedModel.head.loadStateDict(head.stateDict());
  fit(tunedModel, { data: train, epochs, batchSize: 20, optimizer: new Adam(tunedModel.parameters(), { lr: 3e-4 }), loss: crossEntropy, clipGradNorm: 1, seed, verbose: false, doctor: false });
  const tuned = score(classify(tunedModel, test.x));
  log(`fine-tuned (pretrained GPT + that head, all weights trained): test accuracy ${(tuned.acc * 100).toFixed(1)}%, F1 ${tuned.f.toFixed(3)}`);

  // Scratch: the same GPT + head, random weights, all trained on the same 200 messages.
  manualSeed(seed);
  const scratchModel = new GptClassifier(new GPT(gpt.cfg));
  fit(scratchModel, { data: train, epochs, batchSize: 20, optimizer: new Adam(scratchModel.parameters(), { lr: 1e-3 }), loss: crossEntropy, clipGradNorm: 1, seed, verbose: false, doctor: false });
  const scratch = score(classify(scratchModel, test.x));
  log(`from scratch (same GPT + head, all weights trained): test accuracy ${(scratch.acc * 100).toFixed(1)}%, F1 ${scratch.f.toFixed(3)}`);

  return {
    example: 'spam-gpt-finetune',
    metrics: {
      fineTunedTestF1: tuned.f, fineTunedTestAccuracy: tuned.acc, frozenTestF1: probe.f, frozenTestAccuracy: probe.acc, scratchTestF1: scratch.f, scratchTestAccuracy: scratch.acc,
      trainMessages: trainIdx.length, testMessages: testIdx.length,
    },
    epochs,
    seconds: (performance.now() - t0) / 1000,
    note: `on ${trainIdx.length} labelled messages: the pretrained GPT fine-tuned F1 ${tuned.f.toFixed(3)} (accuracy ${(tuned.acc * 100).toFixed(1)}%; frozen features + new head F1 ${probe.f.toFixed(3)}), the same GPT from scratch F1 ${scratch.f.toFixed(3)} (accuracy ${(scratch.acc * 100).toFixed(1)}%)`,
  };
}
