// The README's "PyTorch state dicts" and "Transfer learning" js examples run as written (against
// the built library, in a temporary folder, since they write files: test/readme.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runReadmeSection } from '../../readme.js';

const runAsModule = async (title: string): Promise<string[]> => (await runReadmeSection(title)).logs;

test('README "PyTorch state dicts" example runs', async () => {
  await runAsModule('PyTorch state dicts');
});

test('README "Transfer learning" example runs and the head learns the new classes', async () => {
  const logs = await runAsModule('Transfer learning');
  assert.equal(logs.length, 2);
  for (const l of logs) assert.ok((JSON.parse(l) as { accuracy: number }).accuracy > 0.7, l);
});
