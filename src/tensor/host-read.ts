// Whether a tensor's values can be read on the CPU synchronously: false on a backend whose memory
// comes back only through `await t.dataAsync()` (WebGPU). Ops that check values on the CPU (index
// ranges, probabilities) do so only where this holds; on the other backends they compute on the
// device and mark an invalid value in their result instead (docs/async-reads.md lists each case).
import type { Tensor } from './tensor.js';

export function readsSync(t: Tensor): boolean {
  return t.storage.backend.syncRead !== false;
}
