// Naming a file source in messages, the same way on every host.
import type { FileSource } from './platform.js';

/** A short name for a file source: the path or URL, a File's name, or "<N bytes>". */
export function sourceName(source: FileSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (typeof File !== 'undefined' && source instanceof File) return source.name;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return `<blob of ${source.size} bytes>`;
  return `<${(source as ArrayBuffer | ArrayBufferView).byteLength} bytes>`;
}
