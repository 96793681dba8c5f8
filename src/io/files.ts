// Atomic file writes for users (the host's: temp file in the same folder, fsync, rename; Node only).
import { platform } from '../platform/current.js';

/** What can be written: one buffer, or chunks (written in order, e.g. header then tensors). */
export type FileBytes = Uint8Array | Iterable<Uint8Array>;

/**
 * Write `bytes` to `file` atomically: temp file in the same folder, fsync, rename. If anything
 * throws (including a chunk iterator), the temp file is removed and `file` is untouched.
 *
 * @example
 * await writeFileAtomic('model.safetensors', serializeSafetensors(weights));
 */
export function writeFileAtomic(file: string, bytes: FileBytes): Promise<void> {
  return platform.writeFileAtomic(file, bytes);
}

/** `writeFileAtomic` for synchronous callers (e.g. a checkpoint inside a synchronous loop). */
export function writeFileAtomicSync(file: string, bytes: FileBytes): void {
  platform.writeFileAtomicSync(file, bytes);
}
