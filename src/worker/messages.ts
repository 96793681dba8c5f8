// The messages between trainInWorker() (the page, or any thread) and the training worker. Only
// structured-clone-able values: tensors travel as typed arrays with their shape, weights as
// safetensors bytes, errors as their class name and message.
import type { ModuleConfig } from '../nn/module.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { EpochLogs, History } from '../train/callbacks.js';
import type { Finding } from '../train/finding.js';
import type { LossName } from '../train/loss-fn.js';
import type { MetricName } from '../train/running-metrics.js';

/** A tensor as plain data. */
export interface TensorData { dtype: DType; shape: number[]; data: TypedArray }

/** The optimizers a worker can build, by PyTorch name, with their options (lr required). */
export interface OptimizerSpec {
  type: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  lr: number;
  [option: string]: unknown;
}

/** EarlyStopping's options (see EarlyStopping). */
export interface EarlyStoppingSpec { monitor?: string; patience?: number; minDelta?: number; mode?: 'min' | 'max' | 'auto'; restoreBestWeights?: boolean }

/** What fit() takes, as data. */
export interface WorkerFitOptions {
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerSpec;
  loss?: LossName;
  metrics?: MetricName[];
  classWeight?: readonly number[] | 'balanced';
  seed?: number;
  shuffle?: boolean;
  clipGradNorm?: number;
  doctor?: boolean;
  earlyStopping?: EarlyStoppingSpec;
  /** Also print the progress bar and findings in the worker's console (default false: they stream to the callbacks). */
  verbose?: boolean;
}

export interface TrainRequest {
  model: ModuleConfig;
  /** The model's starting weights (safetensors bytes), so the worker trains the page's model. */
  weights: Uint8Array;
  data: { x: TensorData; y: TensorData };
  validation?: { x: TensorData; y: TensorData } | number;
  options: WorkerFitOptions;
  /** Kernel threads inside the worker (default: the cores available). */
  threads?: number;
  /** One Int32 set to 1 by stop() (present where SharedArrayBuffer is). */
  stopFlag?: SharedArrayBuffer;
  /** Post a 'batch' message at most this often (ms). */
  batchEveryMs: number;
}

export type WorkerMessage =
  | { type: 'started'; backend: string; threads: number }
  | { type: 'batch'; epoch: number; step: number; stepsPerEpoch: number; loss: number }
  | { type: 'epoch'; logs: EpochLogs }
  | { type: 'finding'; finding: Finding }
  | { type: 'done'; history: History; weights: Uint8Array }
  | { type: 'error'; name: string; message: string };
