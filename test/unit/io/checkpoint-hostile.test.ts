// Hostile checkpoints: bad metadata, architectures far larger than their weights, and
// optimizer state of the wrong shape, dtype or range are refused with typed errors, before any
// model is built or any state is assigned.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ax from '../../../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axon-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const META = (config: string, more: Record<string, string> = {}): Record<string, string> => ({ format: 'axon-checkpoint-1', config, ...more });
const file = (tensors: Record<string, ax.Tensor>, meta: Record<string, string>): Uint8Array => ax.serializeSafetensors(tensors, meta);
const small = (): Record<string, ax.Tensor> => ({ weight: ax.zeros([2, 2]), bias: ax.zeros([2]) });
const refuse = (bytes: Uint8Array, cls: new (...a: never[]) => Error = ax.ValueError, opts: ax.LoadOptions = {}): void => {
  assert.throws(() => ax.parseCheckpoint(bytes, { ...opts, source: 'bad.safetensors' }), (e: unknown) => e instanceof cls && /bad\.safetensors/.test((e as Error).message));
};

test('bad config metadata is a typed error naming the file', () => {
  refuse(file(small(), META('null')));
  refuse(file(small(), META('{"type":"Linear","args":[2,')));
  refuse(file(small(), META('{"type":"Linear","args":["a",2]}')));
  refuse(file(small(), META('{"type":"Linear","args":[2,2]}', { extra: '[1' })));
  let deep = '{"type":"Linear","args":[2,2]}';
  for (let i = 0; i < 5000; i++) deep = `{"type":"Sequential","args":[${deep}]}`;
  refuse(file(small(), META(deep)), ax.LimitError);
});

test('an architecture far larger than the weights in the file is refused before it is built', () => {
  const t0 = Date.now();
  refuse(file(small(), META('{"type":"Linear","args":[16384,16384]}')));
  refuse(file(small(), META('{"type":"GPT","args":[{"vocabSize":20000000}]}')));
  refuse(file(small(), META(`{"type":"LSTM","args":[4,4,{"numLayers":${2 ** 53}}]}`)));
  assert.ok(Date.now() - t0 < 2000);
  refuse(file(small(), META('{"type":"Linear","args":[2,2]}')), ax.LimitError, { maxParameters: 3 });
  assert.equal(ax.parseCheckpoint(file(small(), META('{"type":"Linear","args":[2,2]}'))).model instanceof ax.Linear, true);
});

test('optimizer state of the wrong shape, dtype or range, or with __proto__ keys, is refused', () => {
  const m = new ax.Linear(2, 2);
  const opt = new ax.Adam(m.parameters(), { lr: 0.01 });
  const groups = (g: Record<string, unknown>): string => JSON.stringify({ type: 'Adam', paramGroups: [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [0, 1], ...g }], scalars: { 0: { step: 1 } } });
  const cfg = JSON.stringify(m.config());
  const restore = (tensors: Record<string, ax.Tensor>, optimizer: string, cls: new (...a: never[]) => Error = ax.ValueError): void => {
    const bytes = file({ ...small(), ...tensors }, META(cfg, { optimizer }));
    const where = path.join(dir, 'opt.safetensors');
    ax.saveSafetensorsSync(where, ax.parseSafetensors(bytes).tensors, ax.parseSafetensors(bytes).metadata!);
    assert.throws(() => ax.loadOptimizerState(opt, where), (e: unknown) => e instanceof cls && (e as Error).message.includes(where));
  };
  restore({ 'optimizer.state.0.exp_avg': ax.zeros([3, 2]) }, groups({}), ax.ShapeError);
  restore({ 'optimizer.state.0.exp_avg': ax.zeros([2, 2], { dtype: 'int32' }) }, groups({}), ax.DTypeError);
  restore({}, groups({ lr: 'abc' }));
  restore({}, groups({ eps: -1 }));
  restore({}, groups({ betas: [0.9, 2] }));
  restore({}, groups({ momentum: 0.9 }));
  restore({}, '{"type":"Adam","paramGroups":[{"__proto__":{"lr":5},"params":[0,1]}],"scalars":{}}');
  restore({ 'optimizer.state.9.exp_avg': ax.zeros([2, 2]) }, groups({}));
  assert.equal(Object.getPrototypeOf(opt.paramGroups[0]), Object.prototype);
  assert.equal(opt.paramGroups[0]!.lr, 0.01);
});
