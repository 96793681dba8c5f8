// The primitive operations: the only ops with a kernel and a gradient rule. Everything else is a
// composite of these. Adding a primitive means: a name + attrs here, a frontend function in ops/,
// a rule in autograd/rules.ts, a kernel in backend/ts/, and test cases (the compiler checks the
// rule and the kernel exist); CONTRIBUTING.md lists the steps, with a wasm kernel too.
import type { DType } from '../tensor/dtype.js';

export const UNARY_OPS = [
  'neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'abs', 'sign', 'sin', 'cos', 'tanh',
  'sigmoid', 'relu', 'erf', 'floor', 'ceil', 'round', 'isNaN', 'isFinite', 'logicalNot',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

type None = Record<string, never>;

/** Attributes of each primitive. Output shapes and dtypes are decided by the frontend. */
export type PrimAttrs = { [K in UnaryOp]: None } & { [K in BinaryOp]: None } & {
  where: None;
  cast: { dtype: DType };
  /** Reduce over `dims`; the output keeps them as size 1. */
  sum: { dims: number[] };
  prod: { dims: number[] };
  max: { dims: number[] };
  min: { dims: number[] };
  /** Index of the max/min along `dim`; the output keeps `dim` as size 1. */
  argmax: { dim: number };
  argmin: { dim: number };
  /** New shape, same elements in the same order (storage is shared; no kernel). */
  reshape: { shape: number[] };
  permute: { dims: number[] };
  /** Broadcast to `shape` (a copy on the ts backend). */
  expand: { shape: number[] };
  /** out[i] = x[start + i * step] per dim; the output shape is given. */
  slice: { starts: number[]; steps: number[] };
  /** A copy of base with base[start + i * step] = value[i]. */
  sliceUpdate: { starts: number[]; steps: number[] };
  /** A copy of base with base[start + i * step] += value[i] (the adjoint of slice). */
  sliceAdd: { starts: number[]; steps: number[] };
  /** Constant padding: `pads[d] = [before, after]` for every dim. */
  pad: { pads: [number, number][]; value: number };
  cat: { dim: number };
  flip: { dims: number[] };
  gather: { dim: number };
  scatterAdd: { dim: number };
  indexSelect: { dim: number };
  indexAdd: { dim: number };
  /** Batched matrix product of 3-D inputs [B,M,K]·[B,K,N] (with optional transposes of the last two dims). */
  matmul: { transA: boolean; transB: boolean };
  /** im2col: (N, C, *spatial) → (N, C·∏kernel, L) sliding windows (zero padding), L = ∏ window positions. */
  unfold: WindowAttrs;
  /** col2im, the adjoint of unfold: (N, C·∏kernel, L) → (N, C, *outputSize), overlapping windows summed. */
  fold: WindowAttrs & { outputSize: number[] };
  /**
   * Max pooling's window argmax: (N, C, *spatial) float → (N, C, *outputSize) int32, each the flat
   * offset within its input plane of its window's first maximum (taps on padding skipped; a NaN
   * wins, the window's last one): max_pool's `indices` in PyTorch. `outputSize` is given (ceil mode adds a window).
   */
  maxPoolIndex: WindowAttrs & { outputSize: number[] };
  /**
   * One LSTM cell step in one pass (ops/lstm-cell.ts): gate pre-activations (R, 4H) in PyTorch's
   * order i, f, g, o and the cell state c (R, H) → (2, R, H) holding h' then c', or (7, R, H) when
   * a gradient will be needed: then rows 2–6 also hold σ(i), σ(f), tanh(g), σ(o) and tanh(c'), as
   * rounded when h' and c' were computed, so the gradient needs no transcendental.
   */
  lstmCell: None;
  /**
   * Its vector-Jacobian product in one pass: the 7-row output of lstmCell (7, R, H), c (R, H) and
   * the gradient g of that output, (2, R, H) or (7, R, H) (only rows 0 and 1, those of h' and c',
   * are read) → (5·R·H) holding the gradient of pre (R, 4H) then that of c (R, H).
   */
  lstmCellGrad: None;
  /**
   * One direction of an LSTM layer over a whole sequence (ops/lstm-sequence.ts): gi (T, N, 4H),
   * each step's x_t·W_ihᵀ + b_ih + b_hh in PyTorch's gate order i, f, g, o, the recurrent weight
   * whh (4H, H) and the initial states h0, c0 (N, H) → (2T + 2, N, H), or (7T + 2, N, H) when a
   * gradient will be needed. Planes 0…T hold the hidden states and T+1…2T+1 the cell states, each
   * T + 1 in time order with the initial state at the end the direction starts from (plane 0
   * forward, plane T with `reverse`); with a gradient, plane 2T + 2 + 5t + k holds step t's σ(i),
   * σ(f), tanh(g), σ(o), tanh(c') (k = 0…4). Each step computes what lstmCell(gi_t + h·whhᵀ, c) does.
   */
  lstmSequence: { reverse: boolean };
  /**
   * Its vector-Jacobian product, from three inputs: lstmSequence's output with the saved
   * activations (7T + 2, N, H), whh (4H, H) and the gradient g of that output, (2T + 2, N, H) or whole (only the state planes
   * are read) → (T·N·4H + 4H·H + 2·N·H) holding the gradients of gi, whh, h0 and c0 in that order.
   */
  lstmSequenceGrad: { reverse: boolean };
  /**
   * One direction of a GRU layer over a whole sequence (ops/gru-sequence.ts): gi (T, N, 3H), each
   * step's x_t·W_ihᵀ + b_ih in PyTorch's gate order r, z, n, the recurrent weight whh (3H, H), its
   * bias bhh (3H) and the initial state h0 (N, H) → (T + 1, N, H), or (5T + 1, N, H) when a
   * gradient will be needed. Planes 0…T hold the hidden states in time order with the initial
   * state at the end the direction starts from (plane 0 forward, plane T with `reverse`); with a
   * gradient, plane T + 1 + 4t + k holds step t's r, z, n and gh_n (k = 0…3; gh = h·whhᵀ + bhh).
   * Step t: r, z = σ(gi_rz + gh_rz); n = tanh(gi_n + r⊙gh_n); h' = n + z⊙(h − n)
   * (gru-sequence-layout.ts).
   */
  gruSequence: { reverse: boolean };
  /**
   * Its vector-Jacobian product, from three inputs: gruSequence's output with the saved
   * activations (5T + 1, N, H), whh (3H, H) and the gradient g of that output, (T + 1, N, H) or
   * whole (only the state planes are read) → (2·T·N·3H + N·H) holding the gradients of gi
   * (T, N, 3H), of gh = h·whhᵀ + bhh by step (T, N, 3H; the op turns them into whh's and bhh's
   * gradients with one product and one sum) and of h0 (N, H).
   */
  gruSequenceGrad: { reverse: boolean };
  /**
   * One direction of an Elman RNN layer over a whole sequence (ops/rnn-sequence.ts): gi (T, N, H),
   * each step's x_t·W_ihᵀ + b_ih + b_hh, the recurrent weight whh (H, H) and the initial state h0
   * (N, H) → (T + 1, N, H): the hidden states in time order with the initial one at the end the
   * direction starts from (plane 0 forward, plane T with `reverse`; gru-sequence-layout.ts's
   * states). Step t: h' = tanh(gi_t + h·whhᵀ), or relu with `relu`. Nothing else is saved: the
   * gradient reads the activation's slope off h'.
   */
  rnnSequence: { reverse: boolean; relu: boolean };
  /**
   * Its vector-Jacobian product, from three inputs: rnnSequence's output (T + 1, N, H), whh (H, H)
   * and the gradient g of that output (T + 1, N, H) → (T·N·H + N·H) holding the gradients of gi
   * (T, N, H; also those of each step's pre-activation, from which the op makes whh's with one
   * product) and of h0 (N, H).
   */
  rnnSequenceGrad: { reverse: boolean; relu: boolean };
  /**
   * GELU in one pass (ops/gelu.ts): x·Φ(x), or its tanh approximation, with Φ's argument clamped
   * to ±GELU_FLAT as the composite clamps it; same shape and float dtype out, or (2, ...x's shape)
   * when a gradient will be needed: y, then the slope gelu′(x) (in float64, rounded to the dtype;
   * the x·Φ′ term only where |x| ≤ GELU_FLAT), so the backward pass is one product g·gelu′(x).
   */
  gelu: { approximate: GeluApproximate };
  /**
   * Layer normalization with its affine transform in one pass (ops/norm.ts): x (..., *ns), weight
   * and bias (*ns), D = their size → y (x's shape), each row of D features
   * (x − μ)/√(σ² + eps)·weight + bias with the row's mean μ and biased variance σ² (each rounded
   * to the dtype, as composed), in float64 and rounded once to the float dtype.
   */
  layerNorm: { eps: number };
  /**
   * Its vector-Jacobian product in one pass: x (..., *ns), weight (*ns) and the gradient g of y
   * (x's shape) → (R·D + 2D) holding the gradients of x, weight and bias in that order (R rows).
   */
  layerNormGrad: { eps: number };
  /**
   * Softmax over the last dim in one pass (ops/softmax.ts): exp(x − max)/Σ exp(x − max), or with
   * `log` (x − max) − log Σ exp(x − max), each row in float64 and rounded once; same shape and float
   * dtype out. A row holding NaN or +∞, or only −∞, gives NaN throughout, as composed.
   */
  softmax: { log: boolean };
  /**
   * Its vector-Jacobian product from the output y and its gradient g (one shape) → dx:
   * y·(g − Σ g·y) per row, or with `log` g − exp(y)·Σ g.
   */
  softmaxGrad: { log: boolean };
};

/** 'none': the exact x·Φ(x); 'tanh': 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (GPT-2's form). */
export type GeluApproximate = 'none' | 'tanh';

/** Sliding-window geometry per spatial dim (symmetric zero padding), as in torch.nn.functional.unfold. */
export interface WindowAttrs { kernel: number[]; stride: number[]; padding: number[]; dilation: number[] }

export type PrimOp = keyof PrimAttrs;
/** Primitives the backend runs (reshape only relabels the storage). */
export type KernelOp = Exclude<PrimOp, 'reshape'>;
