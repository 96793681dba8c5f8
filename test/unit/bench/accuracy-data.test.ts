// bench/accuracy-data.ts, the data `npm run bench -- --to-accuracy` hands the PyTorch child: the
// shift moves pixels as pad-then-crop does, the seeded draws repeat, the folder round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Generator } from '../../../src/index.js';
import { drawOffsets, drawPermutation, drawShifts, gatherRows, readArrays, shiftImages, writeArrays } from '../../../bench/accuracy-data.js';

/** The PyTorch side's shift, written out: pad by `pad` with `fill`, crop at (pad − dy, pad − dx). */
function padCrop(x: Float32Array, h: number, w: number, dy: number, dx: number, fill: number, pad: number): Float32Array {
  const ph = h + 2 * pad;
  const pw = w + 2 * pad;
  const p = new Float32Array(ph * pw).fill(fill);
  for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) p[(r + pad) * pw + q + pad] = x[r * w + q]!;
  const out = new Float32Array(h * w);
  for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) out[r * w + q] = p[(r + pad - dy) * pw + q + pad - dx]!;
  return out;
}

test('shiftImages moves a pixel by (dy, dx) and fills what comes in', () => {
  const x = new Float32Array(2 * 5 * 5); // two 5×5 images
  x[2 * 5 + 2] = 1; // image 0: centre
  x[25 + 0] = 7; // image 1: top-left corner
  const out = shiftImages(x, 2, 5, 5, Int32Array.from([1, -2, -1, 0]), -0.5);
  assert.equal(out[3 * 5 + 0], 1); // centre (2, 2) moved down 1, left 2 -> (3, 0)
  assert.equal(out.subarray(0, 25).filter((v) => v === 1).length, 1);
  assert.equal(out[25 + 4 * 5 + 0], -0.5); // image 1 moved up: its bottom row is fill
  assert.equal(out.subarray(25).filter((v) => v === 7).length, 0); // the corner pixel left the frame
});

test('shiftImages equals pad-by-2-then-crop for every shift in ±2', () => {
  const g = new Generator(3);
  const x = Float32Array.from({ length: 28 * 28 }, () => g.uniform());
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      assert.deepEqual(shiftImages(x, 1, 28, 28, Int32Array.from([dy, dx]), -0.42), padCrop(x, 28, 28, dy, dx, -0.42, 2), `dy ${dy} dx ${dx}`);
    }
  }
});

test('the seeded draws repeat, stay in range, and the permutation is one', () => {
  const p = drawPermutation(100, new Generator(1));
  assert.deepEqual(p, drawPermutation(100, new Generator(1)));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  const s = drawShifts(500, 2, new Generator(1));
  assert.equal(s.length, 1000);
  assert.ok(s.every((v) => v >= -2 && v <= 2));
  assert.equal(new Set(s).size, 5);
  const o = drawOffsets(300, 37, new Generator(5));
  assert.ok(o.every((v) => Number.isInteger(v) && v >= 0 && v < 37));
});

test('gatherRows copies the rows asked for, in order', () => {
  const src = Int32Array.from([0, 1, 10, 11, 20, 21]); // (3, 2)
  assert.deepEqual(gatherRows(src, 2, [2, 0]), Int32Array.from([20, 21, 0, 1]));
});

test('writeArrays / readArrays round-trip values, dtypes, shapes and scalars', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'axon-accuracy-data-'));
  try {
    const f = Float32Array.from([1.5, -2, 3.25, 0, 1e-7, -0.42]);
    const i = Int32Array.from([-1, 2, 2147483647]);
    writeArrays(dir, { x: { data: f, shape: [2, 1, 3] }, y: { data: i, shape: [3] } }, { fill: -0.4242, epochs: 12 });
    const { arrays, info } = readArrays(dir);
    assert.deepEqual(arrays.x, { data: f, shape: [2, 1, 3] });
    assert.deepEqual(arrays.y, { data: i, shape: [3] });
    assert.deepEqual(info, { fill: -0.4242, epochs: 12 });
    assert.equal(readFileSync(path.join(dir, 'x.bin')).readFloatLE(8), 3.25); // little-endian, row-major
    assert.throws(() => writeArrays(dir, { z: { data: f, shape: [4] } }), /does not hold 6 values/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
