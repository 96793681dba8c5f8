// Heat-map PNGs, terminal text and SVG bar charts: decoded back and checked pixel by pixel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pngjs from 'pngjs';
import * as ax from '../../../src/index.js';
import '../../helpers.js';

const decode = (bytes: Uint8Array): pngjs.PNG => pngjs.PNG.sync.read(Buffer.from(bytes));

test('heatmapPng: size, colours at the ends of the map, blending over the image, signed maps', () => {
  const attr = ax.tensor([[0, 1], [2, 4]]); // (H, W) = (2, 2)
  const png = decode(ax.heatmapPng(attr, { scale: 3, clipQuantile: 1 }));
  assert.deepEqual([png.width, png.height], [6, 6]);
  const at = (p: pngjs.PNG, x: number, y: number): number[] => [...p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4)];
  assert.deepEqual(at(png, 0, 0), [0, 0, 4, 255], 'zero is inferno\'s first colour');
  assert.deepEqual(at(png, 5, 5), [0xfc, 0xff, 0xa4, 255], 'the maximum is inferno\'s last colour');
  assert.deepEqual(at(png, 2, 2), at(png, 0, 0), 'nearest-neighbour cells of 3×3 pixels');
  const image = ax.tensor([[[0, 1], [1, 0]]]); // (1, H, W)
  const over = decode(ax.heatmapPng(attr, { image, alpha: 0.5, scale: 1, clipQuantile: 1 }));
  // (x=1, y=0): attribution 1 of 4 is inferno at 1/4 = #550f6d, over a white image pixel.
  assert.deepEqual(at(over, 1, 0).slice(0, 3), [0x55, 0x0f, 0x6d].map((c) => Math.round(0.5 * 255 + 0.5 * c)), 'blended over white');
  assert.deepEqual(at(over, 0, 0).slice(0, 3), [0, 0, 4].map((c) => Math.round(0.5 * c)), 'blended over black');
  const mid = ax.heatmapPng(ax.tensor([[-1, 0, 1]]), { signed: true, scale: 1, clipQuantile: 1 });
  const s = decode(mid);
  assert.deepEqual(at(s, 0, 0).slice(0, 3), [0x3b, 0x4c, 0xc0], 'negative end blue');
  assert.deepEqual(at(s, 2, 0).slice(0, 3), [0xb4, 0x04, 0x26], 'positive end red');
  assert.throws(() => ax.heatmapPng(attr, { image: ax.zeros([3, 3]) }), (e: Error) => e instanceof ax.ShapeError && /the map is 2×2/.test(e.message));
  assert.throws(() => ax.heatmapPng(ax.zeros([2, 2, 2, 2])), ax.ShapeError);
});

test('heatmapText draws the bright cells with dense characters', () => {
  const v = new Array(16 * 16).fill(0);
  for (let y = 4; y < 12; y++) for (let x = 6; x < 10; x++) v[y * 16 + x] = 1;
  const text = ax.heatmapText(ax.tensor(v).reshape([16, 16]));
  const lines = text.split('\n');
  assert.equal(lines.length, 8, 'rows halved');
  assert.equal(lines[0], '');
  assert.equal(lines[3], '      @@@@');
});

test('barChartSvg: one bar per value, largest first, negative bars to the left, labels escaped', () => {
  const svg = ax.barChartSvg([0.5, -2, 1], { labels: ['a', 'b<c', 'd'], title: 'SHAP' });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 3);
  const order = [...svg.matchAll(/text-anchor="end">([^<]+)<\/text>\n<rect/g)].map((m) => m[1]);
  assert.deepEqual(order, ['b&lt;c', 'd', 'a']);
  assert.match(svg, /fill="#008bfb"/, 'a negative bar in blue');
  assert.throws(() => ax.barChartSvg([1, 2], { labels: ['x'] }), /1 labels for 2 values/);
});
