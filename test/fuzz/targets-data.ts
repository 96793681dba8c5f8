// Fuzz targets for the data files: CSV, IDX (plain and gzipped), PNG, JPEG and tokenizer JSON,
// seeded from files the library or its codecs (pngjs, jpeg-js, zlib) write, with the hardening
// issue's hostile inputs.
import { gunzipSync, gzipSync } from 'node:zlib';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import * as ax from '../../src/index.js';
import type { Target } from './harness.js';
import { FUZZ_LIMITS, MB, text, utf8 } from './limits.js';
import { deepJson, mutateBytes, mutateJson, type Field } from './mutate.js';

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

function patchIhdr(b: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(b);
  new DataView(out.buffer).setUint32(16, width, false);
  new DataView(out.buffer).setUint32(20, height, false);
  return fixPngCrcs(out);
}

export function pngTarget(): Target {
  const seed = pngOf(6, 5, 6);
  const big = Uint8Array.from(seed);
  new DataView(big.buffer).setUint32(16, 16384, false);
  new DataView(big.buffer).setUint32(20, 16384, false);
  return {
    name: 'png',
    seeds: [seed, pngOf(7, 3, 0), pngOf(4, 4, 2)],
    hostile: [
      ['IHDR 16384²', big], ['IHDR 16384², CRC fixed', fixPngCrcs(big)],
      ['IHDR 0 × 2^31-1, CRC fixed (found by this fuzzer: 22 s, 4 GB)', patchIhdr(seed, 0, 2 ** 31 - 1)],
      ['IHDR 1 × 2^22, CRC fixed', patchIhdr(seed, 1, 2 ** 22)],
    ],
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
