// Exporters for RNN, LSTM and GRU as ONNX's RNN/LSTM/GRU ops, one node per layer. Gate blocks are
// reordered from PyTorch's layout to ONNX's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h with
// linear_before_reset=1 (PyTorch applies r to h·W_hnᵀ + b_hn). batchFirst inputs are transposed
// to time-major around the nodes. Outputs: output, h_n (and c_n for the LSTM), as Axon's.
import { AxonError } from '../../../errors.js';
import type { Module } from '../../../nn/module.js';
import type { Parameter } from '../../../nn/parameter.js';
import { GRU, LSTM, RNN, type RNNBase } from '../../../nn/rnn.js';
import { shapeStr } from '../../../tensor/shape.js';
import { at, key, type Exporter } from '../context.js';
import { int, strings, type OnnxGraph } from '../graph.js';
import { reshapeNode, transposeNode } from '../nodes.js';

interface Kind { op: 'RNN' | 'LSTM' | 'GRU'; order: number[]; activations: string[] }

const kindOf = (m: RNNBase): Kind =>
  m instanceof LSTM ? { op: 'LSTM', order: [0, 3, 1, 2], activations: ['Sigmoid', 'Tanh', 'Tanh'] }
    : m instanceof GRU ? { op: 'GRU', order: [1, 0, 2], activations: ['Sigmoid', 'Tanh'] }
      : { op: 'RNN', order: [0], activations: [(m as RNN).nonlinearity === 'relu' ? 'Relu' : 'Tanh'] };

/** Gate blocks of `t` (G·H, …) in ONNX's order, appended to `out`. */
function pushReordered(out: number[], t: Parameter, order: readonly number[]): void {
  const d = t.data() as Float32Array;
  const block = d.length / order.length; // H rows of the gate
  for (const gate of order) for (let i = 0; i < block; i++) out.push(d[gate * block + i]!);
}

/** W (D, G·H, in), R (D, G·H, H) and B (D, 2·G·H) initializers of layer k. */
function layerWeights(g: OnnxGraph, m: RNNBase, path: string, k: number, kind: Kind): string[] {
  const p = (n: string): Parameter | undefined => (m as unknown as Record<string, Parameter | undefined>)[n];
  const H = m.hiddenSize;
  const sfx = m.bidirectional ? ['', '_reverse'] : [''];
  const G = kind.order.length * H;
  const w: number[] = [], r: number[] = [], b: number[] = [];
  for (const s of sfx) {
    pushReordered(w, p(`weight_ih_l${k}${s}`)!, kind.order);
    pushReordered(r, p(`weight_hh_l${k}${s}`)!, kind.order);
    if (m.bias) {
      pushReordered(b, p(`bias_ih_l${k}${s}`)!, kind.order);
      pushReordered(b, p(`bias_hh_l${k}${s}`)!, kind.order);
    }
  }
  const D = sfx.length;
  const inSize = w.length / (D * G);
  const names = [g.floats(key(path, `W_l${k}`), w, [D, G, inSize]), g.floats(key(path, `R_l${k}`), r, [D, G, H])];
  if (m.bias) names.push(g.floats(key(path, `B_l${k}`), b, [D, 2 * G]));
  return names;
}

const recurrent: Exporter<RNNBase> = (ctx, m, x, path) => {
  const g = ctx.g;
  if (x.sample.ndim !== 3) {
    throw new AxonError('exportOnnx', `${m.constructor.name} at '${path}' got a ${x.sample.ndim}-D sample input ${shapeStr(x.sample.shape)}; export with a batched 3-D input ${m.batchFirst ? '(N, T, features)' : '(T, N, features)'}`);
  }
  const kind = kindOf(m);
  const D = m.bidirectional ? 2 : 1;
  let seq = m.batchFirst ? transposeNode(g, path, x.name, [1, 0, 2]) : x.name; // (N, T, I) -> (T, N, I)
  const hs: string[] = [];
  const cs: string[] = [];
  for (let k = 0; k < m.numLayers; k++) {
    const attrs = {
      hidden_size: int(m.hiddenSize),
      direction: { s: m.bidirectional ? 'bidirectional' : 'forward' },
      activations: strings(Array.from({ length: D }, () => kind.activations).flat()),
      ...(kind.op === 'GRU' ? { linear_before_reset: int(1) } : {}),
    };
    const outs = g.node(kind.op, [seq, ...layerWeights(g, m, path, k, kind)], attrs, { outputs: kind.op === 'LSTM' ? 3 : 2, name: at(path, `${kind.op}_l${k}`) });
    const y = transposeNode(g, path, outs[0]!, [0, 2, 1, 3]); // Y (T, D, N, H) -> (T, N, D, H)
    seq = reshapeNode(g, path, y, [0, 0, -1]); // (T, N, D, H) -> (T, N, D·H)
    hs.push(outs[1]!); // (D, N, H)
    if (kind.op === 'LSTM') cs.push(outs[2]!);
  }
  const out = m.batchFirst ? transposeNode(g, path, seq, [1, 0, 2]) : seq; // (T, N, D·H) -> (N, T, D·H)
  const stackStates = (s: string[]): string => (s.length === 1 ? s[0]! : g.op('Concat', s, { axis: int(0) }, at(path, 'Concat'))); // L × (D, N, H) -> (L·D, N, H)
  return kind.op === 'LSTM' ? [out, stackStates(hs), stackStates(cs)] : [out, stackStates(hs)];
};

export const RNN_EXPORTERS: [abstract new (...args: never[]) => Module, Exporter][] = [
  [RNN, recurrent],
  [LSTM, recurrent],
  [GRU, recurrent],
];
