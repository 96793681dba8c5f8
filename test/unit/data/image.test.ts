// Image decoding (PNG, JPEG), ImageFolder and the transforms, on tiny images the test writes itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import * as ax from '../../../src/index.js';
import { transforms as T } from '../../../src/index.js';

/** PNG bytes of an RGBA image given per-pixel [r, g, b, a]; grayscale when `gray`. */
function png(w: number, h: number, px: (i: number) => [number, number, number, number], gray = false): Buffer {
  const p = new pngjs.PNG({ width: w, height: h, colorType: gray ? 0 : 6, inputColorType: 6, bitDepth: 8 } as pngjs.PNGOptions);
  for (let i = 0; i < w * h; i++) p.data.set(px(i), 4 * i);
  return pngjs.PNG.sync.write(p, { colorType: gray ? 0 : 6, inputColorType: 6 });
}

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `element ${i}: ${a[i]} vs ${b[i]}`);
};

test('decodeImage: grayscale PNG → (1, H, W) in [0, 1]', () => {
  const vals = [0, 51, 102, 153, 204, 255];
  const img = ax.decodeImage(png(3, 2, (i) => [vals[i]!, vals[i]!, vals[i]!, 255], true));
  assert.deepEqual(img.shape, [1, 2, 3]);
  near(img.data(), vals.map((v) => v / 255), 1e-6);
});

test('decodeImage: RGBA PNG → (3, H, W) channel planes (alpha dropped), or 4 channels on request', () => {
  const bytes = png(2, 1, (i) => (i === 0 ? [255, 0, 51, 128] : [0, 102, 255, 255]));
  const img = ax.decodeImage(bytes);
  assert.deepEqual(img.shape, [3, 1, 2]);
  near(img.data(), [1, 0, 0, 0.4, 0.2, 1]);
  near(ax.decodeImage(bytes, { channels: 4 }).data(), [1, 0, 0, 0.4, 0.2, 1, 128 / 255, 1]);
  near(ax.decodeImage(bytes, { channels: 1 }).data(), [(0.299 * 255 + 0.114 * 51) / 255, (0.587 * 102 + 0.114 * 255) / 255]);
});

test('decodeImage: JPEG via jpeg-js (a flat colour survives lossy coding within a few levels)', () => {
  const w = 8; const h = 8;
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([200, 100, 50, 255], 4 * i);
  const bytes = jpeg.encode({ data, width: w, height: h }, 100).data;
  const img = ax.decodeImage(bytes);
  assert.deepEqual(img.shape, [3, 8, 8]);
  const d = img.data();
  for (const [c, v] of [[0, 200], [1, 100], [2, 50]] as const) assert.ok(Math.abs(d[c * 64 + 27]! - v / 255) < 4 / 255, `channel ${c}: ${d[c * 64 + 27]! * 255}`);
});

test('decodeImage: a non-image gives an error naming the source', () => {
  assert.throws(() => ax.decodeImage(new TextEncoder().encode('hello world'), { source: 'notes.txt' }), /notes\.txt is not a PNG or JPEG/);
});

test('ImageFolder: classes from sorted sub-folders, labels, transform; a stray file is named', (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'axon-imgs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [cls, v] of [['zebra', 255], ['ant', 0]] as const) {
    mkdirSync(path.join(root, cls));
    for (let k = 0; k < 2; k++) writeFileSync(path.join(root, cls, `${k}.png`), png(4, 4, () => [v, v, v, 255], true));
  }
  writeFileSync(path.join(root, 'ant', '.DS_Store'), 'x'); // hidden files are skipped
  const ds = new ax.ImageFolder(root, { transform: T.resize(2) });
  assert.deepEqual(ds.classes, ['ant', 'zebra']);
  assert.equal(ds.length, 4);
  const [img, label] = ds.get(3);
  assert.equal(label, 1);
  assert.deepEqual(img.shape, [1, 2, 2]);
  near(img.data(), [1, 1, 1, 1]);
  const [xb, yb] = new ax.DataLoader(ds, { batchSize: 4 })[Symbol.iterator]().next().value as ax.Tensor[];
  assert.deepEqual(xb!.shape, [4, 1, 2, 2]);
  assert.deepEqual([...yb!.data()], [0, 0, 1, 1]);
  writeFileSync(path.join(root, 'zebra', 'readme.txt'), 'not an image');
  assert.throws(() => new ax.ImageFolder(root), (e: Error) => e instanceof ax.ValueError && /ImageFolder/.test(e.message) && e.message.includes(path.join(root, 'zebra', 'readme.txt')));
});

const img4 = (): ax.Tensor => ax.fromArray(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4], 'float32'); // (1, 4, 4): 0..15

test('resize is bilinear with half-pixel centres (torch align_corners=False)', () => {
  const x = ax.fromArray([0, 1], [1, 1, 2], 'float32');
  near(T.resize([1, 4])(x).data(), [0, 0.25, 0.75, 1]);
  near(T.resize(2)(img4()).data(), [2.5, 4.5, 10.5, 12.5]); // mean of each 2×2 block
});

test('centerCrop, horizontalFlip, normalize, compose: exact values', () => {
  near(T.centerCrop(2)(img4()).data(), [5, 6, 9, 10]);
  near(T.horizontalFlip({ p: 1 })(img4()).data().slice(0, 4), [3, 2, 1, 0]);
  near(T.horizontalFlip({ p: 0 })(img4()).data(), img4().data());
  near(T.normalize([1], [2])(img4()).data().slice(0, 3), [-0.5, 0, 0.5]);
  near(T.compose(T.centerCrop(2), T.normalize([5], [1]))(img4()).data(), [0, 1, 4, 5]);
});

test('randomCrop / randomShift: seeded, content moves without changing values', () => {
  const batch = ax.stack([img4(), img4(), img4()]); // (3, 1, 4, 4)
  const a = T.randomShift({ maxShift: 1, seed: 5 })(batch);
  const b = T.randomShift({ maxShift: 1, seed: 5 })(batch);
  near(a.data(), b.data());
  assert.deepEqual(a.shape, [3, 1, 4, 4]);
  const c = T.randomCrop(4, { padding: 1, seed: 2 })(batch);
  assert.deepEqual(c.shape, [3, 1, 4, 4]);
  for (const v of c.data()) assert.ok(Number.isInteger(v) && v >= 0 && v <= 15);
  // Each shifted image is a translate of the original: its centre 2×2 is some 2×2 block of 0..15 with row step 4.
  const d = a.data();
  for (let i = 0; i < 3; i++) {
    const [p, q, r] = [d[i * 16 + 5]!, d[i * 16 + 6]!, d[i * 16 + 9]!];
    assert.equal(q - p, 1); assert.equal(r - p, 4);
  }
});

test('randomRotation: 0° is the identity; small angles keep the centre and the mass', () => {
  near(T.randomRotation({ degrees: 0, seed: 1 })(img4()).data(), img4().data(), 1e-5);
  const x = ax.zeros([1, 9, 9]);
  const blob = ax.fromArray(Array.from({ length: 81 }, (_, i) => (Math.abs((i % 9) - 4) <= 1 && Math.abs(Math.floor(i / 9) - 4) <= 1 ? 1 : 0)), [1, 9, 9], 'float32');
  const r = Array.from(T.randomRotation({ degrees: 10, seed: 3 })(ax.add(x, blob)).data());
  assert.ok(Math.abs(r[40]! - 1) < 1e-6, 'centre pixel stays');
  assert.ok(Math.abs(r.reduce((s, v) => s + v, 0) - 9) < 0.5, 'mass about preserved');
});

test('gaussianNoise: seeded, std as asked, clamped', () => {
  const x = ax.zeros([1, 50, 50]);
  const n = Array.from(T.gaussianNoise({ std: 0.5, seed: 9 })(x).data());
  const sd = Math.sqrt(n.reduce((s, v) => s + v * v, 0) / n.length);
  assert.ok(Math.abs(sd - 0.5) < 0.03, `std ${sd}`);
  near(n, T.gaussianNoise({ std: 0.5, seed: 9 })(x).data());
  assert.ok(T.gaussianNoise({ std: 0.5, clamp: [0, 1], seed: 9 })(x).data().every((v) => v >= 0 && v <= 1));
});

test('transforms reject flat images with a hint', () => {
  assert.throws(() => T.resize(2)(ax.zeros([4, 784])), /reshape flat images/);
});

test('decodeImage refuses images whose header declares more than maxPixels, before decoding', () => {
  const p = Buffer.from(png(4, 4, () => [1, 2, 3, 255]));
  p.writeUInt32BE(16384, 16);
  p.writeUInt32BE(16384, 20);
  const before = process.memoryUsage().rss;
  assert.throws(() => ax.decodeImage(p, { source: 'big.png' }), (e: unknown) => e instanceof ax.LimitError && /big\.png/.test((e as Error).message) && /maxPixels/.test((e as Error).message));
  const j = Buffer.from(jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(8 * 8 * 4, 128) }, 90).data);
  const sof = j.indexOf(Buffer.from([0xff, 0xc0]));
  j.writeUInt16BE(60000, sof + 5);
  j.writeUInt16BE(60000, sof + 7);
  assert.throws(() => ax.decodeImage(j, { source: 'big.jpg' }), ax.LimitError);
  // Rows narrower than 64 pixels count as 64: a 4 × 4 image costs 256.
  assert.throws(() => ax.decodeImage(png(4, 4, () => [1, 2, 3, 255]), { maxPixels: 255 }), ax.LimitError);
  assert.equal(ax.decodeImage(png(4, 4, () => [1, 2, 3, 255]), { maxPixels: 256 }).shape[1], 4);
  assert.equal(ax.decodeImage(png(80, 2, () => [1, 2, 3, 255]), { maxPixels: 160 }).shape[2], 80);
  // A side of 0 passes any pixel limit but makes pngjs loop over 2^31 rows: refused as corrupt.
  const flat = Buffer.from(png(4, 4, () => [1, 2, 3, 255]));
  flat.writeUInt32BE(0, 16);
  flat.writeUInt32BE(2 ** 31 - 1, 20);
  assert.throws(() => ax.decodeImage(flat, { source: 'flat.png' }), (e: unknown) => e instanceof ax.ValueError && /flat\.png.*0 × 2147483647/.test((e as Error).message));
  assert.ok(process.memoryUsage().rss - before < 200 << 20);
});

test('encodePng writes PNGs decodeImage reads back (8-bit rounding); imageGrid lays tiles out as make_grid', () => {
  const g = new ax.Generator(2);
  const gray = ax.rand([1, 5, 7], { generator: g });
  const back = ax.decodeImage(ax.encodePng(gray));
  assert.deepEqual(back.shape, [1, 5, 7]);
  const a = gray.data();
  back.data().forEach((v, i) => assert.ok(Math.abs(v - a[i]!) <= 0.5 / 255 + 1e-6, `pixel ${i}: ${v} vs ${a[i]}`));
  const rgb = ax.rand([3, 4, 3], { generator: g });
  const rgbBack = ax.decodeImage(ax.encodePng(rgb), { channels: 3 });
  rgbBack.data().forEach((v, i) => assert.ok(Math.abs(v - rgb.data()[i]!) <= 0.5 / 255 + 1e-6));
  assert.throws(() => ax.encodePng(ax.rand([2, 4, 4])), (e: unknown) => e instanceof ax.ShapeError && /C = 1, 3 or 4/.test(e.message));
  // 5 tiles of 2×2, 3 per row, padding 1: (1, 2·3 + 1, 3·3 + 1) = (1, 7, 10).
  const tiles = ax.arange(1, 6).reshape([5, 1, 1, 1]).expand([5, 1, 2, 2]);
  const grid = ax.imageGrid(tiles, { nrow: 3, padding: 1, padValue: -1 });
  assert.deepEqual(grid.shape, [1, 7, 10]);
  const rows = grid.toArray() as number[][][];
  assert.deepEqual(rows[0]![0], Array(10).fill(-1));
  assert.deepEqual(rows[0]![1], [-1, 1, 1, -1, 2, 2, -1, 3, 3, -1]);
  assert.deepEqual(rows[0]![4], [-1, 4, 4, -1, 5, 5, -1, -1, -1, -1]);
});
