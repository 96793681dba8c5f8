// Full training state in one checkpoint file, to resume a run exactly where it stopped (like the
// dict PyTorch users pass to torch.save): the model (weights and architecture) and the optimizer
// state go where `save` puts them; the LR scheduler, the random generators (getState), the data
// loader's position, the epoch and step travel as JSON in the file's metadata. Written atomically.
import { ValueError } from '../errors.js';
import { isJsonObject, parseJsonSafe } from '../json-safety.js';
import type { Module } from '../nn/module.js';
import type { Optimizer, ParamState } from '../optim/optimizer.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { parseCheckpoint, serializeCheckpoint, type LoadOptions } from './checkpoint.js';
import { restoreOptimizerState } from './checkpoint-optimizer.js';
import { parseSafetensors } from './safetensors.js';
import { platform } from '../platform/current.js';

/** Anything whose state is a JSON-able object: LR schedulers, a DataLoader, stateful callbacks. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** What a training checkpoint holds; everything but the model is optional. */
export interface TrainingState {
  model: Module;
  optimizer?: Optimizer<{ lr: number }>;
  /** An LR scheduler (anything with stateDict/loadStateDict). */
  scheduler?: Stateful;
  /** Named generators; default `{ default: defaultGenerator }` (dropout, init, augmentation). */
  generators?: Record<string, Generator>;
  /** The data loader's shuffling position (a DataLoader, or anything Stateful). */
  loader?: Stateful;
  /** Epochs completed (the epoch in progress, 0-based). */
  epoch: number;
  /** Optimizer steps taken so far. */
  step: number;
  /** More JSON-able facts (fit keeps its loop state here). Non-finite numbers survive. */
  extra?: Record<string, unknown>;
}

/** The live objects a checkpoint is restored into. */
export type TrainingTargets = Partial<Omit<TrainingState, 'epoch' | 'step' | 'extra'>>;

export interface LoadedTrainingCheckpoint {
  /** `into.model` with the saved weights, or the model rebuilt from the stored architecture. */
  model: Module;
  epoch: number;
  step: number;
  extra: Record<string, unknown>;
}

const KEY = 'axonTraining';
const FORMAT = 'axon-training-1';

/** JSON cannot hold NaN/±Infinity: they are stored as { "$number": "NaN" }. */
function encode(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
  if (Array.isArray(v)) return v.map(encode);
  if (isJsonObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}
function decode(v: unknown): unknown {
  if (isJsonObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$number' && ['NaN', 'Infinity', '-Infinity'].includes(v.$number as string)) return Number(v.$number);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return Array.isArray(v) ? v.map(decode) : v;
}

function checkCount(op: string, what: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new ValueError(op, `${what} must be an integer ≥ 0, got ${String(v)}`);
  return v as number;
}

/** The bytes `saveTrainingCheckpoint` writes (for a browser: store them, read back with parseTrainingCheckpoint). */
export function serializeTrainingCheckpoint(state: TrainingState): Uint8Array {
  const op = 'saveTrainingCheckpoint';
  checkCount(op, 'epoch', state.epoch);
  checkCount(op, 'step', state.step);
  const generators = state.generators ?? { default: defaultGenerator };
  const training = {
    format: FORMAT,
    epoch: state.epoch,
    step: state.step,
    scheduler: state.scheduler ? state.scheduler.stateDict() : null,
    loader: state.loader ? state.loader.stateDict() : null,
    generators: Object.fromEntries(Object.entries(generators).map(([k, g]) => [k, g.getState()])),
  };
  const extra = encode({ ...(state.extra ?? {}), [KEY]: training }) as Record<string, unknown>;
  return serializeCheckpoint(state.model, { optimizer: state.optimizer, extra });
}

/**
 * Write the full training state to `path` atomically, to resume with `loadTrainingCheckpoint`.
 *
 * @example
 * saveTrainingCheckpoint('run/last.safetensors', { model, optimizer, scheduler, loader, epoch, step });
 * const { epoch, step } = loadTrainingCheckpoint('run/last.safetensors', { model, optimizer, scheduler, loader });
 */
export function saveTrainingCheckpoint(path: string, state: TrainingState): void {
  platform.writeFileAtomicSync(path, serializeTrainingCheckpoint(state));
}

/**
 * Restore a training checkpoint into the live objects of `into` (the model's weights, the
 * optimizer, scheduler, generators — default the default generator — and loader that are given)
 * and return the epoch, step and extra facts. Without `into.model` the model is rebuilt from the
 * stored architecture. Everything is checked before the first object is changed.
 */
export function loadTrainingCheckpoint(path: string, into: TrainingTargets = {}, options: LoadOptions = {}): LoadedTrainingCheckpoint {
  return restoreFrom('loadTrainingCheckpoint', path, platform.readBytesSync('loadTrainingCheckpoint', path), into, options);
}

/** `loadTrainingCheckpoint` on a file's bytes. */
export function parseTrainingCheckpoint(bytes: Uint8Array, into: TrainingTargets = {}, options: LoadOptions & { source?: string } = {}): LoadedTrainingCheckpoint {
  return restoreFrom('parseTrainingCheckpoint', options.source ?? 'checkpoint', bytes, into, options);
}

function restoreFrom(op: string, source: string, bytes: Uint8Array, into: TrainingTargets, options: LoadOptions): LoadedTrainingCheckpoint {
  const file = parseSafetensors(bytes, options);
  const rawExtra = file.metadata?.extra === undefined ? {} : parseJsonSafe(op, `${source}: metadata.extra`, file.metadata.extra, options);
  const all = decode(rawExtra);
  const t = isJsonObject(all) ? all[KEY] : undefined;
  if (!isJsonObject(t) || t.format !== FORMAT) throw new ValueError(op, `${source} holds no training state; write it with saveTrainingCheckpoint (or fit's checkpoint option)`);
  const epoch = checkCount(op, `${source}: epoch`, t.epoch);
  const step = checkCount(op, `${source}: step`, t.step);
  const gens = t.generators;
  if (!isJsonObject(gens)) throw new ValueError(op, `${source}: generators must be an object of states`);
  const targets = into.generators ?? { default: defaultGenerator };
  for (const name of Object.keys(targets)) {
    if (!Array.isArray(gens[name])) throw new ValueError(op, `${source} holds no state for the generator '${name}' (it has ${Object.keys(gens).join(', ') || 'none'})`);
  }
  if (into.scheduler && !isJsonObject(t.scheduler)) throw new ValueError(op, `${source} holds no scheduler state`);
  if (into.loader && !isJsonObject(t.loader)) throw new ValueError(op, `${source} holds no data loader state`);
  const optimizerState = into.optimizer ? restoreOptimizerState(op, source, into.optimizer, file, options) : null;
  let model = into.model;
  if (model) {
    const weights: Record<string, Tensor> = Object.fromEntries(Object.entries(file.tensors).filter(([k]) => !k.startsWith('optimizer.state.')));
    model.loadStateDict(weights, { strict: true });
  } else model = parseCheckpoint(bytes, { ...options, source }).model;
  if (into.optimizer && optimizerState) into.optimizer.loadStateDict(optimizerState as { state: Record<number, ParamState>; paramGroups: Record<string, unknown>[] });
  if (into.scheduler) into.scheduler.loadStateDict(t.scheduler as never);
  for (const [name, g] of Object.entries(targets)) g.setState(gens[name] as number[]);
  if (into.loader) into.loader.loadStateDict(t.loader as never);
  const { [KEY]: _t, ...extra } = all as Record<string, unknown>;
  return { model, epoch, step, extra };
}
