// `npm run bench -- --to-accuracy [mnist|gpt]` (issue 23): time to accuracy, the figure a user feels.
// mnist-lenet to ≥ 98% test accuracy and sotu-gpt to ≤ 1.8 nats/char, Axon at the bench's thread
// count vs the same recipe in PyTorch at 1 and 2 threads (bench/torch_accuracy.py, a child process
// per thread count with torch-peer.ts's environment). Both sides get the same data in the same
// order from a temp folder this side writes (accuracy-data.ts): the MNIST split, each epoch's
// shuffle and per-digit shifts, the SOTU token ids and every batch offset; what still differs is
// the initial weights and the numerics. Time is wall seconds from the first training step to the
// evaluation that reached the target, evaluations included.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ax from '../src/index.js';
import { leNet5 } from '../examples/mnist-lenet.js';
import { drawOffsets, drawPermutation, drawShifts, gatherRows, shiftImages, writeArrays } from './accuracy-data.js';
import { childEnv, type TorchPeer } from './torch-peer.js';

export type AccuracyTask = 'mnist' | 'gpt';

/** One side's run: seconds to the target (or to the cap), the steps/epochs run, the metric reached. */
export interface AccuracyRun {
  reached: boolean;
  seconds: number;
  /** Epochs (mnist) or optimizer steps (gpt). */
  count: number;
  /** Test accuracy (mnist, best seen) or validation nats/char (gpt, lowest seen); null before the first evaluation. */
  metric: number | null;
  /** The metric after each epoch / each 200-step validation. */
  history: number[];
}

export interface AccuracyRow { task: AccuracyTask; target: string; axon: AccuracyRun; torch: Record<string, AccuracyRun | string>; ratio: number | null }

const MNIST = { epochs: 20, batch: 64, lr: 2e-3, target: 0.98, maxShift: 2, mean: 0.1307, std: 0.3081 };
const GPT = { stepsPerEpoch: 200, epochs: 40, batch: 16, context: 64, lr: 2e-3, target: 1.8, valBatches: 25 };
const SCRIPT = fileURLToPath(new URL('../../bench/torch_accuracy.py', import.meta.url));
const log = (s: string): void => { process.stderr.write(s + '\n'); };
const now = (): number => performance.now() / 1000;

// ---------------------------------------------------------------- mnist-lenet

interface MnistData { trainX: Float32Array; trainY: Int32Array; testX: Float32Array; testY: Int32Array; orders: Int32Array; shifts: Int32Array; fill: number }

/** The loadMnist({ seed: 0 }) split standardized as the example does, and every epoch's order and shifts. */
async function mnistData(): Promise<MnistData> {
  const { train, test } = await ax.loadMnist({ seed: 0 }); // x (8000, 784) / (2000, 784) in [0, 1]
  const standardize = (x: Float32Array): Float32Array => ax.scope(() => ax.div(ax.sub(ax.fromArray(x, [x.length]), MNIST.mean), MNIST.std).data() as Float32Array);
  const n = train.y.shape[0]!;
  const g = new ax.Generator(1); // seed + 1, as the example's augmentation stream
  const orders = new Int32Array(MNIST.epochs * n); // (epochs, n)
  const shifts = new Int32Array(MNIST.epochs * n * 2); // (epochs, n, 2): (dy, dx) per position of the epoch's order
  for (let e = 0; e < MNIST.epochs; e++) {
    orders.set(drawPermutation(n, g), e * n);
    shifts.set(drawShifts(n, MNIST.maxShift, g), e * n * 2);
  }
  return {
    trainX: standardize(train.x.data() as Float32Array), trainY: Int32Array.from(train.y.data()),
    testX: standardize(test.x.data() as Float32Array), testY: Int32Array.from(test.y.data()),
    orders, shifts, fill: standardize(new Float32Array([0]))[0]!, // a black pixel, standardized
  };
}

function writeMnist(dir: string, d: MnistData): void {
  const n = d.trainY.length;
  writeArrays(dir, {
    train_x: { data: d.trainX, shape: [n, 1, 28, 28] }, train_y: { data: d.trainY, shape: [n] },
    test_x: { data: d.testX, shape: [d.testY.length, 1, 28, 28] }, test_y: { data: d.testY, shape: [d.testY.length] },
    orders: { data: d.orders, shape: [MNIST.epochs, n] }, shifts: { data: d.shifts, shape: [MNIST.epochs, n, 2] },
  }, { fill: d.fill, epochs: MNIST.epochs, batch: MNIST.batch, lr: MNIST.lr, target: MNIST.target, pad: MNIST.maxShift });
}

/** LeNet-5, Adam 2e-3 with cosine to 0 over 20 epochs (stepped per epoch), batch 64, the shared shifts. */
function axonMnist(d: MnistData): AccuracyRun {
  ax.manualSeed(0);
  const model = leNet5();
  const opt = new ax.Adam(model.parameters(), { lr: MNIST.lr });
  const sched = new ax.CosineAnnealingLR(opt, { tMax: MNIST.epochs });
  const n = d.trainY.length;
  const history: number[] = [];
  const t0 = now();
  for (let e = 0; e < MNIST.epochs; e++) {
    model.train();
    for (let b = 0; b < n; b += MNIST.batch) {
      const idx = d.orders.subarray(e * n + b, e * n + Math.min(n, b + MNIST.batch));
      const x = shiftImages(gatherRows(d.trainX, 784, idx), idx.length, 28, 28, d.shifts.subarray(2 * (e * n + b), 2 * (e * n + b + idx.length)), d.fill); // (B·784)
      const y = gatherRows(d.trainY, 1, idx); // (B)
      ax.scope(() => {
        opt.zeroGrad();
        const loss = ax.crossEntropy(model.forward(ax.fromArray(x, [idx.length, 1, 28, 28])), ax.fromArray(y, [idx.length], 'int32')); // (B, 10) vs (B)
        loss.backward();
        opt.step();
      });
    }
    sched.step();
    const acc = axonMnistAccuracy(model, d);
    history.push(acc);
    log(`axon mnist epoch ${e + 1}: test accuracy ${(acc * 100).toFixed(2)}%, ${(now() - t0).toFixed(1)} s`);
    if (acc >= MNIST.target) return { reached: true, seconds: now() - t0, count: e + 1, metric: acc, history };
  }
  return { reached: false, seconds: now() - t0, count: MNIST.epochs, metric: Math.max(...history), history };
}

function axonMnistAccuracy(model: ax.Module, d: MnistData): number {
  model.eval();
  const m = d.testY.length;
  let correct = 0;
  for (let b = 0; b < m; b += 500) {
    const k = Math.min(500, m - b);
    const pred = ax.noGrad(() => ax.scope(() => ax.argmax(model.forward(ax.fromArray(d.testX.subarray(b * 784, (b + k) * 784), [k, 1, 28, 28])), { dim: 1 }).data())); // (k, 10) -> (k)
    for (let i = 0; i < k; i++) if (pred[i] === d.testY[b + i]) correct++;
  }
  return correct / m;
}

// ---------------------------------------------------------------- sotu-gpt

interface GptData { ids: Int32Array; cut: number; vocab: number; trainOffsets: Int32Array; valOffsets: Int32Array }

/** Token ids exactly as examples/sotu-gpt.ts, its 90/10 split, every training batch's and the 25 validation batches' offsets. */
function gptData(): GptData {
  const text = ax.asciiText(ax.loadSotu().map((s) => s.text).join('\n\n'));
  const tok = ax.CharTokenizer.fromText(text);
  const ids = Int32Array.from(tok.encode(text));
  const cut = Math.floor(ids.length * 0.9);
  const T = GPT.context;
  // The example's streams: training batches from Generator(seed + 1), validation from Generator(12345).
  const trainOffsets = drawOffsets(GPT.epochs * GPT.stepsPerEpoch * GPT.batch, cut - T - 1, new ax.Generator(1)); // (steps, B) into ids[0, cut)
  const valOffsets = drawOffsets(GPT.valBatches * GPT.batch, ids.length - cut - T - 1, new ax.Generator(12345)); // (25, B) into ids[cut, end)
  return { ids, cut, vocab: tok.vocabSize, trainOffsets, valOffsets };
}

function writeGpt(dir: string, d: GptData, budget: number): void {
  writeArrays(dir, {
    ids: { data: d.ids, shape: [d.ids.length] },
    train_offsets: { data: d.trainOffsets, shape: [GPT.epochs * GPT.stepsPerEpoch, GPT.batch] },
    val_offsets: { data: d.valOffsets, shape: [GPT.valBatches, GPT.batch] },
  }, { cut: d.cut, vocab: d.vocab, context: GPT.context, lr: GPT.lr, target: GPT.target, every: GPT.stepsPerEpoch, budget });
}

/** (B, T) inputs and next-token targets of the windows starting at `offsets` in `src`. */
function gptBatch(src: Int32Array, offsets: Int32Array): [ax.Tensor, ax.Tensor] {
  const T = GPT.context;
  const B = offsets.length;
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  offsets.forEach((at, b) => { x.set(src.subarray(at, at + T), b * T); y.set(src.subarray(at + 1, at + T + 1), b * T); });
  return [ax.fromArray(x, [B, T], 'int32'), ax.fromArray(y, [B, T], 'int32')]; // (B, T) each
}

/** examples/sotu-gpt.ts's model and optimizer; validation every 200 steps; stops at ≤ 1.8, the step cap or `budget` seconds. */
function axonGpt(d: GptData, budget: number): AccuracyRun {
  ax.manualSeed(0);
  const model = new ax.GPT({ vocabSize: d.vocab, contextLength: GPT.context, nLayer: 2, nHead: 4, nEmbd: 128, dropout: 0 });
  const opt = new ax.AdamW(model.parameters(), { lr: GPT.lr, betas: [0.9, 0.99], weightDecay: 0.01 });
  const train = d.ids.subarray(0, d.cut);
  const val = d.ids.subarray(d.cut);
  const B = GPT.batch;
  const validate = (): number => {
    model.eval();
    let s = 0;
    for (let v = 0; v < GPT.valBatches; v++) s += ax.noGrad(() => ax.scope(() => model.loss(...gptBatch(val, d.valOffsets.subarray(v * B, (v + 1) * B))).item()));
    model.train();
    return s / GPT.valBatches;
  };
  const total = GPT.epochs * GPT.stepsPerEpoch;
  const history: number[] = [];
  const t0 = now();
  let step = 0;
  while (step < total && now() - t0 < budget) {
    opt.paramGroups[0]!.lr = GPT.lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / total))); // cosine to 10%
    ax.scope(() => {
      opt.zeroGrad();
      const loss = model.loss(...gptBatch(train, d.trainOffsets.subarray(step * B, (step + 1) * B)));
      loss.backward();
      ax.clipGradNorm(model.parameters(), 1.0);
      opt.step();
    });
    step++;
    if (step % GPT.stepsPerEpoch === 0) {
      const v = validate();
      history.push(v);
      log(`axon gpt step ${step}: validation ${v.toFixed(3)} nats/char, ${(now() - t0).toFixed(1)} s`);
      if (v <= GPT.target) return { reached: true, seconds: now() - t0, count: step, metric: v, history };
    }
  }
  return { reached: false, seconds: now() - t0, count: step, metric: history.length ? Math.min(...history) : null, history };
}

// ---------------------------------------------------------------- PyTorch child and the table

function torchRun(peer: TorchPeer, task: AccuracyTask, dir: string, threads: number, budget: number): AccuracyRun | string {
  if (peer.version === null) return 'not installed';
  try {
    const out = execFileSync(peer.python, [SCRIPT, '--task', task, '--data', dir, '--threads', String(threads)], {
      env: childEnv(threads), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24,
      timeout: (task === 'gpt' ? budget + 600 : 3600) * 1000, // the budget is checked between steps; the rest is a hang guard
    });
    return (JSON.parse(out.trim().split('\n').pop()!) as { result: AccuracyRun }).result;
  } catch (e) {
    log(`${peer.name} ${threads}t ${task} failed: ${(e as Error).message.split('\n')[0]}`);
    return 'failed';
  }
}

const cell = (r: AccuracyRun | string | undefined, task: AccuracyTask): string => {
  if (r === undefined) return '—';
  if (typeof r === 'string') return r;
  const metric = r.metric === null ? 'no evaluation yet' : task === 'mnist' ? `${(r.metric * 100).toFixed(2)}%` : `${r.metric.toFixed(3)} nats/char`;
  const count = task === 'mnist' ? `${r.count} ep` : `${r.count} steps`;
  return r.reached ? `${r.seconds.toFixed(1)} s / ${count} / ${metric}` : `not reached (${r.seconds.toFixed(1)} s / ${count} / ${r.metric === null ? metric : `best ${metric}`})`;
};

/** Runs the tasks and prints the table (and, with `json`, one JSON line); returns the rows. */
export async function toAccuracyBench({ tasks, threads, budget, torchPeers, torchThreads, json, header }: {
  tasks: AccuracyTask[]; threads: number; budget: number; torchPeers: TorchPeer[]; torchThreads: number[]; json: boolean; header: Record<string, unknown>;
}): Promise<AccuracyRow[]> {
  const columns = torchPeers.flatMap((p) => torchThreads.map((t) => ({ peer: p, t, name: `${p.name}-${t}t` })));
  const rows: AccuracyRow[] = [];
  for (const task of tasks) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `axon-to-accuracy-${task}-`));
    try {
      let axon: AccuracyRun;
      if (task === 'mnist') {
        const d = await mnistData();
        writeMnist(dir, d);
        axon = axonMnist(d);
      } else {
        const d = gptData();
        writeGpt(dir, d, budget);
        axon = axonGpt(d, budget);
      }
      const torch: Record<string, AccuracyRun | string> = {};
      for (const c of columns) torch[c.name] = torchRun(c.peer, task, dir, c.t, budget);
      // torch's better column over Axon: > 1 means Axon reached the target sooner.
      const best = Object.values(torch).filter((r): r is AccuracyRun => typeof r !== 'string' && r.reached).map((r) => r.seconds);
      const ratio = axon.reached && best.length > 0 ? Math.min(...best) / axon.seconds : null;
      rows.push({ task, target: task === 'mnist' ? '≥ 98% test accuracy' : '≤ 1.8 nats/char', axon, torch, ratio });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const names = columns.map((c) => c.name);
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`; // no torch column with --no-torch
  console.log(line(['task', 'target', `axon (${threads}t)`, ...names, 'torch best / axon']));
  console.log(line(['task', 'target', 'axon', ...names, 'ratio'].map(() => '---')));
  for (const r of rows) {
    const label = r.task === 'mnist' ? 'mnist-lenet' : 'sotu-gpt';
    console.log(line([label, r.target, cell(r.axon, r.task), ...names.map((n) => cell(r.torch[n], r.task)), r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`]));
  }
  if (json) {
    const round = (r: AccuracyRun | string): unknown => (typeof r === 'string' ? r : { ...r, seconds: +r.seconds.toFixed(2), metric: r.metric === null ? null : +r.metric.toFixed(4), history: r.history.map((h) => +h.toFixed(4)) });
    console.log(JSON.stringify({ ...header, threads, budgetSeconds: budget, toAccuracy: Object.fromEntries(rows.map((r) => [r.task, { target: r.target, axon: round(r.axon), ...Object.fromEntries(Object.entries(r.torch).map(([k, v]) => [k, round(v)])), torchBestOverAxon: r.ratio === null ? null : +r.ratio.toFixed(3) }])) }));
  }
  return rows;
}
