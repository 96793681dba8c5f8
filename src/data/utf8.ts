// Strict UTF-8 decoding for data files: invalid bytes are an error naming the file and the byte
// offset, never a silent U+FFFD.
import { ValueError } from '../errors.js';

const fatal = new TextDecoder('utf-8', { fatal: true });

/** Decode UTF-8 bytes (a leading BOM is dropped); a ValueError names `where` and the first bad byte's offset. */
export function decodeUtf8(op: string, where: string, bytes: Uint8Array): string {
  try {
    return fatal.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new ValueError(op, `${where}invalid UTF-8 at byte offset ${at} (0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}); save the file as UTF-8 or convert it (e.g. iconv -f latin1 -t utf-8)`);
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (the length if none). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) { i++; continue; }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) { n = 2; if (c === 0xe0) lo = 0xa0; if (c === 0xed) hi = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; if (c === 0xf0) lo = 0x90; if (c === 0xf4) hi = 0x8f; }
    else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return b.length;
}
