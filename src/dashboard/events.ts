// The events of a run as the dashboard streams them and the run log stores them (one JSON object
// per line). `start`, `epoch` and `end` are JsonLinesLogger's records (train/callbacks.ts
// runLogRecord), so its logs replay too; the others add steps, validation passes, findings and
// the model summary. The page (web/dashboard.ts) reads exactly these.
import type { Finding } from '../train/finding.js';

/** The task the dashboard draws the validation pass for. */
export type DashboardTask = 'classification' | 'regression';

export interface StartEvent {
  event: 'start';
  epochs: number;
  stepsPerEpoch: number;
  initial: Record<string, number> | null;
  /** The run's name (the example, or the log file's name). */
  name?: string;
  /** When training began (ISO 8601). */
  startedAt?: string;
  task?: DashboardTask;
  /** Class count for classification. */
  classes?: number;
  /** Rows in the validation data, when known. */
  validationSize?: number;
  /** Whether fit clips the gradient norm (then gradNorm is the clipped one). */
  clipGradNorm?: number;
}

export interface ModelEvent { event: 'model'; summary: string; parameters: number; trainable: number }

/** One optimizer step, `t` seconds after training began. `gradNorm` is sampled (some of the steps whose events are sent right away). */
export interface StepEvent { event: 'step'; step: number; epoch: number; loss: number; lr: number; samples: number; t: number; gradNorm?: number }

export interface EpochEvent { event: 'epoch'; epoch: number; loss: number; step?: number; [metric: string]: number | string | undefined }

/** A thumbnail of a misclassified validation image: grey or RGB bytes (base64), rescaled to 0–255. */
export interface Thumbnail { width: number; height: number; channels: 1 | 3; pixels: string; truth: number; pred: number }

/** A validation pass: `trained` epochs trained so far (0: before the first step). */
export interface ValidationEvent {
  event: 'validation';
  trained: number;
  step: number;
  rows: number;
  /** Classification: confusion[truth][pred] counts over the whole pass. */
  confusion?: number[][];
  /** Regression / time series: the first rows' targets and predictions (first output), in order. */
  truth?: number[];
  pred?: number[];
  /** Image classifiers: up to 16 misclassified images. */
  misclassified?: Thumbnail[];
}

export type FindingEvent = { event: 'finding' } & Finding;

export interface EndEvent {
  event: 'end';
  epochs: number;
  stoppedEarly: boolean;
  /** The divergence error's message, when training diverged. */
  diverged?: string;
  /** Milliseconds the training thread spent in the dashboard's callback (its cost to the run). */
  dashboardMs?: number;
}

export type DashboardEvent = StartEvent | ModelEvent | StepEvent | EpochEvent | ValidationEvent | FindingEvent | EndEvent;

/** The event names a run log may hold (others are kept but drawn nowhere). */
export const EVENT_NAMES: readonly DashboardEvent['event'][] = ['start', 'model', 'step', 'epoch', 'validation', 'finding', 'end'];
