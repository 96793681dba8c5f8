// What an exporter sees: the graph being built, the opset, and a way to export a child module.
// Exporters return the ONNX names of the module's outputs; the walker (walk.ts) pairs them with
// Axon's own outputs on the sample input, which carry the shapes.
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { OnnxGraph } from './graph.js';

/** An ONNX value and Axon's value of it on the sample input (for its shape). */
export interface Value { name: string; sample: Tensor }

export interface ExportContext {
  readonly g: OnnxGraph;
  /** Export a child module at `path` on `x`; its outputs in Axon's order (flattened). */
  module(m: Module, path: string, x: Value): Value[];
}

/** Turns one module into ONNX nodes; returns the names of its outputs (flattened as forward's). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Exporter<M extends Module = any> = (ctx: ExportContext, m: M, x: Value, path: string) => string | string[];

/** `path/op` for node names ('' path: the model itself). */
export const at = (path: string, op: string): string => (path ? `${path}/${op}` : op);

/** A weight's name under `path` ('fc1' + 'weight' → 'fc1.weight'; '' + 'weight' → 'weight'). */
export const key = (path: string, name: string): string => (path ? `${path}.${name}` : name);
