// The CLI's conventions on every command: --help (usage on stdout, exit 0), --json (the last
// stdout line is one JSON object), --version, exit code 2 for usage mistakes with the message on
// stderr, and words for users: no internal ids in the help texts, the example list or the README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers.js';

const axon = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/axon.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const COMMANDS = ['fit', 'predict', 'doctor', 'train', 'list', 'explain', 'dashboard'];
/** Internal workload and milestone ids (W0–W5, L1–L5) and the word "workload". */
export const INTERNAL = /\bW[0-9]\b|\bL[0-9]\b|workload/;

test('--help on every command prints its usage on stdout and exits 0; the same with help <command>', () => {
  for (const cmd of COMMANDS) {
    const r = axon(cmd, '--help');
    assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`usage: axon ${cmd}`), cmd);
    assert.doesNotMatch(r.stdout, INTERNAL, cmd);
    assert.equal(axon('help', cmd).stdout, r.stdout);
  }
  const top = axon('--help');
  assert.equal(top.status, 0);
  for (const cmd of COMMANDS) assert.match(top.stdout, new RegExp(`\\n  ${cmd} `));
});

test('--version prints the package version; --json makes it an object', () => {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(axon('--version').stdout.trim(), version);
  assert.deepEqual(JSON.parse(axon('--version', '--json').stdout), { version });
});

test('usage mistakes exit 2 with the message and usage on stderr, nothing on stdout', () => {
  for (const args of [[], ['nope'], ['train'], ['train', 'nope'], ['train', 'xor-mlp', '--bogus'], ['doctor'], ['doctor', '--help=x'], ['fit'], ['predict'], ['list', 'extra'], ['dashboard'], ['train', 'iris-mlp', '--dashboard-exit'], ['train', 'sotu-gpt', '--dashboard'], ['train', 'iris-mlp', '--lr', '-1']]) {
    const r = axon(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, /usage: axon/, args.join(' '));
  }
});

test('--json: list and train end with one JSON object; the example list has no internal ids', () => {
  const list = axon('list', '--json');
  const j = JSON.parse(list.stdout.trim().split('\n').at(-1)!) as { examples: { name: string; description: string }[] };
  assert.ok(j.examples.some((e) => e.name === 'mnist-mlp'));
  for (const e of j.examples) assert.doesNotMatch(e.description, INTERNAL, e.name);
  const t = axon('train', 'xor-perceptron', '--json');
  assert.equal(t.status, 0);
  assert.deepEqual(Object.keys(JSON.parse(t.stdout.trim().split('\n').at(-1)!) as object).slice(0, 2), ['example', 'metrics']);
});

test('the README, every example and the CLI sources speak to users: no internal ids, and every linked file exists', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.doesNotMatch(readme, INTERNAL);
  for (const [, target] of readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
    if (/^https?:/.test(target!)) continue;
    assert.doesNotThrow(() => readFileSync(path.join(ROOT, target!)), `README links ${target}, which does not exist`);
  }
  for (const f of ['xor-perceptron', 'xor-mlp', 'iris-mlp', 'mnist-mlp', 'mnist-lenet', 'mnist-lenet-augmented', 'sotu-gpt', 'sotu-gpt-moe', 'co2-lstm', 'spam-gru', 'mnist-transfer', 'spam-gpt-finetune', 'mnist-siamese', 'mnist-vae', 'spoken-digits', 'example', 'names-makemore', 'cmudict-g2p']) {
    const src = readFileSync(path.join(ROOT, 'examples', `${f}.ts`), 'utf8');
    assert.doesNotMatch(src, INTERNAL, `examples/${f}.ts`);
  }
  for (const f of readdirSync(path.join(ROOT, 'src/cli'))) {
    assert.doesNotMatch(readFileSync(path.join(ROOT, 'src/cli', f), 'utf8'), INTERNAL, `src/cli/${f}`);
  }
});
