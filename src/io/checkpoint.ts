// Saving and loading models and training checkpoints as safetensors files. The architecture
// (module config) and the optimizer's hyper-parameters travel in the file's string metadata, so
// one file holds everything and is written atomically (temp file + rename). Loading validates
// the metadata (JSON, depth, no prototype keys), sizes the architecture from its config before
// building it (against the file's weights and `maxParameters`), and checks optimizer state
// against the live optimizer (see checkpoint-optimizer.ts) before anything is assigned.
import { AxonError, ValueError } from '../errors.js';
import { isJsonObject, parseJsonSafe } from '../json-safety.js';
import { checkLimit, type Limits } from '../limits.js';
import { moduleFromConfig, type LoadResult, type Module, type ModuleConfig } from '../nn/module.js';
import type { Optimizer, ParamState } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { architectureSize } from './architecture-size.js';
import { restoreOptimizerState } from './checkpoint-optimizer.js';
import { loadSafetensorsSync, parseSafetensors, serializeSafetensors, serializeSafetensorsAsync, type SafetensorsFile } from './safetensors.js';
import { platform } from '../platform/current.js';

const FORMAT = 'axon-checkpoint-1';

export interface SaveOptions {
  /** Also store the optimizer's state (for resuming training). */
  optimizer?: Optimizer<{ lr: number }>;
  /** Extra JSON-able facts to keep (epoch, metrics, …). */
  extra?: Record<string, unknown>;
}

/**
 * Limits checked before a model is built: `maxParameters` (elements the stored architecture
 * may allocate, default 2^30), `maxTensors` (16,384) and `maxDepth` (JSON and module nesting, 64).
 */
export type LoadOptions = Pick<Limits, 'maxParameters' | 'maxTensors' | 'maxDepth'>;

/**
 * Write the model's weights (PyTorch state-dict names, so `safetensors` in Python reads them)
 * and its architecture to `path` atomically: a crash mid-write never leaves a corrupt file.
 *
 * @example
 * save(model, 'mnist.safetensors'); const again = load('mnist.safetensors');
 */
export function save(model: Module, path: string, options: SaveOptions = {}): void {
  platform.writeFileAtomicSync(path, serializeCheckpoint(model, options));
}

/**
 * `save`, reading the weights back asynchronously: the form that works on every backend, WebGPU
 * included (where `save` throws SyncReadError).
 *
 * @example
 * await saveAsync(model, 'mnist.safetensors');
 */
export async function saveAsync(model: Module, path: string, options: SaveOptions = {}): Promise<void> {
  const { tensors, metadata } = checkpointContents(model, options);
  await platform.writeFileAtomic(path, await serializeSafetensorsAsync(tensors, metadata));
}

/**
 * The bytes `save` writes (a safetensors file with the architecture and, if asked, the optimizer
 * state in its metadata): for a browser, where there is no file to write — keep them in
 * IndexedDB or offer them as a download, and read them back with `parseCheckpoint(bytes)`.
 */
export function serializeCheckpoint(model: Module, options: SaveOptions = {}): Uint8Array {
  const { tensors, metadata } = checkpointContents(model, options);
  return serializeSafetensors(tensors, metadata);
}

/** The tensors and metadata of a checkpoint file. */
function checkpointContents(model: Module, { optimizer, extra }: SaveOptions): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const tensors: Record<string, Tensor> = { ...model.stateDict() };
  const metadata: Record<string, string> = { format: FORMAT };
  try {
    metadata.config = JSON.stringify(model.config());
  } catch {
    // A custom module without config(): weights only; load it with loadWeights(model, path).
  }
  if (optimizer) {
    const sd = optimizer.stateDict();
    const scalars: Record<string, Record<string, number>> = {};
    for (const [i, st] of Object.entries(sd.state)) {
      for (const [k, v] of Object.entries(st)) {
        if (v instanceof Tensor) tensors[`optimizer.state.${i}.${k}`] = v;
        else (scalars[i] ??= {})[k] = v;
      }
    }
    metadata.optimizer = JSON.stringify({ type: optimizer.constructor.name, paramGroups: sd.paramGroups, scalars });
  }
  if (extra) metadata.extra = JSON.stringify(extra);
  return { tensors, metadata };
}

export interface LoadedCheckpoint {
  model: Module;
  /** What `save(..., { extra })` stored. */
  extra: Record<string, unknown>;
}

/** Rebuild the model saved at `path` (architecture and weights); predictions are identical. */
export function load(path: string, options: LoadOptions = {}): Module {
  return loadCheckpoint(path, options).model;
}

/** Rebuild the model and return the extra facts stored with it. */
export function loadCheckpoint(path: string, options: LoadOptions = {}): LoadedCheckpoint {
  return checkpointFrom('load', path, loadSafetensorsSync(path, options), options);
}

/** `loadCheckpoint` on a file's bytes (`source` names it in errors). */
export function parseCheckpoint(bytes: Uint8Array, options: LoadOptions & { source?: string } = {}): LoadedCheckpoint {
  const source = options.source ?? 'checkpoint';
  return checkpointFrom('parseCheckpoint', source, parseSafetensors(bytes, options), options);
}

function checkpointFrom(op: string, source: string, file: SafetensorsFile, options: LoadOptions): LoadedCheckpoint {
  const meta = file.metadata ?? {};
  if (meta.format !== FORMAT || meta.config === undefined) {
    throw new AxonError(op, `${source} holds no Axon model architecture (metadata format ${JSON.stringify(meta.format)?.slice(0, 64)}); build the model in code and call loadWeights(model, '${source}')`);
  }
  const config = parseJsonSafe(op, `${source}: metadata.config`, meta.config, options);
  const size = architectureSize(config, options, `${source}: metadata.config`);
  checkLimit(op, `${source}: the elements the stored architecture allocates`, size.total, options, 'maxParameters');
  const weights = modelTensors(file.tensors);
  const held = Object.values(weights).reduce((n, t) => n + t.numel, 0);
  if (size.stored > held) {
    throw new ValueError(op, `${source}: the stored architecture needs ${size.stored} weights but the file holds ${held}; the architecture metadata does not match the weights (the file is corrupted)`);
  }
  const extra = meta.extra === undefined ? {} : parseJsonSafe(op, `${source}: metadata.extra`, meta.extra, options);
  if (!isJsonObject(extra)) throw new ValueError(op, `${source}: metadata.extra must be a JSON object`);
  const model = typed(op, source, 'the stored architecture', () => moduleFromConfig(config as ModuleConfig));
  typed(op, source, 'the weights', () => model.loadStateDict(weights, { strict: true }));
  model.eval();
  return { model, extra };
}

/** Run `f`, turning an untyped error (a layer fed a bad stored argument) into a ValueError. */
function typed<T>(op: string, source: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof AxonError) throw e;
    throw new ValueError(op, `${source}: ${what} could not be loaded (${(e as Error).message}); the file is corrupted`);
  }
}

function modelTensors(all: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('optimizer.state.')));
}

/**
 * Renames keys for models whose module names differ from the file's: a function (return the
 * model's key, or null to skip the tensor) or a table `{ fileKey: modelKey }` (keys not in the
 * table keep their name).
 */
export type KeyMap = ((key: string) => string | null) | Readonly<Record<string, string>>;

export interface LoadWeightsOptions extends LoadOptions {
  /** Missing or unexpected keys (after `map`) throw; with false they are printed and returned. Default true. */
  strict?: boolean;
  /** Rename the file's keys before loading, e.g. `(k) => k.replace(/^transformer\./, '')` for nanoGPT. */
  map?: KeyMap;
}

/**
 * Load weights from a safetensors file (Axon's or PyTorch's `save_file(model.state_dict())`)
 * into an existing model; returns the missing and unexpected keys (empty when strict).
 */
export function loadWeights(model: Module, path: string, { strict = true, map, ...limits }: LoadWeightsOptions = {}): LoadResult {
  return model.loadStateDict(mapKeys(modelTensors(loadSafetensorsSync(path, limits).tensors), map), { strict });
}

function mapKeys(sd: Record<string, Tensor>, map: KeyMap | undefined): Record<string, Tensor> {
  if (map === undefined) return sd;
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(sd)) {
    const to = typeof map === 'function' ? map(k) : Object.hasOwn(map, k) ? map[k]! : k;
    if (to === null || to === undefined) continue;
    if (typeof to !== 'string') throw new ValueError('loadWeights', `map must return a string key or null, got ${typeof to} for '${k}'`);
    if (Object.hasOwn(out, to)) throw new ValueError('loadWeights', `map sends two keys of the file to '${to}' (the second is '${k}')`);
    out[to] = t;
  }
  return out;
}

/** Restore an optimizer's state saved with `save(model, path, { optimizer })`. */
export function loadOptimizerState(optimizer: Optimizer<{ lr: number }>, path: string, options: LoadOptions = {}): void {
  const file = loadSafetensorsSync(path, options);
  const sd: { state: Record<number, ParamState>; paramGroups: Record<string, unknown>[] } = restoreOptimizerState('loadOptimizerState', path, optimizer, file, options);
  optimizer.loadStateDict(sd);
}
