// Loader limits: the defaults every file reader checks before it allocates, and the check itself.
// A limit is an option a caller can raise (`{ maxPixels: 1e8 }`); the error names it.
import { LimitError, ValueError } from './errors.js';

/** Default limits of the loaders (each one an option of the loaders that check it). */
export const DEFAULT_LIMITS = {
  /** Bytes a decompressed or decoded payload may take (IDX after gunzip, JPEG decoder memory). 1 GiB. */
  maxBytes: 2 ** 30,
  /** Pixels (width × height) of one decoded image. 2^25 ≈ 33.5 M (e.g. 8192 × 4096). */
  maxPixels: 2 ** 25,
  /** Parameters and buffers (elements) a stored architecture may build. 2^30 ≈ 1.07 G. */
  maxParameters: 2 ** 30,
  /** Tensors in one safetensors file. 16,384. */
  maxTensors: 16_384,
  /** Columns of a CSV file. 16,384 (a spreadsheet's). */
  maxColumns: 16_384,
  /** Nesting depth of JSON in headers, metadata and stored architectures. 64. */
  maxDepth: 64,
  /** Tokens (entries) of a tokenizer vocabulary. 2^20. */
  maxVocab: 2 ** 20,
  /** Bytes of one merged BPE token. 4,096. */
  maxTokenBytes: 4096,
  /** Bytes of all BPE tokens together. 64 MiB. */
  maxVocabBytes: 2 ** 26,
} as const;

export type LimitName = keyof typeof DEFAULT_LIMITS;
/** Limits a loader accepts as options; unset ones take DEFAULT_LIMITS. */
export type Limits = { [K in LimitName]?: number };

/** The limit in force: the caller's (validated) value or the default. */
export function limitOf(op: string, limits: Limits | undefined, name: LimitName): number {
  const v = limits?.[name];
  if (v === undefined) return DEFAULT_LIMITS[name];
  if (typeof v !== 'number' || !(v >= 0)) throw new ValueError(op, `option ${name} must be a number ≥ 0, got ${String(v)}`);
  return v;
}

/** Throw a LimitError when `value` exceeds the `name` limit. `what` names the file and field. */
export function checkLimit(op: string, what: string, value: number, limits: Limits | undefined, name: LimitName): void {
  const max = limitOf(op, limits, name);
  if (!(value <= max)) throw new LimitError(op, what, name, value, max);
}
