// Every fuzzed loader (see targets-tensors.ts and targets-data.ts), built fresh: seeds are written on the spot.
import type { Target } from './harness.js';
import { csvTarget, idxGzTarget, idxTarget, jpegTarget, pngTarget, tokenizerTarget } from './targets-data.js';
import { checkpointTarget, safetensorsTarget } from './targets-tensors.js';

export { FUZZ_LIMITS } from './limits.js';

export function allTargets(): Target[] {
  return [safetensorsTarget(), checkpointTarget(), csvTarget(), idxTarget(), idxGzTarget(), pngTarget(), jpegTarget(), tokenizerTarget()];
}
