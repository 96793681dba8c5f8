// The README's "Explaining a prediction" example runs as written: it writes a PNG, prints a text
// Grad-CAM and the integrated-gradients deltas, which are small next to the scores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runReadmeSection } from '../../readme.js';

test('README "Explaining a prediction" example runs: ig.png written, a text heat map, small deltas', async () => {
  const { logs, dir } = await runReadmeSection('Explaining a prediction');
  assert.equal(logs.length, 2);
  assert.ok(existsSync(path.join(dir, 'ig.png')));
  assert.match(JSON.parse(logs[0]!) as string, /[#%@]/, 'the text heat map has bright cells');
  const delta = JSON.parse(logs[1]!) as number[];
  assert.equal(delta.length, 4);
  // Measured: |delta| ≤ 0.0051 on logits of size ~10 (32 Gauss–Legendre points on a ReLU CNN, whose
  // path gradient has kinks); 0.05 leaves room for other backends' rounding.
  for (const d of delta) assert.ok(Math.abs(d) < 0.05, `delta ${d}`);
});
