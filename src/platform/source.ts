// Naming a file source in messages, the same way on every host.
import type { FileSource } from './platform.js';

/** Whether a source is bytes already (an ArrayBuffer or a typed array / DataView). */
export const isBytes = (s: FileSource): s is ArrayBuffer | ArrayBufferView => s instanceof ArrayBuffer || ArrayBuffer.isView(s);

/** Bytes as a Uint8Array over an ArrayBuffer (a view when they already are, a copy from shared memory). */
export function bytesOf(source: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const b = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);
}

/** A short name for a file source: the path or URL, a File's name, or "<N bytes>". */
export function sourceName(source: FileSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (typeof File !== 'undefined' && source instanceof File) return source.name;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return `<blob of ${source.size} bytes>`;
  return `<${(source as ArrayBuffer | ArrayBufferView).byteLength} bytes>`;
}
