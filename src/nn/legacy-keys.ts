// State-dict keys Axon wrote before its buffers took PyTorch's names (BatchNorm's `runningMean`,
// `runningVar`, `numBatchesTracked` until they became `running_mean`, `running_var`,
// `num_batches_tracked`): loadStateDict maps them so existing checkpoints keep loading.
import type { Tensor } from '../tensor/tensor.js';

/** Old last key segment → PyTorch's. */
export const LEGACY_BUFFER_NAMES: Readonly<Record<string, string>> = {
  runningMean: 'running_mean',
  runningVar: 'running_var',
  numBatchesTracked: 'num_batches_tracked',
};

let noticed = false;

/**
 * `sd` with every old-style key renamed to the model's key (only when the model has the new key
 * and `sd` does not already hold it). Prints a one-time notice (per process) when it renames.
 */
export function renameLegacyKeys(sd: Record<string, Tensor>, own: ReadonlySet<string>): Record<string, Tensor> {
  let renamed = 0;
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(sd)) {
    const dot = k.lastIndexOf('.');
    const neu = LEGACY_BUFFER_NAMES[k.slice(dot + 1)];
    const target = neu === undefined ? k : k.slice(0, dot + 1) + neu;
    if (target !== k && own.has(target) && !(target in sd) && !own.has(k)) {
      out[target] = t;
      renamed++;
    } else out[k] = t;
  }
  if (renamed > 0 && !noticed) {
    noticed = true;
    console.warn(`loadStateDict: renamed ${renamed} buffer key(s) from Axon's old names (runningMean, runningVar, numBatchesTracked) to PyTorch's (running_mean, running_var, num_batches_tracked); save the model again to store the new names`);
  }
  return out;
}
