// trainInWorker(): fit() on another thread (a Web Worker in a browser, a worker thread in Node),
// so a page stays responsive while it trains. The model's config and weights go to the worker,
// progress streams back (batch losses, epochs, doctor findings), and the trained weights are
// loaded into the same model object at the end.
import { AxonError, DTypeError, GradError, ShapeError, UseAfterFreeError, ValueError } from '../errors.js';
import { parseSafetensors, serializeSafetensors } from '../io/safetensors.js';
import type { Module } from '../nn/module.js';
import { platform } from '../platform/current.js';
import type { Tensor } from '../tensor/tensor.js';
import type { EpochLogs, History } from '../train/callbacks.js';
import type { Finding } from '../train/finding.js';
import type { TrainRequest, WorkerFitOptions, WorkerMessage } from './messages.js';
import { toData } from './tensor-data.js';

export interface TrainInWorkerOptions extends WorkerFitOptions {
  data: { x: Tensor; y: Tensor };
  /** Validation tensors, or the fraction of data to hold out (as in fit). */
  validation?: { x: Tensor; y: Tensor } | number;
  /** Kernel threads inside the worker (default: the cores available; 1 on a page that is not cross-origin isolated). */
  threads?: number;
  /** Called with a batch's training loss at most every `batchEveryMs` (default 100 ms): epoch and step (in the epoch) count from 1; stepsPerEpoch is 0 when unknown. */
  onBatch?(progress: { epoch: number; step: number; stepsPerEpoch: number; loss: number }): void;
  batchEveryMs?: number;
  /** Called after every epoch with its figures (loss, metrics, validation figures). */
  onEpoch?(logs: EpochLogs): void;
  /** Called when the training doctor raises a finding. */
  onFinding?(finding: Finding): void;
  /** Called once the worker has started training: the backend and thread count it uses. */
  onStart?(info: { backend: string; threads: number }): void;
}

/** A training run on a worker. */
export interface WorkerTraining {
  /** Resolves with fit()'s history once the trained weights are loaded into the model; rejects with the worker's error. */
  readonly done: Promise<History>;
  /**
   * Stop early. Where SharedArrayBuffer exists (Node, cross-origin isolated pages) training ends
   * after the current epoch and its weights come back; elsewhere the worker is terminated, the
   * model keeps its old weights and `done` resolves with the epochs seen so far.
   */
  stop(): void;
}

const ERRORS: Record<string, new (op: string, message: string) => AxonError> = { AxonError, ShapeError, DTypeError, ValueError, UseAfterFreeError, GradError };

/** Rebuild the worker's error as the same class (its message already names the op). */
function errorOf(name: string, message: string): AxonError {
  const Ctor = ERRORS[name] ?? AxonError;
  const e = new Ctor('trainInWorker', message);
  e.message = message;
  return e;
}

/**
 * Train `model` on a worker thread with fit()'s options (the doctor included), streaming progress
 * to callbacks; the page (or main thread) stays free. Options are data, so the optimizer and loss
 * are named: `optimizer: { type: 'Adam', lr: 1e-3 }`, `loss: 'crossEntropy'`.
 *
 * @example
 * const run = trainInWorker(model, { data: { x, y }, epochs: 10, batchSize: 32, optimizer: { type: 'Adam', lr: 0.01 },
 *   onEpoch: (logs) => console.log(logs.epoch, logs.loss) });
 * const history = await run.done; // model now holds the trained weights
 */
export function trainInWorker(model: Module, options: TrainInWorkerOptions): WorkerTraining {
  const { data, validation, threads, onBatch, onEpoch, onFinding, onStart, batchEveryMs = 100, ...fitOptions } = options;
  let config;
  try {
    config = model.config();
  } catch (e) {
    throw new ValueError('trainInWorker', `the model must be rebuilt on the worker from its config(): ${(e as Error).message}`);
  }
  const stopFlag = typeof SharedArrayBuffer !== 'undefined' ? new SharedArrayBuffer(4) : undefined;
  const request: TrainRequest = {
    model: config,
    weights: serializeSafetensors(model.stateDict()),
    data: { x: toData(data.x), y: toData(data.y) },
    ...(validation !== undefined ? { validation: typeof validation === 'number' ? validation : { x: toData(validation.x), y: toData(validation.y) } } : {}),
    options: fitOptions,
    ...(threads !== undefined ? { threads } : {}),
    ...(stopFlag ? { stopFlag } : {}),
    batchEveryMs,
  };
  const epochs: EpochLogs[] = [];
  let stopped = false;
  let settle: { resolve(h: History): void; reject(e: Error): void } | null = null;
  const done = new Promise<History>((resolve, reject) => { settle = { resolve, reject }; });
  // The data's copies (read from the backend just now) move to the worker instead of being cloned again.
  const moved = [request.data.x, request.data.y, ...(typeof request.validation === 'object' ? [request.validation.x, request.validation.y] : [])]
    .map((d) => d.data.buffer).concat(request.weights.buffer) as ArrayBuffer[];
  const worker = platform.startWorker('train', request, [...new Set(moved)]);
  const finish = (f: (s: NonNullable<typeof settle>) => void): void => {
    if (!settle) return;
    const s = settle;
    settle = null;
    worker.terminate();
    f(s);
  };
  worker.onMessage((raw) => {
    const m = raw as WorkerMessage;
    try {
      if (m.type === 'started') onStart?.({ backend: m.backend, threads: m.threads });
      else if (m.type === 'batch') onBatch?.({ epoch: m.epoch, step: m.step, stepsPerEpoch: m.stepsPerEpoch, loss: m.loss });
      else if (m.type === 'epoch') { epochs.push(m.logs); onEpoch?.(m.logs); }
      else if (m.type === 'finding') onFinding?.(m.finding);
      else if (m.type === 'error') finish((s) => s.reject(errorOf(m.name, m.message)));
      else if (m.type === 'done') {
        model.loadStateDict(parseSafetensors(m.weights).tensors, { strict: true });
        finish((s) => s.resolve(m.history));
      }
    } catch (e) {
      finish((s) => s.reject(e instanceof Error ? e : new Error(String(e))));
    }
  });
  worker.onError((e) => finish((s) => s.reject(new AxonError('trainInWorker', `the training worker failed: ${e.message}`))));
  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      if (stopFlag) Atomics.store(new Int32Array(stopFlag), 0, 1);
      else finish((s) => s.resolve({ epochs, stoppedEarly: true }));
    },
  };
}
