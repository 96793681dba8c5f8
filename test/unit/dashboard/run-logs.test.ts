// Replaying run logs: one run per file, every event tagged with its run, a corrupt line skipped
// with a warning naming the file and the line, JsonLinesLogger's logs readable, and clear errors
// for a folder without logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRunLogs } from '../../../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axon-runs-'));

test('a corrupt line is skipped with a warning naming the file and the line; the rest is read in order', async () => {
  const runs = path.join(dir, 'a');
  mkdirSync(runs);
  writeFileSync(path.join(runs, 'good.jsonl'), [
    '{"event":"start","epochs":1,"stepsPerEpoch":2,"initial":null}',
    '{"event":"step","step":1,"epoch":1,"loss":2.5,"lr":0.1,"samples":4,"t":0.01}',
    '{"event":"step","step":2,"epoch":1,"loss":2.1,"lr":0.1,"samples":4,"t":0.02}',
    '{"event":"epoch","epoch":1,"loss":2.3}', '{"event":"end","epochs":1,"stoppedEarly":false}', ''].join('\n'));
  writeFileSync(path.join(runs, 'bad.jsonl'), [
    '{"event":"start","epochs":1,"stepsPerEpoch":1,"initial":null}',
    '{"event":"step","step":1,"epoch":1,"loss":',
    '[1, 2]',
    '{"event":"epoch","epoch":1,"loss":0.5}', ''].join('\n'));
  writeFileSync(path.join(runs, 'notes.txt'), 'not a log');
  const warnings: string[] = [];
  const logs = await readRunLogs([runs], { warn: (l) => warnings.push(l) });
  assert.deepEqual(logs.map((l) => l.name), ['bad', 'good']);
  assert.deepEqual(warnings.map((w) => w.replace(/ \(.*\)/, '')), [
    `${path.join(runs, 'bad.jsonl')} line 2 is not valid JSON: skipped`,
    `${path.join(runs, 'bad.jsonl')} line 3 is not a run-log event: skipped`,
  ]);
  assert.deepEqual(logs[0]!.events.map((e) => e.event), ['start', 'epoch']);
  assert.deepEqual(logs[1]!.events.map((e) => [e.event, e.run]), [['start', 'good'], ['step', 'good'], ['step', 'good'], ['epoch', 'good'], ['end', 'good']]);
  assert.equal((logs[1]!.events[2] as { loss: number }).loss, 2.1);
});

test('several paths overlay: files and folders mixed, same-named files told apart by their folder', async () => {
  const [x, y] = [path.join(dir, 'x'), path.join(dir, 'y')];
  mkdirSync(x);
  mkdirSync(y);
  for (const d of [x, y]) writeFileSync(path.join(d, 'run.jsonl'), '{"event":"epoch","epoch":1,"loss":1}\n');
  const logs = await readRunLogs([x, path.join(y, 'run.jsonl')], { warn: () => {} });
  assert.deepEqual(logs.map((l) => l.name), [path.join(x, 'run'), path.join(y, 'run')]);
});

test('a folder without run logs, an empty path list and a log with no event are clear errors', async () => {
  const empty = path.join(dir, 'empty');
  mkdirSync(empty);
  await assert.rejects(readRunLogs([empty]), /holds no run logs \(\*\.jsonl\); train with --dashboard/);
  await assert.rejects(readRunLogs([]), /name a run log \(\.jsonl\) or a folder of them/);
  const junk = path.join(dir, 'junk.jsonl');
  writeFileSync(junk, 'oops\n');
  const warnings: string[] = [];
  await assert.rejects(readRunLogs([junk], { warn: (l) => warnings.push(l) }), /no usable run log/);
  assert.equal(warnings.length, 2);
  await assert.rejects(readRunLogs([path.join(dir, 'missing.jsonl')]), /no such file/);
});
