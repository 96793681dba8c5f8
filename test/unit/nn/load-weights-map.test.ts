// loadWeights(model, file, { map }): a renaming function or table for files whose module names
// differ (a nanoGPT checkpoint's `transformer.h.0.attn.c_attn.weight`), unknown keys reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ax from '../../../src/index.js';
import { captureWarnings } from '../../capture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axon-map-'));
const gpt = (): ax.GPT => new ax.GPT({ vocabSize: 11, contextLength: 6, nLayer: 2, nHead: 2, nEmbd: 8 });

test('a nanoGPT-style file (transformer.* keys, tied lm_head.weight) loads through a map function', () => {
  ax.manualSeed(3);
  const src = gpt();
  const nano: Record<string, ax.Tensor> = {};
  for (const [k, t] of Object.entries(src.stateDict())) nano[`transformer.${k}`] = t;
  nano['lm_head.weight'] = src.wte.weight; // nanoGPT stores the tied head too
  const f = path.join(dir, 'nano.safetensors');
  ax.saveSafetensorsSync(f, nano);
  const dst = gpt();
  assert.throws(() => ax.loadWeights(dst, f), /unexpected keys \[[^\]]*transformer\.wte\.weight/);
  const r = ax.loadWeights(dst, f, { map: (k) => (k === 'lm_head.weight' ? null : k.replace(/^transformer\./, '')) });
  assert.deepEqual(r, { missingKeys: [], unexpectedKeys: [] });
  const ids = ax.tensor([[1, 2, 3]], { dtype: 'int32' });
  assert.deepEqual(Array.from(dst.eval().forward(ids).data()), Array.from(src.eval().forward(ids).data()));
});

test('a table renames listed keys, keeps the others, and unknown keys after mapping are reported', () => {
  const src = new ax.Sequential(new ax.Linear(3, 4), new ax.ReLU(), new ax.Linear(4, 2));
  const f = path.join(dir, 'named.safetensors');
  ax.saveSafetensorsSync(f, { 'body.weight': src.at(0).stateDict().weight!, 'body.bias': src.at(0).stateDict().bias!, '2.weight': src.at(2).stateDict().weight!, '2.bias': src.at(2).stateDict().bias!, 'aux.scale': ax.ones([1]) });
  const dst = new ax.Sequential(new ax.Linear(3, 4), new ax.ReLU(), new ax.Linear(4, 2));
  const map = { 'body.weight': '0.weight', 'body.bias': '0.bias' };
  assert.throws(() => ax.loadWeights(dst, f, { map }), /unexpected keys \[aux\.scale\]/);
  const seen = captureWarnings(() => assert.deepEqual(ax.loadWeights(dst, f, { map, strict: false }), { missingKeys: [], unexpectedKeys: ['aux.scale'] }));
  assert.equal(seen.length, 1);
  assert.match(seen[0]!, /unexpected keys \[aux\.scale\]/);
  const x = ax.randn([2, 3]);
  assert.deepEqual(Array.from(dst.forward(x).data()), Array.from(src.forward(x).data()));
  assert.throws(() => ax.loadWeights(dst, f, { map: () => '0.weight' }), /two keys/);
});
