// WAV audio (RIFF/WAVE), read: PCM 8/16/24/32-bit integers and 32/64-bit IEEE floats
// (WAVE_FORMAT_PCM = 1, WAVE_FORMAT_IEEE_FLOAT = 3, and WAVE_FORMAT_EXTENSIBLE = 0xFFFE whose
// sub-format is one of those). Every header field is checked against the others and against the
// file's length before a sample is decoded, so a truncated or inconsistent file is refused whole.
//
// Layout: "RIFF" u32 size "WAVE", then chunks (4-byte id, u32 little-endian size, data, a pad byte
// when the size is odd). "fmt " (16+ bytes): u16 format, u16 channels, u32 sampleRate,
// u32 byteRate = sampleRate·blockAlign, u16 blockAlign = channels·bits/8, u16 bitsPerSample;
// "data": the interleaved frames. Other chunks (LIST, fact, …) are skipped.
import { platform, sourceName, type FileSource } from '../platform/current.js';
import { ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import type { FloatDType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

export interface DecodeWavOptions {
  /** The sample rate the caller needs, in Hz: a file at another rate is refused, naming both. */
  sampleRate?: number;
  /** Element type of the samples. Default float32. */
  dtype?: FloatDType;
  /** The file's name in error messages. */
  source?: string;
}

/** Decoded audio: samples in [−1, 1] (integers scaled by 2^(bits−1); 8-bit PCM is unsigned, centred at 128). */
export interface WavAudio {
  /** (channels, frames). */
  samples: Tensor;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  format: 'pcm' | 'float';
}

const tag = (b: Uint8Array, at: number): string => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/**
 * Decode the bytes of a WAV file into (channels, frames) samples in [−1, 1].
 *
 * @example
 * const { samples, sampleRate } = decodeWav(bytes, { sampleRate: 8000 }); // (1, frames)
 */
export function decodeWav(bytes: Uint8Array, { sampleRate: want, dtype = 'float32', source = 'the audio' }: DecodeWavOptions = {}): WavAudio {
  const op = 'decodeWav';
  const bad = (why: string): ValueError => new ValueError(op, `${source} is not a valid WAV file: ${why}`);
  if (bytes.length < 12 || tag(bytes, 0) !== 'RIFF' || tag(bytes, 8) !== 'WAVE') {
    throw bad(`it does not start with "RIFF" … "WAVE" (first bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > bytes.length) throw bad(`the RIFF header says ${riffEnd} bytes but the file has ${bytes.length} (truncated?)`);
  let fmt: { format: number; channels: number; rate: number; byteRate: number; blockAlign: number; bits: number } | null = null;
  let data: { at: number; size: number } | null = null;
  for (let at = 12; at + 8 <= riffEnd;) {
    const id = tag(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (body + size > riffEnd) throw bad(`chunk "${id}" at byte ${at} claims ${size} bytes, past the end of the file (${riffEnd} bytes)`);
    if (id === 'fmt ') {
      if (size < 16) throw bad(`its "fmt " chunk has ${size} bytes, fewer than the 16 it needs`);
      let format = view.getUint16(body, true);
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true); // EXTENSIBLE: the sub-format GUID starts with the format code
      fmt = { format, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), byteRate: view.getUint32(body + 8, true), blockAlign: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      data = { at: body, size };
    }
    at = body + size + (size & 1); // chunks are padded to even sizes
  }
  if (!fmt) throw bad('it has no "fmt " chunk');
  if (!data) throw bad('it has no "data" chunk');
  const { format, channels, rate, byteRate, blockAlign, bits } = fmt;
  const kind = format === 1 ? 'pcm' : format === 3 ? 'float' : null;
  if (!kind) throw new ValueError(op, `${source} uses WAV format code ${format}; only PCM (1) and IEEE float (3) are read — convert it, e.g. ffmpeg -i in.wav -c:a pcm_s16le out.wav`);
  if (channels < 1) throw bad('it declares 0 channels');
  if (!(kind === 'pcm' ? [8, 16, 24, 32] : [32, 64]).includes(bits)) throw bad(`${bits}-bit ${kind === 'pcm' ? 'PCM' : 'float'} samples are not a valid combination`);
  if (blockAlign !== channels * (bits / 8)) throw bad(`blockAlign ${blockAlign} ≠ channels × bytes per sample (${channels} × ${bits / 8})`);
  if (rate < 1) throw bad('its sample rate is 0 Hz');
  if (byteRate !== rate * blockAlign) throw bad(`byteRate ${byteRate} ≠ sampleRate × blockAlign (${rate} × ${blockAlign})`);
  if (data.size % blockAlign !== 0) throw bad(`its data chunk (${data.size} bytes) is not a whole number of ${blockAlign}-byte frames`);
  if (want !== undefined && rate !== want) {
    throw new ValueError(op, `${source} is sampled at ${rate} Hz but ${want} Hz is expected; resample it to ${want} Hz (e.g. sox in.wav -r ${want} out.wav)`);
  }
  const frames = data.size / blockAlign;
  const out = new Float64Array(channels * frames);
  const bps = bits / 8;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      const p = data.at + f * blockAlign + c * bps;
      let v: number;
      if (kind === 'float') v = bits === 32 ? view.getFloat32(p, true) : view.getFloat64(p, true);
      else if (bits === 8) v = (bytes[p]! - 128) / 128;
      else if (bits === 16) v = view.getInt16(p, true) / 32768;
      else if (bits === 24) v = (((bytes[p + 2]! << 24) | (bytes[p + 1]! << 16) | (bytes[p]! << 8)) >> 8) / 8388608;
      else v = view.getInt32(p, true) / 2147483648;
      out[c * frames + f] = v; // de-interleave: (channels, frames)
    }
  }
  return { samples: fromArray(out, [channels, frames], dtype), sampleRate: rate, channels, bitsPerSample: bits, format: kind };
}

/** Read a WAV file (Node) and decode it (see decodeWav). */
export function readWav(path: string, opts: Omit<DecodeWavOptions, 'source'> = {}): WavAudio {
  return decodeWav(platform.readBytesSync('readWav', path), { ...opts, source: path });
}

/** Fetch or read a WAV file on any host (a URL in a browser) and decode it. */
export async function loadWav(source: FileSource, opts: Omit<DecodeWavOptions, 'source'> = {}): Promise<WavAudio> {
  return decodeWav(await platform.readBytes('loadWav', source), { ...opts, source: sourceName(source) });
}
