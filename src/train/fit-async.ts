// fitAsync / evaluateAsync: fit() and evaluate() for a backend whose memory is read back only
// asynchronously (WebGPU), and on every other backend. A step leaves its loss (and what the
// metrics need: the predictions and targets) on the device; every `readEvery` steps and at each
// epoch's end they come back in ONE read, and the callbacks hear them then, step by step, in
// order. What must happen at each step without a value (a per-batch LR schedule) runs in the
// callbacks' onStepEnd. Same seed and options ⇒ the same History as fit() on ts/wasm.
import { SyncReadError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { keep, scope, unkeep } from '../tensor/lifetime.js';
import { fromArray } from '../tensor/creation.js';
import { readsSync } from '../tensor/host-read.js';
import type { Tensor } from '../tensor/tensor.js';
import { cast, isFinite, logicalNot } from '../ops/elementwise.js';
import { cat, reshape, stack } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import type { Module } from '../nn/module.js';
import { clipGradNorm, clipGradNormOnDevice } from '../optim/clip.js';
import { checkXY, checkXYShapes, isXY, orderedBatches, type BatchSource, type FitData, type XY } from './batches.js';
import type { EpochLogs, History } from './callbacks.js';
import { DivergenceWatch } from './divergence.js';
import { restoreCallbacks } from './fit-state.js';
import { divergedError, endEpoch, endRun, epochStart, setupRun, valLogs, type EvaluateOptions, type FitOptions, type HostCopy } from './fit.js';
import { resolveLoss, type LossFn } from './loss-fn.js';
import { RunningMetric, type MetricName } from './running-metrics.js';

/** Steps between read-backs when `readEvery` is not given. */
export const DEFAULT_READ_EVERY = 16;

export interface AsyncReadOptions {
  /**
   * Steps whose losses come back together in one read (default 16). An epoch's end (and a
   * checkpoint step) always reads back. Larger: fewer waits for the device; callbacks, the
   * progress bar and divergence detection hear about a step up to this many steps later.
   */
  readEvery?: number;
}

export interface FitAsyncOptions extends FitOptions, AsyncReadOptions {}

/** One step's figures waiting on the device: [loss, predictions…, targets…] in the loss's dtype. */
interface Pending { step: number; record: Tensor; n: number; predNumel: number; classIndices: boolean; lr: number }

function readEveryOf(op: string, opts: AsyncReadOptions): number {
  const k = opts.readEvery ?? DEFAULT_READ_EVERY;
  if (!Number.isInteger(k) || k < 1) throw new ValueError(op, `readEvery must be an integer ≥ 1, got ${k}`);
  return k;
}

/** A step's loss (and, with metrics, its predictions and targets) as one flat device tensor, kept until read. */
function recordOf(loss: Tensor, pred: Tensor, target: Tensor, withMetrics: boolean): Tensor {
  return noGrad(() => {
    const dt = loss.dtype;
    const parts = [reshape(loss.detach(), [1])];
    if (withMetrics) parts.push(reshape(cast(pred.detach(), dt), [-1]), reshape(cast(target, dt), [-1]));
    return keep(parts.length === 1 ? parts[0]!.clone() : cat(parts, 0)); // (1 + P + T)
  });
}

/** Read the pending records back in one read; calls `use` for each with its loss, predictions and targets. */
async function drainRecords(pending: Pending[], use: (p: Pending, loss: number, pred: ArrayLike<number>, target: ArrayLike<number>) => void): Promise<void> {
  if (pending.length === 0) return;
  const batch = pending.splice(0);
  const dt = batch[0]!.record.dtype;
  const all = noGrad(() => scope(() => keep(cat(batch.map((b) => (b.record.dtype === dt ? b.record : cast(b.record, dt))), 0))));
  let values: ArrayLike<number>;
  try {
    values = await all.dataAsync();
  } finally {
    unkeep(all);
    for (const b of batch) unkeep(b.record);
  }
  let off = 0;
  for (const b of batch) {
    const len = b.record.numel;
    const v = values as Float32Array;
    use(b, v[off]!, v.subarray(off + 1, off + 1 + b.predNumel), v.subarray(off + 1 + b.predNumel, off + len));
    off += len;
  }
}

/**
 * fit() with its reads made asynchronous: the way to train on WebGPU, and it works on every
 * backend (on ts and wasm it gives the same History as fit() for the same seed). The losses stay
 * on the device and come back in batches (`readEvery` steps, default 16, and at every epoch's
 * end); callbacks' onBatchEnd, the progress bar, divergence detection and the doctor's run checks
 * hear each step's loss then, in order. A NaN/Inf loss is found when its batch comes back (the
 * steps after it in the batch have run; no op is named: rerun that epoch with fit() on wasm under
 * detectAnomaly to find it).
 *
 * @example
 * const history = await fitAsync(model, { data: { x, y }, validation: 0.1, epochs: 5, batchSize: 64 });
 */
export async function fitAsync(model: Module, opts: FitAsyncOptions, host?: HostCopy): Promise<History> {
  const readEvery = readEveryOf('fitAsync', opts);
  const reads = model.parameters().every((p) => readsSync(p));
  if (!reads && (opts.checkpoint !== undefined || opts.resume !== undefined)) {
    throw new SyncReadError('fitAsync', `checkpoint and resume write and restore the training state synchronously, which the ${model.parameters()[0]!.storage.backend.name} backend (read only asynchronously) cannot do yet; train without them there, saving the weights with \`await saveAsync(model, path)\` from an onEpochEnd callback, or train on wasm`);
  }
  const active = getBackend();
  const run = setupRun(model, opts, host ?? (await hostCopies(opts.data, opts.validation)));
  // An attached callback may have made its set-up on another backend (the doctor's data checks on the CPU copy): this one again.
  if (getBackend() !== active) await setBackend(active.name);
  const { epochs, lossFn, metricNames, threshold, optimizer, source, callbacks, history, ctx, ck, files, pendingSaves, resumed } = run;
  const validate = async (trained: number): Promise<Record<string, number>> => {
    for (const cb of callbacks) cb.onValidationBegin?.(trained, ctx);
    try {
      return await evaluateAsync(model, run.validation as FitData, { ...run.evalOpts, readEvery });
    } finally {
      for (const cb of callbacks) cb.onValidationEnd?.(trained, ctx);
    }
  };

  if (run.validation !== undefined && !resumed) history.initial = valLogs(await validate(0));
  for (const cb of callbacks) cb.onTrainBegin?.(ctx);
  let lastFinite = NaN;
  let globalStep = 0;
  const watch = new DivergenceWatch();
  const r0 = resumed?.loop;
  if (r0) {
    restoreCallbacks(callbacks, r0.callbacks);
    [lastFinite, globalStep, watch.start, ctx.stopTraining] = [r0.lastFinite, r0.step, r0.watchStart, r0.stopTraining];
  }
  let taken = globalStep; // steps run (globalStep counts those read back)
  for (let epoch = r0?.epoch ?? 0; epoch < epochs && !ctx.stopTraining; epoch++) {
    ctx.epoch = epoch;
    for (const cb of callbacks) cb.onEpochBegin?.(epoch, ctx);
    model.train();
    const t0 = performance.now();
    const it = source[Symbol.iterator]();
    let { running, lossSum, seen, first } = epochStart(run, epoch, it);
    const pending: Pending[] = [];
    const drain = (): Promise<void> => drainRecords(pending, (b, value, pred, target) => {
      if (watch.diverged(value)) {
        const err = divergedError(value, epoch, b.step, watch, lastFinite, b.lr, null);
        for (const cb of callbacks) cb.onDiverged?.(err, value, ctx);
        throw err;
      }
      lastFinite = value;
      lossSum += value * b.n;
      seen += b.n;
      globalStep++;
      for (const m of running) m.updateValues(pred, target, b.classIndices);
      run.loop = { epoch, stepInEpoch: b.step + 1, step: globalStep, lossSum, seen, running: running.map((m) => m.getState()), watchStart: watch.start, lastFinite, stopTraining: ctx.stopTraining, history };
      for (const cb of callbacks) cb.onBatchEnd?.(b.step, { loss: value, batchSize: b.n, lr: b.lr }, ctx);
      run.loop.stopTraining = ctx.stopTraining;
      if (files && ck!.everySteps !== undefined && globalStep % ck!.everySteps === 0) pendingSaves.push(files.path(epoch, globalStep));
      if (pendingSaves.length > 0) { files?.prepare(); run.flush(); files?.prune(); }
    });
    try {
      for (let step = first; ; step++) {
        const r = scope(() => {
          const next = it.next();
          if (next.done) return null;
          const [x0, yb] = next.value as [Tensor, Tensor];
          const xb = opts.augment ? opts.augment(x0) : x0;
          optimizer.zeroGrad();
          const pred = model.forward(xb);
          const loss = lossFn(pred, yb);
          loss.backward();
          if (opts.clipGradNorm !== undefined) {
            if (reads) clipGradNorm(model.parameters(), opts.clipGradNorm);
            else clipGradNormOnDevice(model.parameters(), opts.clipGradNorm);
          }
          optimizer.step();
          return { record: recordOf(loss, pred, yb, running.length > 0), n: xb.shape[0]!, predNumel: running.length > 0 ? pred.numel : 0, classIndices: yb.dtype === 'int32' };
        });
        if (r === null) break;
        pending.push({ ...r, step, lr: optimizer.paramGroups[0]!.lr });
        taken++;
        for (const cb of callbacks) cb.onStepEnd?.(step, ctx);
        // A checkpoint step reads back at once: the state saved is that step's.
        if (pending.length >= readEvery || (files && ck!.everySteps !== undefined && taken % ck!.everySteps === 0)) await drain();
      }
      await drain();
    } finally {
      for (const p of pending.splice(0)) unkeep(p.record);
    }
    if (seen === 0) throw new ValueError('fit', 'the training data produced no batches (empty DataLoader, or dropLast with a batch size above the data size)');
    const logs: EpochLogs = { epoch: epoch + 1, loss: lossSum / seen };
    metricNames.forEach((m, i) => { logs[m] = running[i]!.value(); });
    if (run.validation !== undefined) Object.assign(logs, valLogs(await validate(epoch + 1)));
    endEpoch(run, epoch, logs, t0, globalStep, watch, lastFinite);
  }
  return endRun(run, model);
}

export interface EvaluateAsyncOptions extends EvaluateOptions, AsyncReadOptions {}

/**
 * evaluate() with its reads made asynchronous (works on every backend; the same figures as
 * evaluate()): the batches' losses and predictions come back `readEvery` batches at a time.
 *
 * @example
 * const { loss, accuracy } = await evaluateAsync(model, { x: xTest, y: yTest });
 */
export async function evaluateAsync(model: Module, data: FitData, opts: EvaluateAsyncOptions = {}): Promise<Record<string, number>> {
  const readEvery = readEveryOf('evaluateAsync', opts);
  if (isXY(data)) await checkXYAsync('evaluate', data);
  const y = isXY(data) ? data.y : undefined;
  const classes = y !== undefined && y.dtype === 'int32';
  const lossFn: LossFn = resolveLoss(opts.loss ?? (classes || y === undefined ? 'crossEntropy' : 'mse'));
  const metricNames: MetricName[] = opts.metrics ?? (classes || y === undefined ? ['accuracy'] : ['mae']);
  const running = metricNames.map((m) => new RunningMetric(m, opts.threshold ?? 0));
  const source: BatchSource = isXY(data) ? orderedBatches(data, opts.batchSize ?? 256) : data;
  const was = model.training;
  model.eval();
  let lossSum = 0;
  let seen = 0;
  const pending: Pending[] = [];
  const drain = (): Promise<void> => drainRecords(pending, (b, value, pred, target) => {
    lossSum += value * b.n;
    seen += b.n;
    for (const m of running) m.updateValues(pred, target, b.classIndices);
  });
  try {
    const it = source[Symbol.iterator]();
    for (let step = 0; ; step++) {
      const r = noGrad(() => scope(() => {
        const next = it.next();
        if (next.done) return null;
        const [xb, yb] = next.value as [Tensor, Tensor];
        const pred = model.forward(xb);
        return { record: recordOf(lossFn(pred, yb), pred, yb, running.length > 0), n: xb.shape[0]!, predNumel: running.length > 0 ? pred.numel : 0, classIndices: yb.dtype === 'int32' };
      }));
      if (r === null) break;
      pending.push({ ...r, step, lr: NaN });
      if (pending.length >= readEvery) await drain();
    }
    await drain();
  } finally {
    for (const p of pending.splice(0)) unkeep(p.record);
    model.train(was);
  }
  if (seen === 0) throw new ValueError('evaluate', 'the data is empty');
  const out: Record<string, number> = { loss: lossSum / seen };
  metricNames.forEach((m, i) => { out[m] = running[i]!.value(); });
  return out;
}

/** checkXY where the data may be read only asynchronously: NaN/Inf counted on the device (one read); the CPU check names the first one. */
async function checkXYAsync(op: string, d: XY, what = 'data'): Promise<void> {
  if (readsSync(d.x) && readsSync(d.y)) return checkXY(op, d, what);
  checkXYShapes(op, d, what);
  const floats = [d.x, d.y].filter((t) => t.dtype === 'float32' || t.dtype === 'float64');
  if (floats.length === 0) return;
  const bad = noGrad(() => scope(() => keep(stack(floats.map((t) => sum(cast(logicalNot(isFinite(t)), 'float32')))))));
  let counts: ArrayLike<number>;
  try { counts = await bad.dataAsync(); } finally { unkeep(bad); }
  if (Array.prototype.some.call(counts, (c: number) => c > 0)) checkXY(op, { x: await hostCopy(d.x), y: await hostCopy(d.y) }, what);
}

/** A copy of `t` on the ts backend (CPU), read asynchronously. */
async function hostCopy(t: Tensor): Promise<Tensor> {
  return readsSync(t) ? t : fromArray(await t.dataAsync(), t.shape, t.dtype, getBackend('ts'));
}

/**
 * CPU copies of the { x, y } tensors of the training and validation data that the backend reads
 * only asynchronously, read once: fit's decisions from their values (the finite check, the
 * stratified hold-out, balanced class weights, the doctor's data checks) use them.
 */
export async function hostCopies(data: FitData, validation?: FitData | number): Promise<HostCopy> {
  const copies = new Map<Tensor, Tensor>();
  for (const d of [data, validation]) {
    if (d === undefined || typeof d === 'number' || !isXY(d)) continue;
    for (const t of [d.x, d.y]) if (!readsSync(t) && !copies.has(t)) copies.set(t, await hostCopy(t));
  }
  return (t) => copies.get(t) ?? t;
}
