// IDX reader: small buffers built here per the format (big-endian header and elements), plain and
// gzipped; every kind of damage (magic, type byte, dims, truncation, trailing bytes) refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import '../../helpers.js';
import { LimitError, ValueError, loadMnistIdx, parseIdx } from '../../../src/index.js';
import { rejectsWith, throwsWith } from './throws.js';

/** An IDX file: 0, 0, type byte, ndim, sizes as big-endian u32, then the element bytes. */
function idx(type: number, shape: number[], body: number[]): Uint8Array {
  const head = [0, 0, type, shape.length];
  for (const s of shape) head.push((s >>> 24) & 255, (s >>> 16) & 255, (s >>> 8) & 255, s & 255);
  return Uint8Array.from([...head, ...body]);
}

test('parseIdx reads uint8 images: shape from the header, bytes in row-major order', () => {
  const bytes = idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  const a = parseIdx(bytes);
  assert.equal(a.dtype, 'uint8');
  assert.deepEqual(a.shape, [2, 2, 3]);
  assert.deepEqual([...a.data], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  // Gzipped files (how MNIST is distributed) are inflated first.
  assert.deepEqual([...parseIdx(gzipSync(bytes)).data], [...a.data]);
});

test('parseIdx decodes big-endian int8/int16/int32/float32/float64', () => {
  assert.deepEqual([...parseIdx(idx(0x09, [2], [0xff, 0x7f])).data], [-1, 127]);
  assert.deepEqual([...parseIdx(idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe])).data], [258, -2]);
  assert.deepEqual([...parseIdx(idx(0x0c, [1], [0x00, 0x01, 0x00, 0x00])).data], [65536]);
  assert.deepEqual([...parseIdx(idx(0x0d, [1], [0x3f, 0xc0, 0x00, 0x00])).data], [1.5]);
  assert.deepEqual([...parseIdx(idx(0x0e, [1], [0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18])).data], [-Math.PI]);
});

test('parseIdx refuses damaged files with the numbers at fault', () => {
  const good = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);
  throwsWith(() => parseIdx(good.subarray(0, good.length - 1)), ValueError, 'needs 6 data bytes but the file has 5', 'truncated');
  throwsWith(() => parseIdx(Uint8Array.from([...good, 0])), ValueError, 'has 7', 'extra bytes');
  throwsWith(() => parseIdx(good.subarray(0, 9)), ValueError, '2 dims (12 header bytes)', '9 bytes', 'truncated');
  throwsWith(() => parseIdx(good.subarray(0, 3)), ValueError, '3 bytes', 'truncated');
  throwsWith(() => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0])), ValueError, 'bad magic number', '0x01 0x00');
  throwsWith(() => parseIdx(idx(0x0a, [1], [0])), ValueError, 'unknown IDX type byte 0x0A');
  throwsWith(() => parseIdx(Uint8Array.from([0, 0, 8, 0])), ValueError, '0 dims');
  throwsWith(() => parseIdx(gzipSync(good).subarray(0, 12)), ValueError, 'gzip', 'corrupt or truncated');
});

test('loadMnistIdx: images scaled to [0, 1] as (N, 784) or (N, 28, 28), int32 labels; mismatches refused', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-idx-'));
  try {
    const pixels = Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 256);
    const images = path.join(dir, 'images-idx3-ubyte.gz');
    const labels = path.join(dir, 'labels-idx1-ubyte');
    writeFileSync(images, gzipSync(idx(0x08, [2, 28, 28], pixels)));
    writeFileSync(labels, idx(0x08, [2], [7, 3]));
    const { x, y } = await loadMnistIdx({ images, labels });
    assert.deepEqual(x.shape, [2, 784]);
    assert.equal(x.dtype, 'float32');
    const d = x.data();
    assert.equal(d[0], 0);
    assert.equal(d[255], 1);
    assert.equal(d[784], Math.fround(16 / 255)); // image 1 starts at pixel 784, 784 % 256 = 16
    assert.deepEqual([y.dtype, y.toArray()], ['int32', [7, 3]]);
    assert.deepEqual((await loadMnistIdx({ images, labels, flatten: false })).x.shape, [2, 28, 28]);
    await rejectsWith(() => loadMnistIdx({ images: labels, labels: images }), ValueError, 'loadMnistIdx', 'swapped');
    const fewer = path.join(dir, 'one-label');
    writeFileSync(fewer, idx(0x08, [1], [7]));
    await rejectsWith(() => loadMnistIdx({ images, labels: fewer }), ValueError, '2 images but 1 labels');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gzipped int8 data is exactly the file elements (not the inflate buffer around them)', () => {
  const a = parseIdx(gzipSync(idx(0x09, [3], [0xff, 0x80, 0x01])));
  assert.deepEqual([...a.data], [-1, -128, 1]);
  assert.equal(a.data.byteOffset, 0);
  assert.equal(a.data.buffer.byteLength, 3);
});

test('a gzip bomb is refused before it inflates: the header bounds the output, and maxBytes bounds the header', () => {
  // A header for 4 bytes followed by 64 MB of zeros: inflating stops at 4 + 8 + 1 bytes.
  const head = idx(0x08, [4], [1, 2, 3, 4]);
  const bomb = gzipSync(Buffer.concat([head, Buffer.alloc(64 << 20)]));
  const before = process.memoryUsage().arrayBuffers;
  throwsWith(() => parseIdx(bomb, 'bomb.gz'), ValueError, 'bomb.gz', 'more than');
  assert.ok(process.memoryUsage().arrayBuffers - before < 32 << 20);
  // A header that claims 2 GB: refused by maxBytes before inflating.
  const big = gzipSync(Buffer.concat([idx(0x08, [2 ** 31 - 1], []), Buffer.alloc(1 << 20)]));
  throwsWith(() => parseIdx(big, 'big.gz'), LimitError, 'big.gz', 'maxBytes');
  throwsWith(() => parseIdx(gzipSync(head), 'small.gz', { maxBytes: 8 }), LimitError, 'maxBytes: 12');
});
