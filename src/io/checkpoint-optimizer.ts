// Optimizer state from a checkpoint, validated against the live optimizer before it is handed
// to `loadStateDict`: the type, the number of groups and their parameter counts, every
// hyper-parameter's type and range (finite, ≥ 0; betas in [0, 1)), every moment tensor's shape
// and dtype against its parameter, and no key that could reach a prototype.
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { brief, isJsonObject, parseJsonSafe } from '../json-safety.js';
import type { Limits } from '../limits.js';
import type { Optimizer, ParamState } from '../optim/optimizer.js';
import { shapesEqual, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { SafetensorsFile } from './safetensors.js';

/** Names a state or hyper-parameter key may have: identifiers only (never `__proto__`, `constructor`). */
const KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const okKey = (k: string): boolean => KEY.test(k) && !FORBIDDEN.has(k);

interface StateDict { state: Record<number, ParamState>; paramGroups: Record<string, unknown>[] }

/** The optimizer state dict stored in `file`, checked against `optimizer`; a typed error otherwise. */
export function restoreOptimizerState(op: string, source: string, optimizer: Optimizer<{ lr: number }>, file: SafetensorsFile, limits?: Limits): StateDict {
  const raw = file.metadata?.optimizer;
  if (!raw) throw new ValueError(op, `${source} holds no optimizer state; save with { optimizer }`);
  const meta = parseJsonSafe(op, `${source}: metadata.optimizer`, raw, limits);
  if (!isJsonObject(meta) || typeof meta.type !== 'string' || !Array.isArray(meta.paramGroups) || !(meta.scalars === undefined || isJsonObject(meta.scalars))) {
    throw new ValueError(op, `${source}: metadata.optimizer must be { type, paramGroups: [...], scalars: {...} }, got ${brief(meta)}`);
  }
  if (meta.type !== optimizer.constructor.name) {
    throw new ValueError(op, `${source} holds ${brief(meta.type)} state but the optimizer is ${optimizer.constructor.name}`);
  }
  const live = optimizer.paramGroups;
  if (meta.paramGroups.length !== live.length) {
    throw new ValueError(op, `${source}: metadata.optimizer has ${meta.paramGroups.length} parameter groups but this optimizer has ${live.length}`);
  }
  const params = live.flatMap((g) => g.params);
  const paramGroups = meta.paramGroups.map((saved: unknown, gi) => {
    const at = `${source}: metadata.optimizer.paramGroups[${gi}]`;
    const g = live[gi]! as unknown as Record<string, unknown>;
    if (!isJsonObject(saved)) throw new ValueError(op, `${at} must be an object, got ${brief(saved)}`);
    const ids = saved.params;
    if (!Array.isArray(ids) || ids.length !== (g.params as Tensor[]).length || !ids.every((i) => Number.isSafeInteger(i) && i >= 0 && i < params.length)) {
      throw new ValueError(op, `${at}.params must list ${(g.params as Tensor[]).length} parameter indices below ${params.length}, got ${brief(ids)}`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(saved)) {
      if (k === 'params') { out.params = ids; continue; }
      if (!okKey(k) || !Object.hasOwn(g, k)) throw new ValueError(op, `${at} has the key ${brief(k)}, which is not a hyper-parameter of ${optimizer.constructor.name}`);
      checkHyper(op, `${at}.${k}`, k, g[k], v);
      out[k] = v;
    }
    return out;
  });
  const state: Record<number, ParamState> = Object.create(null) as Record<number, ParamState>;
  const slot = (i: string, at: string): ParamState => {
    const n = Number(i);
    if (!/^\d+$/.test(i) || n >= params.length) throw new ValueError(op, `${at} refers to parameter ${brief(i)}, but the optimizer has ${params.length}`);
    return (state[n] ??= Object.create(null) as ParamState);
  };
  for (const [i, s] of Object.entries(meta.scalars ?? {})) {
    const at = `${source}: metadata.optimizer.scalars[${JSON.stringify(i)}]`;
    if (!isJsonObject(s)) throw new ValueError(op, `${at} must be an object of numbers, got ${brief(s)}`);
    const st = slot(i, at);
    for (const [k, v] of Object.entries(s)) {
      if (!okKey(k)) throw new ValueError(op, `${at} has the key ${brief(k)}, which is refused`);
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(op, `${at}.${k} must be a finite number ≥ 0, got ${brief(v)}`);
      st[k] = v;
    }
  }
  for (const [name, t] of Object.entries(file.tensors)) {
    const m = /^optimizer\.state\.(\d+)\.(.+)$/.exec(name);
    if (!m) continue;
    const at = `${source}: tensor ${JSON.stringify(name)}`;
    if (!okKey(m[2]!)) throw new ValueError(op, `${at}: state key ${brief(m[2])} is refused`);
    const st = slot(m[1]!, at);
    const p = params[Number(m[1])]!;
    if (!shapesEqual(t.shape, p.shape)) throw new ShapeError(op, `${at} has shape ${shapeStr(t.shape)} but parameter ${m[1]} has ${shapeStr(p.shape)}; the state belongs to another model`);
    if (t.dtype !== p.dtype) throw new DTypeError(op, `${at} is ${t.dtype} but parameter ${m[1]} is ${p.dtype}; optimizer moments must match their parameter's dtype`);
    st[m[2]!] = t;
  }
  return { state, paramGroups };
}

/** A stored hyper-parameter must have the live one's type; numbers finite and ≥ 0, betas < 1. */
function checkHyper(op: string, at: string, key: string, live: unknown, v: unknown): void {
  const num = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0 && (key !== 'betas' || x < 1);
  let ok: boolean;
  if (typeof live === 'number') ok = num(v);
  else if (typeof live === 'boolean') ok = typeof v === 'boolean';
  else if (Array.isArray(live)) ok = Array.isArray(v) && v.length === live.length && v.every(num);
  else if (live === null || typeof live === 'string') ok = v === null || typeof v === 'string';
  else ok = false;
  if (!ok) throw new ValueError(op, `${at} is ${brief(v)}, but ${key} must be ${Array.isArray(live) ? `${live.length} ` : ''}${typeof live === 'number' || Array.isArray(live) ? `finite number${Array.isArray(live) ? 's' : ''} ≥ 0${key === 'betas' ? ' and < 1' : ''}` : `like ${brief(live)}`}; the file is corrupted`);
}
