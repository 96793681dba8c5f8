// Fuzz targets for the tensor files: safetensors (parseSafetensors) and checkpoints
// (parseCheckpoint plus the optimizer state), seeded from files `save` and
// `serializeSafetensors` write, with the hardening issue's hostile inputs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ax from '../../src/index.js';
import { restoreOptimizerState } from '../../src/io/checkpoint-optimizer.js';
import type { Target } from './harness.js';
import { FUZZ_LIMITS, MB, text, utf8 } from './limits.js';
import { deepJson, mutateJson, type Rng } from './mutate.js';

// ---- safetensors ----

/** Split a safetensors file into its header text and data section (null if the length is off). */
function splitSafetensors(b: Uint8Array): { header: string; data: Uint8Array } | null {
  if (b.length < 8) return null;
  const n = Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true));
  if (8 + n > b.length) return null;
  return { header: text(b.subarray(8, 8 + n)), data: b.subarray(8 + n) };
}
function joinSafetensors(header: string, data: Uint8Array): Uint8Array {
  let h = utf8.encode(header);
  if (h.length % 8 !== 0) { const p = new Uint8Array(h.length + 8 - (h.length % 8)).fill(0x20); p.set(h); h = p; }
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8); out.set(data, 8 + h.length);
  return out;
}
/** Edit the header JSON; for checkpoints, half the time edit a JSON string inside __metadata__. */
function mutateHeader(rng: Rng, b: Uint8Array, nested: boolean): Uint8Array | null {
  const s = splitSafetensors(b);
  if (!s) return null;
  if (nested) {
    try {
      const h = JSON.parse(s.header) as { __metadata__?: Record<string, string> };
      const keys = Object.keys(h.__metadata__ ?? {}).filter((k) => k !== 'format');
      if (keys.length > 0 && rng.next() < 0.6) {
        const k = rng.pick(keys);
        h.__metadata__![k] = mutateJson(rng, h.__metadata__![k]!);
        return joinSafetensors(JSON.stringify(h), s.data);
      }
    } catch { /* not JSON: edit the text below */ }
  }
  return joinSafetensors(mutateJson(rng, s.header), s.data);
}

function safetensorsSeeds(): Uint8Array[] {
  return [
    ax.serializeSafetensors({ w: ax.randn([3, 4]), b: ax.zeros([4], { dtype: 'float64' }), i: ax.tensor([1, 2, 3], { dtype: 'int32' }), m: ax.tensor([true, false], { dtype: 'bool' }) }, { format: 'pt' }),
    ax.serializeSafetensors({ 'a.weight': ax.randn([2, 2]), 'a.bias': ax.randn([2]) }),
    ax.serializeSafetensors({ s: ax.tensor(3), e: ax.zeros([0, 5]) }, { note: 'x' }),
  ];
}
function manyTensorsHeader(n: number): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
  return joinSafetensors(`{${parts.join(',')}}`, new Uint8Array(0));
}

export function safetensorsTarget(): Target {
  const seed = safetensorsSeeds()[1]!;
  const s = splitSafetensors(seed)!;
  return {
    name: 'safetensors',
    seeds: safetensorsSeeds(),
    hostile: [
      ['deep header', joinSafetensors(`{"x":${deepJson(100000)}}`, new Uint8Array(0))],
      ['deep __metadata__', joinSafetensors(`{"__metadata__":{"a":${deepJson(5000, true)}}}`, new Uint8Array(0))],
      ['nested __metadata__', joinSafetensors('{"__metadata__":{"a":{"b":"c"}}}', new Uint8Array(0))],
      ['200k zero-size tensors', manyTensorsHeader(200_000)],
      ['header length 2^63', (() => { const b = Uint8Array.from(seed); new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true); return b; })()],
      ['__proto__ tensor', joinSafetensors(s.header.replace('"a.bias"', '"__proto__"'), s.data)],
    ],
    fields: () => [[0, 8, true], [0, 4, true]],
    mutate: (rng, b) => mutateHeader(rng, b, false),
    run: (b) => { ax.parseSafetensors(b, FUZZ_LIMITS); },
    memoryBound: 256 * MB,
  };
}

// ---- checkpoints ----

function checkpointSeeds(): Uint8Array[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-fuzz-'));
  try {
    const out: Uint8Array[] = [];
    const write = (m: ax.Module, withOpt: boolean): void => {
      const file = path.join(dir, `${out.length}.safetensors`);
      let optimizer: ax.Adam | undefined;
      if (withOpt) {
        optimizer = new ax.Adam(m.parameters(), { lr: 0.01 });
        ax.scope(() => { for (const p of m.parameters()) p.grad = ax.onesLike(p); optimizer!.step(); });
      }
      ax.save(m, file, { optimizer, extra: { epoch: 3, note: 'seed' } });
      out.push(new Uint8Array(readFileSync(file)));
    };
    write(new ax.Sequential(new ax.Linear(3, 4), new ax.ReLU(), new ax.Linear(4, 2)), true);
    write(new ax.LSTM(2, 3, { numLayers: 2 }), false);
    write(new ax.GPT({ vocabSize: 8, contextLength: 4, nLayer: 1, nHead: 2, nEmbd: 4 }), false);
    write(new ax.Sequential(new ax.Conv2d(1, 2, 3), new ax.BatchNorm2d(2), new ax.Flatten(), new ax.Embedding(5, 2)), true);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A checkpoint file with `meta` replacing keys of the first seed's metadata (and optionally extra tensors). */
function patchCheckpoint(seed: Uint8Array, meta: Record<string, string>, tensors: Record<string, ax.Tensor> = {}): Uint8Array {
  const f = ax.parseSafetensors(seed);
  return ax.serializeSafetensors({ ...f.tensors, ...tensors }, { ...f.metadata!, ...meta });
}

function checkpointHostile(seed: Uint8Array): [string, Uint8Array][] {
  const small = (config: string): Uint8Array => ax.serializeSafetensors({ w: ax.zeros([2, 2]) }, { format: 'axon-checkpoint-1', config });
  let deep = '{"type":"Linear","args":[2,2]}';
  for (let i = 0; i < 5000; i++) deep = `{"type":"Sequential","args":[${deep}]}`;
  const opt = JSON.parse(ax.parseSafetensors(seed).metadata!.optimizer!) as { paramGroups: Record<string, unknown>[] };
  const group = (g: Record<string, unknown>): string => JSON.stringify({ ...opt, paramGroups: [{ ...opt.paramGroups[0], ...g }] });
  return [
    ['config null', small('null')],
    ['config truncated', small('{"type":"Linear","args":[2,')],
    ['Sequential 5000 deep', small(deep)],
    ['Linear(16384, 16384)', small('{"type":"Linear","args":[16384,16384]}')],
    ['GPT vocab 2e7', small('{"type":"GPT","args":[{"vocabSize":20000000}]}')],
    ['LSTM 2^53 layers', small(`{"type":"LSTM","args":[4,4,{"numLayers":${2 ** 53}}]}`)],
    ['moment of the wrong shape', patchCheckpoint(seed, {}, { 'optimizer.state.0.exp_avg': ax.zeros([7, 7]) })],
    ['int moment', patchCheckpoint(seed, {}, { 'optimizer.state.0.exp_avg': ax.zeros([4, 3], { dtype: 'int32' }) })],
    ['bool moment', patchCheckpoint(seed, {}, { 'optimizer.state.0.exp_avg_sq': ax.zeros([4, 3], { dtype: 'bool' }) })],
    ['lr "abc"', patchCheckpoint(seed, { optimizer: group({ lr: 'abc' }) })],
    ['eps -1', patchCheckpoint(seed, { optimizer: group({ eps: -1 }) })],
    ['__proto__ param group', patchCheckpoint(seed, { optimizer: group({}).replace('"lr":', '"__proto__":{"lr":5},"lr":') })],
    ['extra __proto__', patchCheckpoint(seed, { extra: '{"__proto__":{"polluted":1}}' })],
  ];
}

/** Free what a loaded model and optimizer keep (parameters and state are kept tensors). */
function release(model: ax.Module, opt?: ax.Adam): void {
  for (const p of model.parameters()) ax.unkeep(p);
  for (const [, t] of Object.entries(model.stateDict())) if (ax.isKept(t)) ax.unkeep(t);
  if (opt) for (const s of opt.state.values()) for (const v of Object.values(s)) if (v instanceof ax.Tensor && ax.isKept(v)) ax.unkeep(v);
}

export function checkpointTarget(): Target {
  const seeds = checkpointSeeds();
  return {
    name: 'checkpoint',
    seeds,
    hostile: checkpointHostile(seeds[0]!),
    fields: () => [[0, 8, true]],
    mutate: (rng, b) => mutateHeader(rng, b, true),
    formatShare: 0.7,
    run: (b) => {
      const { model } = ax.parseCheckpoint(b, { ...FUZZ_LIMITS, source: 'fuzz.safetensors' });
      const file = ax.parseSafetensors(b, FUZZ_LIMITS);
      let opt: ax.Adam | undefined;
      if (file.metadata?.optimizer !== undefined && model.parameters().length > 0) {
        opt = new ax.Adam(model.parameters(), { lr: 0.01 });
        opt.loadStateDict(restoreOptimizerState('fuzz', 'fuzz.safetensors', opt, file, FUZZ_LIMITS));
      }
      return () => release(model, opt);
    },
    memoryBound: 256 * MB,
  };
}
