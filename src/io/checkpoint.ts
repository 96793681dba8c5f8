// Saving and loading models and training checkpoints as safetensors files. The architecture
// (module config) and the optimizer's hyper-parameters travel in the file's string metadata, so
// one file holds everything and is written atomically (temp file + rename).
import { AxonError } from '../errors.js';
import { moduleFromConfig, type Module, type ModuleConfig } from '../nn/module.js';
import type { Optimizer, ParamState } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { loadSafetensorsSync, saveSafetensorsSync } from './safetensors.js';

const FORMAT = 'axon-checkpoint-1';

export interface SaveOptions {
  /** Also store the optimizer's state (for resuming training). */
  optimizer?: Optimizer<{ lr: number }>;
  /** Extra JSON-able facts to keep (epoch, metrics, …). */
  extra?: Record<string, unknown>;
}

/**
 * Write the model's weights (PyTorch state-dict names, so `safetensors` in Python reads them)
 * and its architecture to `path` atomically: a crash mid-write never leaves a corrupt file.
 *
 * @example
 * save(model, 'mnist.safetensors'); const again = load('mnist.safetensors');
 */
export function save(model: Module, path: string, { optimizer, extra }: SaveOptions = {}): void {
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
  saveSafetensorsSync(path, tensors, metadata);
}

export interface LoadedCheckpoint {
  model: Module;
  /** What `save(..., { extra })` stored. */
  extra: Record<string, unknown>;
}

/** Rebuild the model saved at `path` (architecture and weights); predictions are identical. */
export function load(path: string): Module {
  return loadCheckpoint(path).model;
}

/** Rebuild the model and return the extra facts stored with it. */
export function loadCheckpoint(path: string): LoadedCheckpoint {
  const file = loadSafetensorsSync(path);
  const meta = file.metadata ?? {};
  if (meta.format !== FORMAT || meta.config === undefined) {
    throw new AxonError('load', `${path} holds no Axon model architecture (metadata format ${JSON.stringify(meta.format)}); build the model in code and call loadWeights(model, '${path}')`);
  }
  const model = moduleFromConfig(JSON.parse(meta.config) as ModuleConfig);
  model.loadStateDict(modelTensors(file.tensors), { strict: true });
  model.eval();
  return { model, extra: meta.extra ? (JSON.parse(meta.extra) as Record<string, unknown>) : {} };
}

function modelTensors(all: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('optimizer.state.')));
}

/** Load weights from a safetensors file (Axon's or PyTorch's) into an existing model. */
export function loadWeights(model: Module, path: string, { strict = true }: { strict?: boolean } = {}): void {
  model.loadStateDict(modelTensors(loadSafetensorsSync(path).tensors), { strict });
}

/** Restore an optimizer's state saved with `save(model, path, { optimizer })`. */
export function loadOptimizerState(optimizer: Optimizer<{ lr: number }>, path: string): void {
  const file = loadSafetensorsSync(path);
  const raw = file.metadata?.optimizer;
  if (!raw) throw new AxonError('loadOptimizerState', `${path} holds no optimizer state; save with { optimizer }`);
  const meta = JSON.parse(raw) as { type: string; paramGroups: Record<string, unknown>[]; scalars: Record<string, Record<string, number>> };
  if (meta.type !== optimizer.constructor.name) {
    throw new AxonError('loadOptimizerState', `${path} holds ${meta.type} state but the optimizer is ${optimizer.constructor.name}`);
  }
  const state: Record<number, ParamState> = {};
  for (const [i, s] of Object.entries(meta.scalars)) state[Number(i)] = { ...s };
  for (const [k, t] of Object.entries(file.tensors)) {
    const m = /^optimizer\.state\.(\d+)\.(.+)$/.exec(k);
    if (m) (state[Number(m[1])] ??= {})[m[2]!] = t;
  }
  optimizer.loadStateDict({ state, paramGroups: meta.paramGroups });
}
