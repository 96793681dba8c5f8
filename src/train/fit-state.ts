// What fit() saves to resume a run bit for bit: the training checkpoint (model, optimizer, the
// default generator and any named ones, the data loader's position) plus the loop's own state —
// the epoch and the batches done in it, the partial sums of the epoch's loss and metrics, the
// history so far, the divergence watch, and every callback's stateDict (schedulers, early stop).
import { ValueError } from '../errors.js';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, type Stateful } from '../io/training-checkpoint.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Callback, History } from './callbacks.js';

export interface FitCheckpointOptions {
  /** File to write; `{epoch}` and `{step}` are replaced by the epochs completed and the steps taken. */
  path: string;
  /** Write every this many optimizer steps. */
  everySteps?: number;
  /** Write at the end of every epoch. Default true when `everySteps` is not given. */
  everyEpoch?: boolean;
  /** Keep only the newest K files of the series (with `{epoch}`/`{step}` in the path). */
  keepLast?: number;
  /** More generators to save and restore besides the default one (e.g. an augmentation's). */
  generators?: Record<string, Generator>;
}

/** The loop's state at a checkpoint. */
export interface LoopState {
  epoch: number;
  /** Batches done in `epoch` (0 at an epoch boundary). */
  stepInEpoch: number;
  step: number;
  lossSum: number;
  seen: number;
  running: [number, number][];
  watchStart: number;
  lastFinite: number;
  stopTraining: boolean;
  history: History;
  callbacks: unknown[];
}

export interface FitParts {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  source: unknown;
  callbacks: readonly Callback[];
  generators?: Record<string, Generator>;
}

const isStateful = (x: unknown): x is Stateful => typeof x === 'object' && x !== null && typeof (x as Stateful).stateDict === 'function' && typeof (x as Stateful).loadStateDict === 'function';

const generatorsOf = (parts: FitParts): Record<string, Generator> => ({ default: defaultGenerator, ...(parts.generators ?? {}) });

export function saveFitState(file: string, parts: FitParts, loop: Omit<LoopState, 'callbacks'>): void {
  const callbacks = callbackStates(parts.callbacks);
  saveTrainingCheckpoint(file, {
    model: parts.model,
    optimizer: parts.optimizer,
    generators: generatorsOf(parts),
    loader: isStateful(parts.source) ? parts.source : undefined,
    epoch: loop.epoch,
    step: loop.step,
    extra: { fit: { ...loop, callbacks } },
  });
}

/**
 * Restore a checkpoint of saveFitState into the run's objects; the loop state comes back, and
 * whether the data source restored its own position (else fit skips the done batches itself).
 */
export function loadFitState(file: string, parts: FitParts): { loop: LoopState; sourceRestored: boolean } {
  const stateful = isStateful(parts.source);
  const { extra } = loadTrainingCheckpoint(file, {
    model: parts.model,
    optimizer: parts.optimizer,
    generators: generatorsOf(parts),
    loader: stateful ? (parts.source as Stateful) : undefined,
  });
  const loop = extra.fit as LoopState | undefined;
  const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  const ok = typeof loop === 'object' && loop !== null && count(loop.epoch) && count(loop.stepInEpoch) && count(loop.step) && count(loop.seen)
    && typeof loop.lossSum === 'number' && typeof loop.watchStart === 'number' && typeof loop.lastFinite === 'number' && typeof loop.stopTraining === 'boolean'
    && Array.isArray(loop.running) && loop.running.every((r) => Array.isArray(r) && r.length === 2) && Array.isArray(loop.callbacks)
    && typeof loop.history === 'object' && loop.history !== null && Array.isArray(loop.history.epochs);
  if (!ok) {
    throw new ValueError('fit', `${file} holds no fit() loop state; resume from a checkpoint written by fit's checkpoint option or ModelCheckpoint({ saveTrainingState: true })`);
  }
  return { loop, sourceRestored: stateful };
}

/** The states of the callbacks that have one, with their class names, in order. */
function callbackStates(callbacks: readonly Callback[]): { name: string; state: unknown }[] {
  return callbacks.filter((cb) => cb.stateDict).map((cb) => ({ name: cb.constructor.name, state: cb.stateDict!() }));
}

/** Give each stateful callback its saved state (after onTrainBegin, which resets some of them). */
export function restoreCallbacks(callbacks: readonly Callback[], saved: readonly unknown[]): void {
  const own = callbacks.filter((cb) => cb.stateDict);
  const names = (saved as { name?: unknown }[]).map((s) => String(s?.name));
  if (own.length !== saved.length || own.some((cb, i) => cb.constructor.name !== names[i])) {
    throw new ValueError('fit', `the checkpoint holds the state of the callbacks [${names.join(', ')}] but this run has [${own.map((cb) => cb.constructor.name).join(', ')}]; pass the same callbacks to resume`);
  }
  own.forEach((cb, i) => cb.loadStateDict?.((saved[i] as { state: unknown }).state as never));
}
