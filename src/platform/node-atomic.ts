// Atomic file writes: the bytes go to a temporary file in the same folder, are flushed to disk
// (fsync), and only then renamed over the target. A crash or an exception mid-write leaves the
// old file (or no file) in place, never a half-written one.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** What can be written: one buffer, or chunks (written in order, e.g. header then tensors). */
export type FileBytes = Uint8Array | Iterable<Uint8Array>;

function tempPath(target: string): string {
  // Same folder as the target, so the rename never crosses file systems (which would not be atomic).
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

const chunksOf = (bytes: FileBytes): Iterable<Uint8Array> => (bytes instanceof Uint8Array ? [bytes] : bytes);

/**
 * Write `bytes` to `file` atomically: temp file in the same folder, fsync, rename. If anything
 * throws (including a chunk iterator), the temp file is removed and `file` is untouched.
 *
 * @example
 * await writeFileAtomic('model.safetensors', serializeSafetensors(weights));
 */
export async function writeFileAtomic(file: string, bytes: FileBytes): Promise<void> {
  const tmp = tempPath(file);
  const handle = await open(tmp, 'wx');
  try {
    try {
      for (const chunk of chunksOf(bytes)) {
        let done = 0;
        while (done < chunk.length) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(path.dirname(file));
}

/** `writeFileAtomic` for synchronous callers (e.g. a checkpoint inside a synchronous loop). */
export function writeFileAtomicSync(file: string, bytes: FileBytes): void {
  const tmp = tempPath(file);
  const fd = openSync(tmp, 'wx');
  try {
    try {
      for (const chunk of chunksOf(bytes)) {
        let done = 0;
        while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  try {
    const dfd = openSync(path.dirname(file), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* some platforms can not fsync a folder; the rename itself is still atomic */ }
}

/** Make the rename durable: fsync the folder (best effort; not possible on every platform). */
async function syncDir(dir: string): Promise<void> {
  try {
    const h = await open(dir, 'r');
    try { await h.sync(); } finally { await h.close(); }
  } catch { /* some platforms can not fsync a folder; the rename itself is still atomic */ }
}
