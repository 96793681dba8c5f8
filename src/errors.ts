// Typed errors: every message names the op or layer, the shapes/dtypes/values at fault, and a fix.

/** Base class of every error Axon throws on purpose. `op` names the operation or layer at fault. */
export class AxonError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'AxonError';
    this.op = op;
  }
}

/** Shapes that do not fit the op (broadcasting, matmul inner dims, reshape sizes, dims out of range). */
export class ShapeError extends AxonError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'ShapeError';
  }
}

/** A dtype the op can not take (e.g. float indices, int inputs to a float-only op). */
export class DTypeError extends AxonError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'DTypeError';
  }
}

/** A value the op can not take (negative sizes, NaN in data, out-of-range indices, bad options). */
export class ValueError extends AxonError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'ValueError';
  }
}

/**
 * A synchronous read (`data()`, `toArray()`, `item()`) of a tensor on a backend whose memory the CPU
 * can only read asynchronously (WebGPU). The message names the async call to use instead.
 */
export class SyncReadError extends AxonError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'SyncReadError';
  }
}

/** A tensor whose memory was already released was used. */
export class UseAfterFreeError extends AxonError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'UseAfterFreeError';
  }
}

/** Autodiff misuse: backward on a non-scalar without a gradient, on a tensor that needs no grad, … */
export class GradError extends AxonError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'GradError';
  }
}

/**
 * backward() reached a node whose saved tensors were released by an earlier backward() through the
 * same graph (PyTorch's "Trying to backward through the graph a second time").
 */
export class GraphFreedError extends GradError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'GraphFreedError';
  }
}

/** A tensor an op saved for its gradient was written in place between the forward and backward(). */
export class InplaceModificationError extends GradError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'InplaceModificationError';
  }
}

/** Anomaly detection (`detectAnomaly`) found the first op whose result or gradient was NaN or infinite. */
export class AnomalyError extends AxonError {
  /** Where the op was created: the first frame of the calling code (e.g. `myLoss (file:line)`), if known. */
  readonly site: string | null;
  /** Whether the value appeared in the op's result ('forward') or in its gradient ('backward'). */
  readonly phase: 'forward' | 'backward';
  constructor(op: string, message: string, site: string | null, phase: 'forward' | 'backward') {
    super(op, message);
    this.name = 'AnomalyError';
    this.site = site;
    this.phase = phase;
  }
}

/**
 * Input past a size limit (bytes, pixels, parameters, tensors, columns, nesting depth) that a
 * loader checks before allocating. `limit` names the option that raises it (e.g. 'maxPixels').
 */
export class LimitError extends ValueError {
  readonly limit: string;
  readonly value: number;
  readonly max: number;
  constructor(op: string, what: string, limit: string, value: number, max: number) {
    super(op, `${what} is ${value}, over the limit of ${max}; pass { ${limit}: ${value} } (or more) to raise the limit if you trust the file`);
    this.name = 'LimitError';
    this.limit = limit;
    this.value = value;
    this.max = max;
  }
}
