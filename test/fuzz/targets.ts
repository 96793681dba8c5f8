// The loaders under fuzz, each with valid seed files the library (or its codecs) writes, the
// hostile inputs of the hardening issue, the header fields worth patching, and a format-aware
// mutation. Limits are passed small (FUZZ_LIMITS) so a case's memory bound is checkable.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import * as ax from '../../src/index.js';
import { restoreOptimizerState } from '../../src/io/checkpoint-optimizer.js';
import type { Target } from './harness.js';
import { deepJson, mutateBytes, mutateJson, type Field, type Rng } from './mutate.js';

/** Limits every fuzzed loader gets: small enough that a case's memory bound means something. */
export const FUZZ_LIMITS = {
  maxBytes: 64 * 2 ** 20, maxPixels: 2 ** 22, maxParameters: 2 ** 22, maxTensors: 4096, maxColumns: 4096,
  maxDepth: 64, maxVocab: 2 ** 16, maxTokenBytes: 4096, maxVocabBytes: 2 ** 24,
} as const;
const MB = 2 ** 20;
const utf8 = new TextEncoder();
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

// ---- safetensors ----

/** Split a safetensors file into its header text and data section (null if the length is off). */
function splitSafetensors(b: Uint8Array): { header: string; data: Uint8Array } | null {
  if (b.length < 8) return null;
  const n = Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true));
  if (8 + n > b.length) return null;
  return { header: text(b.subarray(8, 8 + n)), data: b.subarray(8 + n) };
}
function joinSafetensors(header: string, data: Uint8Array): Uint8Array {
  let h = utf8.encode(header);
  if (h.length % 8 !== 0) { const p = new Uint8Array(h.length + 8 - (h.length % 8)).fill(0x20); p.set(h); h = p; }
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8); out.set(data, 8 + h.length);
  return out;
}
/** Edit the header JSON; for checkpoints, half the time edit a JSON string inside __metadata__. */
function mutateHeader(rng: Rng, b: Uint8Array, nested: boolean): Uint8Array | null {
  const s = splitSafetensors(b);
  if (!s) return null;
  if (nested) {
    try {
      const h = JSON.parse(s.header) as { __metadata__?: Record<string, string> };
      const keys = Object.keys(h.__metadata__ ?? {}).filter((k) => k !== 'format');
      if (keys.length > 0 && rng.next() < 0.6) {
        const k = rng.pick(keys);
        h.__metadata__![k] = mutateJson(rng, h.__metadata__![k]!);
        return joinSafetensors(JSON.stringify(h), s.data);
      }
    } catch { /* not JSON: edit the text below */ }
  }
  return joinSafetensors(mutateJson(rng, s.header), s.data);
}

function safetensorsSeeds(): Uint8Array[] {
  return [
    ax.serializeSafetensors({ w: ax.randn([3, 4]), b: ax.zeros([4], { dtype: 'float64' }), i: ax.tensor([1, 2, 3], { dtype: 'int32' }), m: ax.tensor([true, false], { dtype: 'bool' }) }, { format: 'pt' }),
    ax.serializeSafetensors({ 'a.weight': ax.randn([2, 2]), 'a.bias': ax.randn([2]) }),
    ax.serializeSafetensors({ s: ax.tensor(3), e: ax.zeros([0, 5]) }, { note: 'x' }),
  ];
}
function manyTensorsHeader(n: number): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
  return joinSafetensors(`{${parts.join(',')}}`, new Uint8Array(0));
}

export function safetensorsTarget(): Target {
  const seed = safetensorsSeeds()[1]!;
  const s = splitSafetensors(seed)!;
  return {
    name: 'safetensors',
    seeds: safetensorsSeeds(),
    hostile: [
      ['deep header', joinSafetensors(`{"x":${deepJson(100000)}}`, new Uint8Array(0))],
      ['deep __metadata__', joinSafetensors(`{"__metadata__":{"a":${deepJson(5000, true)}}}`, new Uint8Array(0))],
      ['nested __metadata__', joinSafetensors('{"__metadata__":{"a":{"b":"c"}}}', new Uint8Array(0))],
      ['200k zero-size tensors', manyTensorsHeader(200_000)],
      ['header length 2^63', (() => { const b = Uint8Array.from(seed); new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true); return b; })()],
      ['__proto__ tensor', joinSafetensors(s.header.replace('"a.bias"', '"__proto__"'), s.data)],
    ],
    fields: () => [[0, 8, true], [0, 4, true]],
    mutate: (rng, b) => mutateHeader(rng, b, false),
    run: (b) => { ax.parseSafetensors(b, FUZZ_LIMITS); },
    memoryBound: 256 * MB,
  };
}

// ---- checkpoints ----

function checkpointSeeds(): Uint8Array[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-fuzz-'));
  try {
    const out: Uint8Array[] = [];
    const write = (m: ax.Module, withOpt: boolean): void => {
      const file = path.join(dir, `${out.length}.safetensors`);
      let optimizer: ax.Adam | undefined;
      if (withOpt) {
        optimizer = new ax.Adam(m.parameters(), { lr: 0.01 });
        ax.scope(() => { for (const p of m.parameters()) p.grad = ax.onesLike(p); optimizer!.step(); });
      }
      ax.save(m, file, { optimizer, extra: { epoch: 3, note: 'seed' } });
      out.push(new Uint8Array(readFileSync(file)));
    };
    write(new ax.Sequential(new ax.Linear(3, 4), new ax.ReLU(), new ax.Linear(4, 2)), true);
    write(new ax.LSTM(2, 3, { numLayers: 2 }), false);
    write(new ax.GPT({ vocabSize: 8, contextLength: 4, nLayer: 1, nHead: 2, nEmbd: 4 }), false);
    write(new ax.Sequential(new ax.Conv2d(1, 2, 3), new ax.BatchNorm2d(2), new ax.Flatten(), new ax.Embedding(5, 2)), true);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A checkpoint file with `meta` replacing keys of the first seed's metadata (and optionally extra tensors). */
function patchCheckpoint(seed: Uint8Array, meta: Record<string, string>, tensors: Record<string, ax.Tensor> = {}): Uint8Array {
  const f = ax.parseSafetensors(seed);
  return ax.serializeSafetensors({ ...f.tensors, ...tensors }, { ...f.metadata!, ...meta });
}

function checkpointHostile(seed: Uint8Array): [string, Uint8Array][] {
  const small = (config: string): Uint8Array => ax.serializeSafetensors({ w: ax.zeros([2, 2]) }, { format: 'axon-checkpoint-1', config });
  let deep = '{"type":"Linear","args":[2,2]}';
  for (let i = 0; i < 5000; i++) deep = `{"type":"Sequential","args":[${deep}]}`;
  const opt = JSON.parse(ax.parseSafetensors(seed).metadata!.optimizer!) as { paramGroups: Record<string, unknown>[] };
  const group = (g: Record<string, unknown>): string => JSON.stringify({ ...opt, paramGroups: [{ ...opt.paramGroups[0], ...g }] });
  return [
    ['config null', small('null')],
    ['config truncated', small('{"type":"Linear","args":[2,')],
    ['Sequential 5000 deep', small(deep)],
    ['Linear(16384, 16384)', small('{"type":"Linear","args":[16384,16384]}')],
    ['GPT vocab 2e7', small('{"type":"GPT","args":[{"vocabSize":20000000}]}')],
    ['LSTM 2^53 layers', small(`{"type":"LSTM","args":[4,4,{"numLayers":${2 ** 53}}]}`)],
    ['moment of the wrong shape', patchCheckpoint(seed, {}, { 'optimizer.state.0.exp_avg': ax.zeros([7, 7]) })],
    ['int moment', patchCheckpoint(seed, {}, { 'optimizer.state.0.exp_avg': ax.zeros([4, 3], { dtype: 'int32' }) })],
    ['bool moment', patchCheckpoint(seed, {}, { 'optimizer.state.0.exp_avg_sq': ax.zeros([4, 3], { dtype: 'bool' }) })],
    ['lr "abc"', patchCheckpoint(seed, { optimizer: group({ lr: 'abc' }) })],
    ['eps -1', patchCheckpoint(seed, { optimizer: group({ eps: -1 }) })],
    ['__proto__ param group', patchCheckpoint(seed, { optimizer: group({}).replace('"lr":', '"__proto__":{"lr":5},"lr":') })],
    ['extra __proto__', patchCheckpoint(seed, { extra: '{"__proto__":{"polluted":1}}' })],
  ];
}

/** Free what a loaded model and optimizer keep (parameters and state are kept tensors). */
function release(model: ax.Module, opt?: ax.Adam): void {
  for (const p of model.parameters()) ax.unkeep(p);
  for (const [, t] of Object.entries(model.stateDict())) if (ax.isKept(t)) ax.unkeep(t);
  if (opt) for (const s of opt.state.values()) for (const v of Object.values(s)) if (v instanceof ax.Tensor && ax.isKept(v)) ax.unkeep(v);
}

export function checkpointTarget(): Target {
  const seeds = checkpointSeeds();
  return {
    name: 'checkpoint',
    seeds,
    hostile: checkpointHostile(seeds[0]!),
    fields: () => [[0, 8, true]],
    mutate: (rng, b) => mutateHeader(rng, b, true),
    formatShare: 0.7,
    run: (b) => {
      const { model } = ax.parseCheckpoint(b, { ...FUZZ_LIMITS, source: 'fuzz.safetensors' });
      const file = ax.parseSafetensors(b, FUZZ_LIMITS);
      let opt: ax.Adam | undefined;
      if (file.metadata?.optimizer !== undefined && model.parameters().length > 0) {
        opt = new ax.Adam(model.parameters(), { lr: 0.01 });
        opt.loadStateDict(restoreOptimizerState('fuzz', 'fuzz.safetensors', opt, file, FUZZ_LIMITS));
      }
      return () => release(model, opt);
    },
    memoryBound: 256 * MB,
  };
}

// ---- CSV ----

export function csvTarget(): Target {
  const seeds = [
    'x,y,label,flag,when\n1,2.5,a,true,2020-01-01\n-3,4e3,"b, quoted",false,2021-02-03\n.5,NA,"multi\nline",TRUE,\n',
    '\ufeffa;b\n1;2\n3;4\n',
    'id,v\n007,1\nA1,2\n,\nnull,NaN\n',
  ].map((s) => utf8.encode(s));
  const wide = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',');
  return {
    name: 'csv',
    seeds,
    hostile: [
      ['60k-digit cell', utf8.encode(`a\n${'1'.repeat(60_000)}x\n`)],
      ['100k columns', utf8.encode(`${wide}\n${wide}\n`)],
      ['invalid UTF-8', Uint8Array.from([0x61, 0x0a, 0x62, 0xff, 0xfe, 0x0a])],
      ['__proto__ column', utf8.encode('__proto__,constructor,toString\n1,2,3\n')],
    ],
    run: (b) => {
      const delimiter = b.includes(0x3b) ? ';' : ',';
      ax.parseCsv(b, { onMissing: 'keep', delimiter, maxColumns: FUZZ_LIMITS.maxColumns });
    },
    memoryBound: 256 * MB,
  };
}

// ---- IDX ----

function idx(type: number, shape: number[], body: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head.set([0, 0, type, shape.length]);
  const v = new DataView(head.buffer);
  shape.forEach((s, i) => v.setUint32(4 + 4 * i, s, false));
  const out = new Uint8Array(head.length + body.length);
  out.set(head); out.set(body, head.length);
  return out;
}
const idxSeeds = (): Uint8Array[] => [
  idx(0x08, [3, 4, 5], Uint8Array.from({ length: 60 }, (_, i) => i)),
  idx(0x09, [6], Uint8Array.from([0, 1, 127, 128, 255, 3])),
  idx(0x0b, [2, 2], new Uint8Array(8).fill(7)),
  idx(0x0c, [3], new Uint8Array(12).fill(1)),
  idx(0x0d, [2], new Uint8Array(8).fill(0x3f)),
  idx(0x0e, [1, 2], new Uint8Array(16).fill(0x40)),
];
const idxFields = (b: Uint8Array): Field[] => Array.from({ length: Math.min(4, b[3] ?? 0) }, (_, d): Field => [4 + 4 * d, 4, false]);

export function idxTarget(): Target {
  return {
    name: 'idx',
    seeds: idxSeeds(),
    hostile: [['dims 2^32-1 each', idx(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], new Uint8Array(8))]],
    fields: idxFields,
    run: (b) => { ax.parseIdx(b, 'fuzz.idx', FUZZ_LIMITS); },
    memoryBound: 256 * MB,
  };
}

export function idxGzTarget(): Target {
  const plain = idxSeeds();
  return {
    name: 'idx.gz',
    seeds: plain.map((b) => new Uint8Array(gzipSync(b))),
    hostile: [
      ['gzip bomb (4-byte header, 64 MB of zeros)', new Uint8Array(gzipSync(Buffer.concat([idx(0x08, [4], Uint8Array.of(1, 2, 3, 4)), Buffer.alloc(64 * MB)])))],
      ['header claims 2^31 bytes', new Uint8Array(gzipSync(idx(0x08, [2 ** 31 - 1], new Uint8Array(MB))))],
      ['int8 view of the inflate buffer', new Uint8Array(gzipSync(idx(0x09, [3], Uint8Array.from([0xff, 0x80, 1]))))],
    ],
    // Half the format mutations edit the plain file and re-compress it (header patches survive).
    mutate: (rng, b) => {
      let inner: Uint8Array;
      try { inner = new Uint8Array(gunzipSync(b, { maxOutputLength: MB })); } catch { return null; }
      const fields = idxFields(inner);
      if (fields.length === 0) return null;
      const [off] = rng.pick(fields);
      if (off + 4 > inner.length) return null;
      const out = Uint8Array.from(inner);
      new DataView(out.buffer).setUint32(off, rng.pick([0, 1, 1000, 2 ** 20, 2 ** 31 - 1, 0xffffffff]), false);
      return new Uint8Array(gzipSync(out));
    },
    run: (b) => {
      const a = ax.parseIdx(b, 'fuzz.idx.gz', FUZZ_LIMITS);
      const per = a.data.BYTES_PER_ELEMENT;
      if (a.data.length * per !== a.shape.reduce((x, y) => x * y, 1) * per) throw new Error(`data length ${a.data.length} does not match shape ${a.shape}`);
    },
    memoryBound: 256 * MB,
  };
}

// ---- images ----

function pngOf(w: number, h: number, colorType: 0 | 2 | 6): Uint8Array {
  const p = new pngjs.PNG({ width: w, height: h, colorType, inputColorType: 6, bitDepth: 8 } as pngjs.PNGOptions);
  for (let i = 0; i < w * h * 4; i++) p.data[i] = (i * 37) & 255;
  return new Uint8Array(pngjs.PNG.sync.write(p, { colorType, inputColorType: 6 }));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** Recompute every chunk's CRC, so a mutation reaches the decoder instead of the checksum test. */
function fixPngCrcs(b: Uint8Array): Uint8Array {
  const out = Uint8Array.from(b);
  const v = new DataView(out.buffer);
  for (let at = 8; at + 12 <= out.length;) {
    const len = v.getUint32(at, false);
    if (at + 12 + len > out.length) break;
    v.setUint32(at + 8 + len, crc32(out.subarray(at + 4, at + 8 + len)), false);
    at += 12 + len;
  }
  return out;
}

export function pngTarget(): Target {
  const seed = pngOf(6, 5, 6);
  const big = Uint8Array.from(seed);
  new DataView(big.buffer).setUint32(16, 16384, false);
  new DataView(big.buffer).setUint32(20, 16384, false);
  return {
    name: 'png',
    seeds: [seed, pngOf(7, 3, 0), pngOf(4, 4, 2)],
    hostile: [['IHDR 16384²', big], ['IHDR 16384², CRC fixed', fixPngCrcs(big)]],
    fields: () => [[16, 4, false], [20, 4, false], [8, 4, false]],
    // Most cases: a byte mutation with the CRCs made right again (else pngjs stops at the checksum).
    mutate: (rng, b) => fixPngCrcs(mutateBytes(rng, b, [[16, 4, false], [20, 4, false], [8, 4, false]])),
    formatShare: 0.8,
    run: (b) => { ax.decodeImage(b, { source: 'fuzz.png', maxPixels: FUZZ_LIMITS.maxPixels, maxBytes: FUZZ_LIMITS.maxBytes }); },
    memoryBound: 256 * MB,
  };
}

function jpegOf(w: number, h: number, q: number): Uint8Array {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13) & 255;
  return new Uint8Array(jpeg.encode({ data, width: w, height: h }, q).data);
}
/** Offsets of the height and width in a JPEG's first SOF0 header. */
function sofFields(b: Uint8Array): Field[] {
  for (let i = 2; i + 9 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xc0) return [[i + 5, 2, false], [i + 7, 2, false]];
  return [];
}

export function jpegTarget(): Target {
  const seed = jpegOf(16, 8, 90);
  const big = Uint8Array.from(seed);
  const [[h], [w]] = sofFields(big) as [Field, Field];
  new DataView(big.buffer).setUint16(h, 60000, false);
  new DataView(big.buffer).setUint16(w, 60000, false);
  return {
    name: 'jpeg',
    seeds: [seed, jpegOf(9, 13, 50), jpegOf(1, 1, 100)],
    hostile: [['SOF 60000²', big]],
    fields: sofFields,
    run: (b) => { ax.decodeImage(b, { source: 'fuzz.jpg', maxPixels: FUZZ_LIMITS.maxPixels, maxBytes: FUZZ_LIMITS.maxBytes }); },
    memoryBound: 256 * MB,
  };
}

// ---- tokenizers ----

export function tokenizerTarget(): Target {
  const corpus = 'the quick brown fox jumps over the lazy dog; the dog sleeps. '.repeat(8) + 'naïve café 東京 🚀';
  const doubling: [number, number][] = [[97, 97]];
  for (let r = 1; r < 30; r++) doubling.push([255 + r, 255 + r]);
  return {
    name: 'tokenizer',
    seeds: [JSON.stringify(ax.CharTokenizer.fromText(corpus)), JSON.stringify(ax.BPETokenizer.train(corpus, { vocabSize: 280 }))].map((s) => utf8.encode(s)),
    hostile: [
      ['chars [1, {}]', utf8.encode('{"type":"char","chars":[1,{}]}')],
      ['merges doubling 29 times', utf8.encode(JSON.stringify({ type: 'bpe', merges: doubling }))],
      ['merge ids 1.5', utf8.encode('{"type":"bpe","merges":[[1.5,2]]}')],
      ['2^17 merges', utf8.encode(JSON.stringify({ type: 'bpe', merges: Array.from({ length: 2 ** 17 }, () => [97, 98]) }))],
      ['deep', utf8.encode(`{"type":"bpe","merges":${deepJson(5000)}}`)],
    ],
    mutate: (rng, b) => utf8.encode(mutateJson(rng, text(b))),
    formatShare: 1,
    run: (b) => {
      let j: { type?: unknown };
      try { j = JSON.parse(text(b)) as { type?: unknown }; } catch { return; } // not JSON: JSON.parse's business, not the loader's
      const tok: ax.Tokenizer = j?.type === 'char' ? ax.CharTokenizer.fromJSON(j as never, FUZZ_LIMITS) : ax.BPETokenizer.fromJSON(j as never, FUZZ_LIMITS);
      const ids = j?.type === 'char' ? tok.encode('the') : tok.encode('the quick 🚀');
      tok.decode(ids);
    },
    memoryBound: 256 * MB,
  };
}

/** Every fuzzed loader, built fresh (seeds are written on the spot). */
export function allTargets(): Target[] {
  return [safetensorsTarget(), checkpointTarget(), csvTarget(), idxTarget(), idxGzTarget(), pngTarget(), jpegTarget(), tokenizerTarget()];
}
