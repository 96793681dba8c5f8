// Speech: recognising the spoken digits "zero" … "nine". The clips (data/spoken-digits/, made by
// scripts/data/gen_spoken_digits.py with Debian's espeak-ng) come from 48 synthetic speakers: 8
// English accents × voice variants, each with its own speed, pitch, level and background noise.
// Each clip is read with readWav (8 kHz, 16-bit), placed in a 1-second window, turned into a
// log-mel spectrogram (40 mel bands, HTK scale, 32 ms windows every 16 ms: nFft 256, hop 128) and
// classified by a small CNN. The test speakers use voice variants that no training speaker uses:
// the figures are for voices never heard in training. Training clips are augmented on the fly
// (random placement in the window, gain, added noise at 10–40 dB SNR).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import {
  Adam, BatchNorm2d, Conv2d, CosineAnnealingLR, Dropout, Flatten, Generator, Linear, MaxPool2d, ReLU,
  Sequential, accuracy, argmax, confusionMatrix, crossEntropy, fromArray, manualSeed, melSpectrogram, noGrad, readWav,
  scope, type Tensor,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

export const SAMPLE_RATE = 8000;
/** Samples per example: 1 s, longer than every clip. */
export const WINDOW = 8000;
/** The log-mel front end: nFft 256 (32 ms), hop 128 (16 ms), 40 HTK mel bands over 0–4 kHz. */
export const MEL = { sampleRate: SAMPLE_RATE, nFft: 256, hopLength: 128, nMels: 40, melScale: 'htk', log: true, logOffset: 1e-6 } as const;
export const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

export interface Speaker { name: string; voice: string; variant: string; speed: number; pitch: number; snrDb: number; split: 'train' | 'test' }
export interface Clip { samples: Float32Array; digit: number; speaker: string }

/** The data folder: data/spoken-digits at the package root (dist/examples → ../..; examples → ..). */
export function dataDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = path.basename(path.dirname(here)) === 'dist' ? '../..' : '..';
  return path.resolve(here, up, 'data/spoken-digits');
}

/** Every clip, split by speaker as speakers.json says. */
export function loadSpokenDigits(dir = dataDir()): { train: Clip[]; test: Clip[]; speakers: Speaker[] } {
  const meta = JSON.parse(readFileSync(path.join(dir, 'speakers.json'), 'utf8')) as { rate: number; speakers: Speaker[] };
  const out: { train: Clip[]; test: Clip[] } = { train: [], test: [] };
  for (const s of meta.speakers) {
    for (let d = 0; d < 10; d++) {
      const { samples } = readWav(path.join(dir, s.name, `${d}.wav`), { sampleRate: SAMPLE_RATE }); // (1, frames); another rate is refused, naming both
      out[s.split].push({ samples: samples.data() as Float32Array, digit: d, speaker: s.name });
    }
  }
  return { ...out, speakers: meta.speakers };
}

/**
 * The clip in a WINDOW-sample window: at `offset` (centred when null), cut if longer; with
 * `g`, a random gain (×0.5–1.5) and white noise at a random 10–40 dB SNR.
 */
export function windowed(clip: Float32Array, offset: number | null, g?: Generator): Float64Array {
  const out = new Float64Array(WINDOW);
  const n = Math.min(clip.length, WINDOW);
  const skip = Math.floor((clip.length - n) / 2);
  const at = offset ?? Math.floor((WINDOW - n) / 2);
  const gain = g ? 0.5 + g.uniform() : 1;
  for (let i = 0; i < n; i++) out[at + i] = clip[skip + i]! * gain;
  if (g) {
    let power = 0;
    for (let i = 0; i < n; i++) power += clip[skip + i]! ** 2 * gain * gain;
    const sd = Math.sqrt(power / n / 10 ** ((10 + 30 * g.uniform()) / 10));
    for (let i = 0; i < WINDOW; i++) out[i] = out[i]! + sd * g.normal();
  }
  return out;
}

/** Log-mel features of windows. Shape: B × (WINDOW) → (B, 1, 40, 63). */
export function features(windows: Float64Array[]): Tensor {
  const x = fromArray(concat(windows), [windows.length, WINDOW], 'float32'); // (B, 8000)
  const mel = melSpectrogram(x, MEL); // (B, 8000) -> (B, 40, 63)
  return mel.reshape([windows.length, 1, MEL.nMels, mel.shape[2]!]); // (B, 1, 40, 63)
}

function concat(rows: Float64Array[]): Float32Array {
  const out = new Float32Array(rows.length * WINDOW);
  rows.forEach((r, i) => out.set(r, i * WINDOW));
  return out;
}

/**
 * The CNN: two conv blocks, then a linear layer over the whole (channel, mel band, frame) map,
 * which keeps where in frequency each pattern sits (formants) — a global average pool would not.
 * Shape: (N, 1, 40, 63) log-mel → (N, 10) logits.
 */
export function digitCnn(): Sequential {
  return new Sequential(
    new BatchNorm2d(1), // standardises the log-mel values (running statistics at test time)
    new Conv2d(1, 16, 3, { padding: 1 }), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2), // (N, 1, 40, 63) -> (N, 16, 20, 31)
    new Conv2d(16, 32, 3, { padding: 1 }), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2), // -> (N, 32, 10, 15)
    new Flatten(), new Dropout(0.3), // -> (N, 4800)
    new Linear(32 * 10 * 15, 10), // -> (N, 10) logits
  );
}

export interface SpokenDigitsOptions extends ExampleOptions {
  /** Batch size. Default 16. */
  batchSize?: number;
}

export async function run({ epochs = 20, seed = 0, verbose = true, batchSize = 16 }: SpokenDigitsOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  const log = (s: string): void => { if (verbose) console.error(s); };
  manualSeed(seed);
  const { train, test, speakers } = loadSpokenDigits();
  const model = digitCnn();
  const opt = new Adam(model.parameters(), { lr: 3e-3 });
  const sched = new CosineAnnealingLR(opt, { tMax: epochs });
  const g = new Generator(seed + 1);
  const xTest = features(test.map((c) => windowed(c.samples, null))); // (80, 1, 40, 63), centred, as recorded
  const yTest = test.map((c) => c.digit);
  const epochLosses: number[] = [];
  let firstLoss = NaN;
  for (let e = 0; e < epochs; e++) {
    model.train();
    const order = Array.from(train.keys());
    for (let i = order.length - 1; i > 0; i--) { const j = g.int(0, i + 1); [order[i], order[j]] = [order[j]!, order[i]!]; }
    let total = 0;
    let steps = 0;
    for (let s = 0; s + batchSize <= order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const x = features(idx.map((i) => { const c = train[i]!.samples; return windowed(c, g.int(0, Math.max(WINDOW - c.length, 0) + 1), g); })); // (B, 1, 40, 63)
      const y = fromArray(idx.map((i) => train[i]!.digit), [idx.length], 'int32');
      const loss = scope(() => {
        opt.zeroGrad();
        const l = crossEntropy(model.forward(x), y);
        l.backward();
        opt.step();
        return l.item();
      });
      if (e === 0 && steps === 0) firstLoss = loss;
      total += loss;
      steps++;
    }
    sched.step();
    epochLosses.push(total / steps);
    log(`epoch ${e + 1}/${epochs}: train loss ${epochLosses.at(-1)!.toFixed(4)}`);
  }
  model.eval();
  const pred = noGrad(() => Array.from(argmax(model.forward(xTest), { dim: 1 }).data()));
  const testAccuracy = accuracy(pred, yTest);
  const cm = confusionMatrix(pred, yTest, { numClasses: 10 });
  const trainPred = noGrad(() => Array.from(argmax(model.forward(features(train.map((c) => windowed(c.samples, null)))), { dim: 1 }).data()));
  const table = [`confusion matrix (rows: true digit, columns: predicted) on ${test.length} clips of ${speakers.filter((s) => s.split === 'test').length} unseen voices:`,
    `       ${WORDS.map((w) => w.slice(0, 4).padStart(5)).join('')}`,
    ...cm.map((row, d) => `${WORDS[d]!.padStart(6)} ${row.map((v) => String(v).padStart(5)).join('')}`)].join('\n');
  log(table);
  const metrics = {
    testAccuracy, trainAccuracy: accuracy(trainPred, train.map((c) => c.digit)), firstLoss, trainLoss: epochLosses.at(-1) ?? NaN,
    trainClips: train.length, testClips: test.length, chance: 0.1,
  };
  return {
    example: 'spoken-digits', metrics, epochs, seconds: (performance.now() - t0) / 1000,
    note: `accuracy ${(100 * testAccuracy).toFixed(1)}% on ${test.length} clips of voices never heard in training (chance 10%)\n${table}`,
  };
}
