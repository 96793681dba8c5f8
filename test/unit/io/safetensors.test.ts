// safetensors: round trips, byte-exact files hand-built from the format spec (the layout the
// reference implementation writes), reading F16/BF16/I64/U8, every kind of corruption refused,
// and atomic writes that leave no partial file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import '../../helpers.js';
import * as ax from '../../../src/index.js';
import { DTypeError, ValueError, loadSafetensors, loadSafetensorsSync, parseSafetensors, saveSafetensors, saveSafetensorsSync, serializeSafetensors, writeFileAtomic, writeFileAtomicSync } from '../../../src/index.js';
import { rejectsWith, throwsWith } from '../data/throws.js';

// ---- building files by hand, per the spec ----
const enc = new TextEncoder();
function u64le(n: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return [...b];
}
const f32le = (vs: number[]): number[] => [...new Uint8Array(Float32Array.from(vs).buffer)];
const f64le = (vs: number[]): number[] => [...new Uint8Array(Float64Array.from(vs).buffer)];
const i32le = (vs: number[]): number[] => [...new Uint8Array(Int32Array.from(vs).buffer)];
/** A file: length, the header text padded with spaces to a multiple of 8 (unless `pad` is false), data. */
function file(header: string, data: number[], { pad = true } = {}): Uint8Array {
  let h = [...enc.encode(header)];
  if (pad) while (h.length % 8 !== 0) h.push(0x20);
  return Uint8Array.from([...u64le(h.length), ...h, ...data]);
}

test('serializeSafetensors is byte-exact: one F32 tensor, header already a multiple of 8', () => {
  const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  assert.equal(enc.encode(header).length, 64); // no padding needed
  const expected = file(header, f32le([0, 1, 2, 3, 4, 5]));
  const got = serializeSafetensors({ 'attn.0': ax.arange(0, 6, 1, { dtype: 'float32' }).reshape([1, 2, 3]) });
  assert.deepEqual([...got], [...expected]);
  assert.deepEqual([...got.subarray(0, 8)], [64, 0, 0, 0, 0, 0, 0, 0]);
});

test('serializeSafetensors pads the header with spaces to 8-byte alignment', () => {
  const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
  assert.equal(enc.encode(header).length, 65); // → 7 spaces, N = 72
  const got = serializeSafetensors({ attn0: ax.arange(0, 6, 1, { dtype: 'float32' }).reshape([1, 1, 2, 3]) });
  assert.deepEqual([...got], [...file(header, f32le([0, 1, 2, 3, 4, 5]))]);
  assert.equal(got[8 + 65], 0x20);
  assert.equal(got[8 + 71], 0x20);
  assert.equal(Number(new DataView(got.buffer).getBigUint64(0, true)), 72);
});

test('serializeSafetensors: empty file and metadata first, as the reference writes them', () => {
  assert.deepEqual([...serializeSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 32, 32, 32, 32, 32, 32]);
  const withMeta = serializeSafetensors({}, { framework: 'pt' });
  assert.deepEqual([...withMeta], [...file('{"__metadata__":{"framework":"pt"}}', [])]);
  assert.equal(withMeta.length, 8 + 40);
});

test('serializeSafetensors orders tensors by dtype (F64, F32, I32, BOOL) then by name', () => {
  const got = serializeSafetensors({
    b: ax.tensor([1, 2]),
    flag: ax.tensor([true, false, true]),
    a: ax.tensor([3]),
    idx: ax.tensor([7, -1], { dtype: 'int32' }),
    '0': ax.tensor([0.5], { dtype: 'float64' }),
  }, { z: '1', a: 'x"y' });
  const header = '{"__metadata__":{"a":"x\\"y","z":"1"},'
    + '"0":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},'
    + '"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},'
    + '"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},'
    + '"idx":{"dtype":"I32","shape":[2],"data_offsets":[20,28]},'
    + '"flag":{"dtype":"BOOL","shape":[3],"data_offsets":[28,31]}}';
  const expected = file(header, [...f64le([0.5]), ...f32le([3]), ...f32le([1, 2]), ...i32le([7, -1]), 1, 0, 1]);
  assert.deepEqual([...got], [...expected]);
});

test('round trip keeps names, dtypes, shapes (scalar, empty) and values; metadata comes back', () => {
  const tensors = {
    'fc1.weight': ax.randn([3, 4], { generator: new ax.Generator(0) }),
    'fc1.bias': ax.tensor([0.1, -0.2, 1e-30], { dtype: 'float64' }),
    steps: ax.tensor(42, { dtype: 'int32' }),
    mask: ax.tensor([[true, false], [false, true]]),
    empty: ax.zeros([0, 5]),
    weird: ax.tensor([NaN, Infinity, -0]),
  };
  const back = parseSafetensors(serializeSafetensors(tensors, { format: 'pt', note: 'ünïcode ✓' }));
  assert.deepEqual(back.metadata, { format: 'pt', note: 'ünïcode ✓' });
  assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    const u = back.tensors[name]!;
    assert.equal(u.dtype, t.dtype, name);
    assert.deepEqual(u.shape, t.shape, name);
    assert.deepEqual(Array.from(u.data()), Array.from(t.data()), name);
  }
  assert.ok(Object.is(back.tensors['weird']!.data()[2], -0));
  assert.deepEqual(back.dtypes, { 'fc1.bias': 'F64', 'fc1.weight': 'F32', steps: 'I32', mask: 'BOOL', empty: 'F32', weird: 'F32' });
  assert.equal(parseSafetensors(serializeSafetensors({ a: ax.ones([1]) })).metadata, null);
  // Names come from files: "__proto__" is an ordinary tensor name, not a prototype switch.
  const odd = parseSafetensors(serializeSafetensors({ ['__proto__']: ax.tensor([5]) }));
  assert.deepEqual(Object.keys(odd.tensors), ['__proto__']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(odd.tensors, '__proto__')!.value.toArray(), [5]);
});

test('parseSafetensors reads F16, BF16, I64, U8, I16 files and converts to Axon dtypes', () => {
  const header = '{"h":{"dtype":"F16","shape":[5],"data_offsets":[0,10]},'
    + '"b":{"dtype":"BF16","shape":[2],"data_offsets":[10,14]},'
    + '"l":{"dtype":"I64","shape":[2],"data_offsets":[14,30]},'
    + '"u":{"dtype":"U8","shape":[2],"data_offsets":[30,32]},'
    + '"s":{"dtype":"I16","shape":[1],"data_offsets":[32,34]}}';
  const data = [
    0x00, 0x3c, 0x00, 0xc0, 0x55, 0x35, 0x00, 0x7c, 0x01, 0x00, // f16: 1, -2, 0.333251953125, +inf, 2^-24
    0x80, 0x3f, 0x49, 0x40, // bf16: 1, 3.140625
    0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, // i64: -5, 2^31 − 1
    0, 255, // u8
    0x00, 0x80, // i16: -32768
  ];
  const r = parseSafetensors(file(header, data));
  assert.deepEqual([r.tensors['h']!.dtype, Array.from(r.tensors['h']!.data())], ['float32', [1, -2, 0.333251953125, Infinity, 2 ** -24]]);
  assert.deepEqual(Array.from(r.tensors['b']!.data()), [1, 3.140625]);
  assert.deepEqual([r.tensors['l']!.dtype, Array.from(r.tensors['l']!.data())], ['int32', [-5, 2147483647]]);
  assert.deepEqual(Array.from(r.tensors['u']!.data()), [0, 255]);
  assert.deepEqual(Array.from(r.tensors['s']!.data()), [-32768]);
  assert.deepEqual(r.dtypes, { h: 'F16', b: 'BF16', l: 'I64', u: 'U8', s: 'I16' });
  const big = file('{"l":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0, 1, 0, 0, 0]);
  throwsWith(() => parseSafetensors(big), ValueError, 'tensor "l" (I64) holds 4294967296', 'int32 range');
});

test('corrupted files are refused with a clear error, never half-loaded', () => {
  const good = serializeSafetensors({ a: ax.tensor([1, 2]), b: ax.tensor([3]) });
  const n = Number(new DataView(good.buffer).getBigUint64(0, true));
  const withLength = (len: number): Uint8Array => { const c = good.slice(); new DataView(c.buffer).setBigUint64(0, BigInt(len), true); return c; };
  const one = (info: string, data: number[], extra = ''): Uint8Array => file(`{${extra}"t":${info}}`, data);

  throwsWith(() => parseSafetensors(good.subarray(0, 5)), ValueError, 'parseSafetensors', '5 bytes', '8-byte header length');
  throwsWith(() => parseSafetensors(withLength(good.length)), ValueError, `says ${good.length} bytes`, `only ${good.length - 8}`, 'truncated');
  throwsWith(() => parseSafetensors(withLength(2 ** 40)), ValueError, 'over the 100000000-byte limit');
  throwsWith(() => parseSafetensors(good.subarray(0, good.length - 4)), ValueError, 'tensor "b"', 'reach past the 8-byte data section');
  throwsWith(() => parseSafetensors(Uint8Array.from([...good, 0, 0, 0, 0])), ValueError, 'cover 12 bytes', 'holds 16', '4 trailing bytes');
  // Header damage.
  const badJson = good.slice(); badJson[8 + n - 9] = 0x2c; // a stray comma inside the JSON
  throwsWith(() => parseSafetensors(badJson), ValueError, 'not valid JSON');
  throwsWith(() => parseSafetensors(file('[1, 2]  ', [])), ValueError, "must start with '{'");
  throwsWith(() => parseSafetensors(Uint8Array.from([...u64le(8), 0x7b, 0xff, 0xfe, 0x7d, 32, 32, 32, 32])), ValueError, 'not valid UTF-8');
  throwsWith(() => parseSafetensors(file('{"__metadata__":{"k":1}}', [])), ValueError, '__metadata__["k"] is 1', 'strings');
  // Entry damage.
  throwsWith(() => parseSafetensors(one('{"dtype":"F99","shape":[1],"data_offsets":[0,4]}', f32le([1]))), DTypeError, 'tensor "t"', 'unknown dtype "F99"');
  throwsWith(() => parseSafetensors(one('{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}', [0])), DTypeError, 'F8_E4M3', 'not supported');
  throwsWith(() => parseSafetensors(one('{"dtype":"F32","shape":[2],"data_offsets":[0,4]}', f32le([1]))), ValueError, 'shape [2] of F32 needs 8 bytes', 'span 4');
  throwsWith(() => parseSafetensors(one('{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}', f32le([1]))), ValueError, 'shape must be an array of non-negative integers');
  throwsWith(() => parseSafetensors(one('{"dtype":"F32","shape":[1],"data_offsets":[4]}', f32le([1]))), ValueError, 'data_offsets must be [begin, end]');
  throwsWith(() => parseSafetensors(one('{"dtype":"F32","shape":[1],"data_offsets":[8,4]}', f32le([1, 2]))), ValueError, 'end before they begin');
  throwsWith(() => parseSafetensors(one('{"dtype":"F32","shape":[1],"data_offsets":[4,8]}', f32le([1]))), ValueError, 'data_offsets [4, 8] reach past the 4-byte data section');
  throwsWith(() => parseSafetensors(one('{"dtype":"F32","shape":[1],"data_offsets":[0,4]}', f32le([1, 2]), '"s":{"dtype":"F32","shape":[1],"data_offsets":[2,6]},')), ValueError, 'tensor "s" (bytes 2..6) overlaps "t"');
  throwsWith(() => parseSafetensors(one('{"dtype":"F32","shape":[1],"data_offsets":[4,8]}', f32le([1, 2]))), ValueError, 'starts at byte 4', 'contiguous');
  throwsWith(() => parseSafetensors(one('7', [])), ValueError, 'entry must be an object');
});

test('serializeSafetensors refuses bad names and metadata', () => {
  throwsWith(() => serializeSafetensors({ __metadata__: ax.ones([1]) }), ValueError, 'serializeSafetensors', '"__metadata__" is not allowed');
  throwsWith(() => serializeSafetensors({ a: [1, 2] as unknown as ax.Tensor }), ValueError, '"a" is not a Tensor');
  throwsWith(() => serializeSafetensors({}, { epoch: 3 as unknown as string }), ValueError, 'metadata values must be strings');
});

test('saveSafetensors / loadSafetensors through files; errors name the path', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-st-'));
  try {
    const p = path.join(dir, 'model.safetensors');
    const w = ax.tensor([[1, 2], [3, 4]]);
    await saveSafetensors(p, { w }, { epoch: '3' });
    const back = await loadSafetensors(p);
    assert.deepEqual([back.tensors['w']!.toArray(), back.metadata], [[[1, 2], [3, 4]], { epoch: '3' }]);
    assert.deepEqual([...readFileSync(p)], [...serializeSafetensors({ w }, { epoch: '3' })]);
    saveSafetensorsSync(p, { w: w.mul(2) });
    assert.deepEqual(loadSafetensorsSync(p).tensors['w']!.toArray(), [[2, 4], [6, 8]]);
    writeFileSync(p, readFileSync(p).subarray(0, 30));
    await rejectsWith(() => loadSafetensors(p), ValueError, `loadSafetensors(${p})`);
    assert.deepEqual(readdirSync(dir), ['model.safetensors']); // no temp files left behind
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeFileAtomic: a write that throws midway leaves the old file intact and no temp file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-atomic-'));
  try {
    const p = path.join(dir, 'weights.bin');
    await writeFileAtomic(p, Uint8Array.from([1, 2, 3]));
    assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
    function* failing(): Generator<Uint8Array> {
      yield new Uint8Array(1000).fill(9);
      throw new Error('disk full (simulated)');
    }
    await assert.rejects(() => writeFileAtomic(p, failing()), /disk full/);
    assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
    assert.deepEqual(readdirSync(dir), ['weights.bin']);
    assert.throws(() => writeFileAtomicSync(p, failing()), /disk full/);
    assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
    assert.deepEqual(readdirSync(dir), ['weights.bin']);
    // A fresh target that fails is never created at all.
    const q = path.join(dir, 'new.bin');
    await assert.rejects(() => writeFileAtomic(q, failing()), /disk full/);
    assert.equal(existsSync(q), false);
    // Chunks are written in order; the sync variant writes the same bytes.
    await writeFileAtomic(q, [Uint8Array.from([1]), Uint8Array.from([2, 3])]);
    assert.deepEqual([...readFileSync(q)], [1, 2, 3]);
    writeFileAtomicSync(q, Uint8Array.from([4]));
    assert.deepEqual([...readFileSync(q)], [4]);
    await assert.rejects(() => writeFileAtomic(path.join(dir, 'no-such-dir', 'x.bin'), Uint8Array.from([1])), { code: 'ENOENT' });
    assert.deepEqual(readdirSync(dir).sort(), ['new.bin', 'weights.bin']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
