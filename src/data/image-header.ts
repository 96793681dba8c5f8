// Image dimensions read from the header bytes alone (PNG's IHDR, JPEG's SOFn), so a decoder is
// never started on an image whose declared size is past the caller's `maxPixels`.
import { ValueError } from '../errors.js';

/** Width and height a PNG or JPEG declares, or null when the header does not say (the decoder will). */
export function imageDimensions(op: string, source: string, bytes: Uint8Array, format: 'png' | 'jpeg'): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    // Signature (8 bytes), then the IHDR chunk: length (4), "IHDR", width (4), height (4).
    const ihdr = bytes.length >= 24 && bytes[12] === 0x49 && bytes[13] === 0x48 && bytes[14] === 0x44 && bytes[15] === 0x52;
    if (!ihdr) throw new ValueError(op, `${source}: the PNG does not start with an IHDR chunk; the file is truncated or corrupt`);
    return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
  }
  // JPEG: markers after SOI; each FFxx marker but the standalone ones carries a 2-byte length.
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null; // not at a marker: entropy-coded data or damage
    const m = bytes[at + 1]!;
    if (m === 0xff) { at++; continue; } // fill byte
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd9)) { at += 2; continue; }
    const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSof) {
      if (at + 9 > bytes.length) return null;
      return { height: view.getUint16(at + 5, false), width: view.getUint16(at + 7, false) };
    }
    if (m === 0xda) return null; // start of scan before any frame header
    at += 2 + view.getUint16(at + 2, false);
  }
  return null;
}
