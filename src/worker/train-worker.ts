// The training worker (a Web Worker in a browser, a worker thread in Node): rebuilds the page's
// model from its config and weights, runs fit() with the training doctor, and streams progress
// (started, throttled batch losses, epochs, findings) back; ends with the history and the trained
// weights, or the error's class and message. Started by trainInWorker(); not imported.
import { AxonError } from '../errors.js';
import * as ax from '../index.js';
import { platform } from '../platform/current.js';
import type { Callback } from '../train/callbacks.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Module } from '../nn/module.js';
import type { OptimizerSpec, TrainRequest, WorkerMessage } from './messages.js';
import { fromData } from './tensor-data.js';

const OPTIMIZERS = { SGD: ax.SGD, Adam: ax.Adam, AdamW: ax.AdamW, RMSprop: ax.RMSprop } as const;

function optimizerOf(model: Module, spec: OptimizerSpec | undefined): Optimizer<{ lr: number }> | undefined {
  if (spec === undefined) return undefined;
  const Ctor = OPTIMIZERS[spec.type];
  if (!Ctor) throw new ax.ValueError('trainInWorker', `unknown optimizer '${String(spec.type)}'; use one of ${Object.keys(OPTIMIZERS).join(', ')}`);
  const { type: _type, ...opts } = spec;
  return new Ctor(model.parameters(), opts as never) as unknown as Optimizer<{ lr: number }>;
}

function train(req: TrainRequest, post: (m: WorkerMessage, transfer?: Transferable[]) => void): void {
  if (req.threads !== undefined) ax.setNumThreads(req.threads);
  const model = ax.moduleFromConfig(req.model);
  model.loadStateDict(ax.parseSafetensors(req.weights).tensors, { strict: true });
  const stop = req.stopFlag ? new Int32Array(req.stopFlag) : null;
  let lastBatch = 0;
  const stream: Callback = {
    onBatchEnd(step, logs, ctx) {
      const now = performance.now();
      if (now - lastBatch >= req.batchEveryMs) {
        lastBatch = now;
        post({ type: 'batch', epoch: ctx.epoch + 1, step: step + 1, stepsPerEpoch: ctx.stepsPerEpoch, loss: logs.loss });
      }
      if (stop && Atomics.load(stop, 0) === 1) ctx.stopTraining = true;
    },
    onEpochEnd(_epoch, logs) { post({ type: 'epoch', logs: { ...logs } }); },
    onFinding(finding) { post({ type: 'finding', finding }); },
  };
  const { earlyStopping, optimizer, ...opts } = req.options;
  const callbacks: Callback[] = [stream, ...(earlyStopping ? [new ax.EarlyStopping(earlyStopping)] : [])];
  const validation = typeof req.validation === 'object' ? { x: fromData(req.validation.x), y: fromData(req.validation.y) } : req.validation;
  post({ type: 'started', backend: ax.getBackend().name, threads: ax.getNumThreads() });
  const history = ax.fit(model, {
    verbose: false,
    ...opts,
    data: { x: fromData(req.data.x), y: fromData(req.data.y) },
    ...(validation !== undefined ? { validation } : {}),
    ...(optimizer ? { optimizer: optimizerOf(model, optimizer) } : {}),
    callbacks,
  });
  const weights = ax.serializeSafetensors(model.stateDict());
  post({ type: 'done', history, weights }, [weights.buffer as ArrayBuffer]);
}

const { port, init } = await platform.parentPort();
const post = (m: WorkerMessage, transfer?: Transferable[]): void => port.post(m, transfer);
try {
  if (platform.name === 'browser') await ax.initWasm();
  train(init as TrainRequest, post);
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ type: 'error', name: err instanceof AxonError ? err.name : 'AxonError', message: err instanceof AxonError ? err.message : `trainInWorker: ${err.name}: ${err.message}` });
}
