// Exporters for the building blocks of MLPs: Sequential, Linear, Flatten, Dropout (identity in
// eval mode) and the activation layers.
import { AxonError } from '../../../errors.js';
import * as A from '../../../nn/activations.js';
import { Dropout, Flatten, Sequential } from '../../../nn/layers.js';
import { Linear } from '../../../nn/linear.js';
import type { Module } from '../../../nn/module.js';
import { at, key, type Exporter } from '../context.js';
import { float, int } from '../graph.js';
import { geluNode, linearNode, reshapeNode } from '../nodes.js';

const sequential: Exporter<Sequential> = (ctx, m, x, path) => {
  let v = x;
  m.layers.forEach((l, i) => {
    const outs = ctx.module(l, key(path, String(i)), v);
    if (outs.length !== 1) throw new AxonError('exportOnnx', `layer ${i} of the Sequential at '${path}' (${l.constructor.name}) returns ${outs.length} tensors; a Sequential chains one-tensor layers`);
    v = outs[0]!;
  });
  return v.name;
};

const linear: Exporter<Linear> = (ctx, m, x, path) => linearNode(ctx.g, path, x.name, m.weight, m.bias, key(path, 'weight'));

const flatten: Exporter<Flatten> = (ctx, m, x, path) => {
  const shape = x.sample.shape;
  const s = m.startDim < 0 ? m.startDim + shape.length : m.startDim;
  const e = m.endDim < 0 ? m.endDim + shape.length : m.endDim;
  // Dims before startDim are copied (0: dynamic batch stays dynamic), the span merges (−1).
  return reshapeNode(ctx.g, path, x.name, [...shape.slice(0, s).map(() => 0), -1, ...shape.slice(e + 1)]); // (..., a..b, ...) -> (..., a·…·b, ...)
};

const identity: Exporter = (ctx, _m, x, path) => ctx.g.op('Identity', [x.name], {}, at(path, 'Identity'));

/** A one-node activation with optional attributes. */
const unary = <M extends Module>(op: string, attrs: (m: M) => Record<string, ReturnType<typeof float>> = () => ({})): Exporter<M> =>
  (ctx, m, x, path) => ctx.g.op(op, [x.name], attrs(m), at(path, op));

/** Softmax/LogSoftmax along a dim (opset ≥ 13: any axis). */
const softmaxLike = (op: string): Exporter<A.Softmax | A.LogSoftmax> => (ctx, m, x, path) =>
  ctx.g.op(op, [x.name], { axis: int(m.options.dim ?? -1) }, at(path, op));

const silu: Exporter<A.SiLU> = (ctx, _m, x, path) => ctx.g.op('Mul', [x.name, ctx.g.op('Sigmoid', [x.name], {}, at(path, 'Sigmoid'))], {}, at(path, 'Mul'));

const softplus: Exporter<A.Softplus> = (ctx, m, x, path) => {
  const beta = m.options.beta ?? 1;
  const g = ctx.g;
  if (beta === 1) return g.op('Softplus', [x.name], {}, at(path, 'Softplus'));
  const sp = g.op('Softplus', [g.op('Mul', [x.name, g.scalar(beta)], {}, at(path, 'Mul'))], {}, at(path, 'Softplus'));
  return g.op('Div', [sp, g.scalar(beta)], {}, at(path, 'Div'));
};

const step: Exporter<A.Step> = (ctx, _m, x, path) =>
  ctx.g.op('Cast', [ctx.g.op('GreaterOrEqual', [x.name, ctx.g.scalar(0)], {}, at(path, 'GreaterOrEqual'))], { to: int(1) }, at(path, 'Cast'));

export const BASIC_EXPORTERS: [abstract new (...args: never[]) => Module, Exporter][] = [
  [Sequential, sequential],
  [Linear, linear],
  [Flatten, flatten],
  [Dropout, identity],
  [A.Identity, identity],
  [A.ReLU, unary('Relu')],
  [A.Sigmoid, unary('Sigmoid')],
  [A.Tanh, unary('Tanh')],
  [A.LeakyReLU, unary<A.LeakyReLU>('LeakyRelu', (m) => ({ alpha: float(m.options.negativeSlope ?? 0.01) }))],
  [A.ELU, unary<A.ELU>('Elu', (m) => ({ alpha: float(m.options.alpha ?? 1) }))],
  [A.GELU, (ctx, m: A.GELU, x, path) => geluNode(ctx.g, path, x.name, m.options.approximate ?? 'none')],
  [A.SiLU, silu],
  [A.Softplus, softplus],
  [A.Step, step],
  [A.Softmax, softmaxLike('Softmax')],
  [A.LogSoftmax, softmaxLike('LogSoftmax')],
];
