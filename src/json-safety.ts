// JSON from files, parsed defensively: the nesting depth is measured on the text before parsing
// (deep nesting overflows recursive consumers), keys that would reach an object's prototype are
// refused, and every failure is a typed error naming the source and the field.
import { ValueError } from './errors.js';
import { checkLimit, type Limits } from './limits.js';

/** Keys that would replace or reach a prototype when assigned to a plain object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest `[`/`{` nesting of JSON text, in one linear scan (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) { if (++depth > max) max = depth; }
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * Parse JSON text from a file. `what` names the file and field in errors ("m.safetensors:
 * metadata.config"). Throws ValueError on bad JSON or a prototype key (`__proto__`,
 * `constructor`, `prototype`, refused unless `allowProtoKeys`), LimitError past `maxDepth`.
 */
export function parseJsonSafe(op: string, what: string, text: string, limits?: Limits, { allowProtoKeys = false } = {}): unknown {
  if (typeof text !== 'string') throw new ValueError(op, `${what} must be a JSON string, got ${typeof text}`);
  checkLimit(op, `${what}: JSON nesting depth`, jsonDepth(text), limits, 'maxDepth');
  try {
    return JSON.parse(text, allowProtoKeys ? undefined : (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new ValueError(op, `${what} holds the key ${JSON.stringify(key)}, which is refused (it would reach an object's prototype); the file is corrupted or hostile`);
      return value;
    });
  } catch (e) {
    if (e instanceof ValueError) throw e;
    throw new ValueError(op, `${what} is not valid JSON (${(e as Error).message}); the file is corrupted or truncated`);
  }
}

/** Whether `v` is a plain JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A value as short JSON for an error message (at most `n` characters). */
export function brief(v: unknown, n = 64): string {
  let s: string;
  try { s = JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
