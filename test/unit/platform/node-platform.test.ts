// The Node host: reads name the file and the reason, web addresses are refused (no downloads at
// run time), gzip output is bounded, and the loaders take bytes, file: URLs and paths alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as ax from '../../../src/index.js';
import { nodePlatform } from '../../../src/platform/node.js';

test('a missing file, a folder and a web address get ValueErrors naming them', async () => {
  await assert.rejects(nodePlatform.readBytes('readCsv', '/no/such/file.csv'), (e: Error) => e instanceof ax.ValueError && /readCsv: can not read \/no\/such\/file\.csv: no such file/.test(e.message));
  await assert.rejects(nodePlatform.readBytes('readCsv', tmpdir()), (e: Error) => e instanceof ax.ValueError && /it is a folder/.test(e.message));
  assert.throws(() => nodePlatform.readBytesSync('load', 'https://example.com/model.safetensors'), (e: Error) => e instanceof ax.ValueError && /never downloads/.test(e.message));
  await assert.rejects(ax.readCsv('/no/such/file.csv'), ax.ValueError);
});

test('gunzip refuses to inflate past its limit', () => {
  const bomb = gzipSync(new Uint8Array(1 << 20)); // 1 MiB of zeros in ~1 KB
  assert.equal(nodePlatform.gunzipSync!('parseIdx', bomb, 1 << 20).length, 1 << 20);
  assert.throws(() => nodePlatform.gunzipSync!('parseIdx', bomb, 1000), (e: Error) => e instanceof ax.ValueError && /more than 1000 bytes/.test(e.message));
  assert.throws(() => nodePlatform.gunzipSync!('parseIdx', bomb.subarray(0, 20), 1 << 20), (e: Error) => e instanceof ax.ValueError && /corrupt or truncated/.test(e.message));
});

test('readCsv and loadSafetensors take a path, a file: URL or the bytes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-platform-'));
  const csv = path.join(dir, 'a.csv');
  writeFileSync(csv, 'x,y\n1,2\n3,4\n');
  for (const src of [csv, pathToFileURL(csv), new TextEncoder().encode('x,y\n1,2\n3,4\n')]) {
    const t = await ax.readCsv(src);
    assert.deepEqual(t.columns, ['x', 'y']);
    assert.equal(t.rows.length, 2);
  }
  const st = path.join(dir, 'w.safetensors');
  ax.saveSafetensorsSync(st, { w: ax.fromArray([1, 2, 3], [3], 'float32') });
  for (const src of [st, pathToFileURL(st)]) {
    const f = await ax.loadSafetensors(src);
    assert.deepEqual([...f.tensors.w!.data()], [1, 2, 3]);
  }
});
