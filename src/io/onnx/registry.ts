// The table of ONNX exporters, by module class (exact class: a subclass with its own forward is
// not silently exported as its parent), and the error for a module that has none.
import { AxonError } from '../../errors.js';
import type { Module } from '../../nn/module.js';
import type { Exporter } from './context.js';
import { ATTENTION_EXPORTERS } from './exporters/attention.js';
import { BASIC_EXPORTERS } from './exporters/basic.js';
import { CONV_EXPORTERS } from './exporters/conv.js';
import { GPT_EXPORTERS } from './exporters/gpt.js';
import { RNN_EXPORTERS } from './exporters/rnn.js';

const TABLE = new Map<unknown, Exporter>([...BASIC_EXPORTERS, ...CONV_EXPORTERS, ...RNN_EXPORTERS, ...ATTENTION_EXPORTERS, ...GPT_EXPORTERS]);

/** Names of the module types exportOnnx can write, sorted. */
export function onnxSupportedModules(): string[] {
  return [...TABLE.keys()].map((c) => (c as { name: string }).name).sort();
}

/** A module in the tree has no ONNX exporter. `moduleType` names it, `supported` lists those that have one. */
export class UnsupportedModuleError extends AxonError {
  constructor(readonly moduleType: string, readonly path: string, readonly supported: readonly string[]) {
    super('exportOnnx', `no ONNX exporter for module type ${moduleType}${path ? ` (at '${path}')` : ''}; supported module types: ${supported.join(', ')}`);
    this.name = 'UnsupportedModuleError';
  }
}

/** The exporter of `m`'s exact class, or an UnsupportedModuleError. */
export function exporterFor(m: Module, path: string): Exporter {
  const e = TABLE.get(m.constructor);
  if (!e) throw new UnsupportedModuleError(m.constructor.name, path, onnxSupportedModules());
  return e;
}
