// Maps the op names used in fixture files to Axon calls, so one table drives the PyTorch
// comparison and the finite-difference checks.
import * as ax from '../src/index.js';
import type { Tensor } from '../src/index.js';

type Attrs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type OpFn = (inputs: Tensor[], attrs: Attrs) => Tensor | Tensor[];

const unary = (f: (x: Tensor) => Tensor): OpFn => ([x]) => f(x!);
const binary = (f: (a: Tensor, b: Tensor) => Tensor): OpFn => ([a, b]) => f(a!, b!);
const red = (f: (x: Tensor, o: Attrs) => Tensor): OpFn => ([x], a) => f(x!, a);

export const OPS: Record<string, OpFn> = {
  neg: unary(ax.neg), exp: unary(ax.exp), log: unary(ax.log), log1p: unary(ax.log1p), expm1: unary(ax.expm1),
  sqrt: unary(ax.sqrt), rsqrt: unary(ax.rsqrt), abs: unary(ax.abs), sign: unary(ax.sign), sin: unary(ax.sin),
  cos: unary(ax.cos), tanh: unary(ax.tanh), sigmoid: unary(ax.sigmoid), relu: unary(ax.relu), erf: unary(ax.erf),
  silu: unary(ax.silu), softplus: unary((x) => ax.softplus(x)),
  gelu: ([x], a) => ax.gelu(x!, { approximate: a.approximate }),
  elu: ([x], a) => ax.elu(x!, { alpha: a.alpha }),
  leakyRelu: ([x], a) => ax.leakyRelu(x!, { negativeSlope: a.negativeSlope }),
  add: binary(ax.add), sub: binary(ax.sub), mul: binary(ax.mul), div: binary(ax.div), pow: binary(ax.pow),
  minimum: binary(ax.minimum), maximum: binary(ax.maximum),
  clamp: ([x], a) => ax.clamp(x!, { min: a.min, max: a.max }),
  where: ([c, a, b]) => ax.where(c!, a!, b!),
  eq: binary(ax.eq), ne: binary(ax.ne), lt: binary(ax.lt), le: binary(ax.le), gt: binary(ax.gt), ge: binary(ax.ge),
  logicalAnd: binary(ax.logicalAnd), logicalOr: binary(ax.logicalOr), logicalXor: binary(ax.logicalXor),
  logicalNot: unary(ax.logicalNot), isNaN: unary(ax.isNaN), isFinite: unary(ax.isFinite),
  sum: red(ax.sum), mean: red(ax.mean), prod: red(ax.prod), max: red(ax.max), min: red(ax.min),
  logsumexp: red(ax.logsumexp), var: red(ax.variance), std: red(ax.std), norm: red(ax.norm),
  argmax: red(ax.argmax), argmin: red(ax.argmin),
  reshape: ([x], a) => ax.reshape(x!, a.shape),
  flatten: ([x], a) => ax.flatten(x!, a),
  squeeze: ([x], a) => ax.squeeze(x!, a.dim),
  unsqueeze: ([x], a) => ax.unsqueeze(x!, a.dim),
  permute: ([x], a) => ax.permute(x!, a.dims),
  transpose: ([x], a) => ax.transpose(x!, a.dim0, a.dim1),
  expand: ([x], a) => ax.expand(x!, a.shape),
  slice: ([x], a) => ax.slice(x!, a.specs),
  flip: ([x], a) => ax.flip(x!, a.dims),
  tril: ([x], a) => ax.tril(x!, a.diagonal),
  triu: ([x], a) => ax.triu(x!, a.diagonal),
  pad: ([x], a) => ax.pad(x!, a.pad, a.value),
  indexSelect: ([x, i], a) => ax.indexSelect(x!, a.dim, i!),
  gather: ([x, i], a) => ax.gather(x!, a.dim, i!),
  scatterAdd: ([x, i, s], a) => ax.scatterAdd(x!, a.dim, i!, s!),
  cat: (xs, a) => ax.cat(xs, a.dim),
  stack: (xs, a) => ax.stack(xs, a.dim),
  split: ([x], a) => ax.split(x!, a.splitSizeOrSections, a.dim),
  chunk: ([x], a) => ax.chunk(x!, a.chunks, a.dim),
  matmul: binary(ax.matmul), outer: binary(ax.outer),
  softmax: ([x], a) => ax.softmax(x!, { dim: a.dim }),
  logSoftmax: ([x], a) => ax.logSoftmax(x!, { dim: a.dim }),
  oneHot: ([x], a) => ax.oneHot(x!, a.numClasses),
};

export function asList(r: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(r) ? r : [r];
}
