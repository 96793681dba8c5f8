// Seeded mutations for the loader fuzzer: byte flips, interesting bytes, truncation, splices,
// big-/little-endian integer patches at header offsets, and JSON edits (wrong types, huge
// numbers, deep nesting, `__proto__` keys, deleted and amplified fields). Same seed, same cases.

/** A small, fast, seeded PRNG (mulberry32). */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]!; }
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x7b, 0x5b, 0x22];
const INTERESTING_INTS = [0, 1, 2, 255, 256, 0x7fff, 0xffff, 16384, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 24];

/** Where a format keeps integers worth patching: [offset, bytes, little-endian]. */
export type Field = [number, 2 | 4 | 8, boolean];

/** One byte-level mutation of `b` (a new array). `fields` are header integers worth patching. */
export function mutateBytes(rng: Rng, b: Uint8Array, fields: readonly Field[] = []): Uint8Array {
  const out = Uint8Array.from(b);
  const kind = rng.int(fields.length > 0 ? 7 : 6);
  const at = rng.int(Math.max(1, out.length));
  switch (kind) {
    case 0: { // flip a few bits
      for (let k = 0, n = 1 + rng.int(4); k < n && out.length > 0; k++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
      return out;
    }
    case 1: if (out.length > 0) out[at] = rng.pick(INTERESTING_BYTES); return out;
    case 2: return out.slice(0, rng.int(out.length + 1)); // truncate
    case 3: { // splice: copy a chunk of the file over another place
      const from = rng.int(Math.max(1, out.length));
      const len = rng.int(Math.min(64, out.length - from) + 1);
      out.copyWithin(at, from, from + len);
      return out;
    }
    case 4: { // insert random bytes
      const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      const r = new Uint8Array(out.length + ins.length);
      r.set(out.subarray(0, at)); r.set(ins, at); r.set(out.subarray(at), at + ins.length);
      return r;
    }
    case 5: { // delete a range
      const len = Math.min(1 + rng.int(32), out.length - at);
      const r = new Uint8Array(out.length - len);
      r.set(out.subarray(0, at)); r.set(out.subarray(at + len), at);
      return r;
    }
    default: { // patch a header integer with an interesting value
      const [off, size, le] = rng.pick(fields);
      if (off + size > out.length) return out;
      const v = rng.pick(INTERESTING_INTS);
      const view = new DataView(out.buffer);
      if (size === 2) view.setUint16(off, v & 0xffff, le);
      else if (size === 4) view.setUint32(off, v >>> 0, le);
      else view.setBigUint64(off, rng.int(2) === 0 ? BigInt(v) : 2n ** BigInt(32 + rng.int(32)), le);
      return out;
    }
  }
}

/** Deeply nested JSON text: `[[[…1…]]]` or `{"a":{"a":…}}`. */
export function deepJson(depth: number, obj = false): string {
  return obj ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

const REPLACEMENTS: ((rng: Rng) => string)[] = [
  () => 'null', () => '"abc"', () => 'true', () => '[]', () => '{}', () => '-1', () => '1.5', () => '1e300', () => '9007199254740993',
  () => '2147483648', () => '16384', () => '20000000', () => '"__proto__"', () => '[1,{}]', () => '{"__proto__":{"polluted":1}}',
  (rng) => deepJson(50 + rng.int(5000), rng.int(2) === 0),
];

/** Paths to every value in a JSON tree (objects and arrays included). */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (out.length > 2000) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

/**
 * One JSON-level mutation of `text` (returned as text; replacement values are spliced in as text,
 * so deep nesting and `__proto__` keys survive). Falls back to the text unchanged if it is not JSON.
 */
export function mutateJson(rng: Rng, text: string): string {
  let root: unknown;
  try { root = JSON.parse(text); } catch { return text; }
  const all = paths(root);
  const path = rng.pick(all);
  const MARK = '"\u0000MUTATION\u0000"';
  const kind = rng.int(4);
  const set = (value: unknown): unknown => {
    if (path.length === 0) return value;
    let o = root as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (value === DELETE) { if (Array.isArray(o)) o.splice(last as number, 1); else delete o[last]; }
    else if (value === AMPLIFY && Array.isArray(o)) { const x = o[last as number]; for (let i = 0; i < 1 + rng.int(64); i++) o.push(x); }
    else o[last] = value;
    return root;
  };
  const DELETE = Symbol('delete');
  const AMPLIFY = Symbol('amplify');
  if (kind === 0 && path.length > 0) return JSON.stringify(set(DELETE));
  if (kind === 1 && path.length > 0) return JSON.stringify(set(AMPLIFY));
  if (kind === 2 && path.length > 0) { // a number nudged or blown up
    const num = rng.pick([0, -1, 1, 2 ** 31, 2 ** 53, 1e21, 0.5, 65535]);
    return JSON.stringify(set(num));
  }
  const replaced = JSON.stringify(set('\u0000MUTATION\u0000'));
  return replaced.replace(MARK, rng.pick(REPLACEMENTS)(rng));
}
