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

/**
 * A value as short JSON-like text for an error message (at most `n` characters). Bounded in
 * depth and width, so a hostile value nested 100,000 deep can not overflow the stack here.
 */
export function brief(v: unknown, n = 64): string {
  const out = summarize(v, 3, n + 1);
  return out.length > n ? `${out.slice(0, n)}…` : out;
}

function summarize(v: unknown, depth: number, room: number): string {
  if (typeof v === 'string') return JSON.stringify(v.length > room ? v.slice(0, room) : v);
  if (v === null || typeof v !== 'object') return String(v);
  if (depth === 0) return Array.isArray(v) ? '[…]' : '{…}';
  const parts: string[] = [];
  let used = 2;
  const entries = Array.isArray(v) ? v.slice(0, 8).map((x): [string | null, unknown] => [null, x]) : Object.keys(v).slice(0, 8).map((k): [string | null, unknown] => [k, (v as Record<string, unknown>)[k]]);
  for (const [k, x] of entries) {
    if (used > room) break;
    const p = `${k === null ? '' : `${JSON.stringify(k)}:`}${summarize(x, depth - 1, room - used)}`;
    parts.push(p);
    used += p.length + 1;
  }
  const more = (Array.isArray(v) ? v.length : Object.keys(v).length) > parts.length ? ',…' : '';
  return Array.isArray(v) ? `[${parts.join(',')}${more}]` : `{${parts.join(',')}${more}}`;
}
