// An ONNX graph under construction: nodes, initializers (weights and constants) and unique value
// names, encoded to ModelProto bytes with protobufjs and the schema in schema.ts.
import { AxonError, DTypeError, ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ONNX_DTYPE, onnxType } from './schema.js';

/** An attribute value, tagged with its AttributeProto type. */
export type Attr = { i: number } | { f: number } | { ints: readonly number[] } | { floats: readonly number[] } | { s: string } | { strings: readonly string[] };
export const int = (i: number): Attr => ({ i });
export const float = (f: number): Attr => ({ f });
export const ints = (v: readonly number[]): Attr => ({ ints: v });
export const strings = (v: readonly string[]): Attr => ({ strings: v });

const ATTR_TYPE = { f: 1, i: 2, s: 3, floats: 6, ints: 7, strings: 8 } as const;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function attrProto(name: string, a: Attr): Record<string, unknown> {
  const [key, v] = Object.entries(a)[0] as [keyof typeof ATTR_TYPE, unknown];
  const value = key === 's' ? utf8(v as string) : key === 'strings' ? (v as string[]).map(utf8) : v;
  return { name, type: ATTR_TYPE[key], [key]: value };
}

/** A graph input or output: name, element type and dims (a string is a symbolic, dynamic dim). */
export interface ValueInfo { name: string; dtype: keyof typeof ONNX_DTYPE; dims: readonly (number | string)[] }

function valueInfoProto(v: ValueInfo): Record<string, unknown> {
  const dim = v.dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d }));
  return { name: v.name, type: { tensor_type: { elem_type: ONNX_DTYPE[v.dtype], shape: { dim } } } };
}

/** ONNX IR version that goes with an opset (onnx/docs/Versioning.md). */
export function irVersionFor(opset: number): number {
  return opset >= 21 ? 10 : opset >= 19 ? 9 : opset >= 15 ? 8 : 7;
}

export class OnnxGraph {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly used = new Set<string>();
  private readonly consts = new Map<string, string>();

  constructor(readonly opset: number) {}

  /** A value name not used before, from `base` ('fc1/MatMul' → 'fc1/MatMul_1' when taken). */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** A float32 initializer named after `base`, from numbers. */
  floats(base: string, data: ArrayLike<number>, dims: readonly number[]): string {
    const name = this.fresh(base);
    const f32 = Float32Array.from(data);
    this.initializers.push({ name, data_type: ONNX_DTYPE.float32, dims: [...dims], raw_data: new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength) });
    return name;
  }

  /** A float32 initializer holding a tensor's values (a weight); float32 tensors only. */
  weight(base: string, t: Tensor): string {
    if (t.dtype !== 'float32') throw new DTypeError('exportOnnx', `${base} is ${t.dtype}; ONNX export writes float32 models: convert the model's parameters to float32 first`);
    return this.floats(base, t.data() as Float32Array, t.shape);
  }

  /** An int64 constant (shared between uses), for shapes, axes, starts and ends. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    const have = this.consts.get(key);
    if (have) return have;
    const name = this.fresh(`const_i64_${values.join('_').replace(/-/g, 'm') || 'empty'}`);
    this.initializers.push({ name, data_type: ONNX_DTYPE.int64, dims: [...dims], int64_data: [...values] });
    this.consts.set(key, name);
    return name;
  }

  /** A float32 scalar constant (shared between uses). */
  scalar(v: number): string {
    const key = `f:${v}`;
    const have = this.consts.get(key);
    if (have) return have;
    const name = this.floats(`const_f_${String(v).replace(/[^0-9a-z]/gi, '_')}`, [v], []);
    this.consts.set(key, name);
    return name;
  }

  /** Add a node; returns its output names ('' in `inputs` is an omitted optional input). */
  node(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, { outputs = 1, name = opType }: { outputs?: number; name?: string } = {}): string[] {
    const nodeName = this.fresh(name);
    const outs = Array.from({ length: outputs }, (_, k) => (k === 0 ? nodeName : this.fresh(`${nodeName}:${k}`)));
    this.nodes.push({ op_type: opType, name: nodeName, input: [...inputs], output: outs, attribute: Object.entries(attrs).map(([k, a]) => attrProto(k, a)) });
    return outs;
  }

  /** Add a one-output node; returns its output name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, name = opType): string {
    return this.node(opType, inputs, attrs, { name })[0]!;
  }

  /** Reserve a graph input or output name. */
  input(name: string): string {
    if (this.used.has(name)) throw new ValueError('exportOnnx', `the name '${name}' is used twice; give distinct inputNames and outputNames`);
    this.used.add(name);
    return name;
  }

  /** Make `src` a graph output named `name` (reserved beforehand with `input`). */
  output(src: string, name: string): void {
    this.nodes.push({ op_type: 'Identity', name: `${name}/Identity`, input: [src], output: [name], attribute: [] });
  }

  /** ModelProto bytes for this graph with the given inputs and outputs. */
  encode(inputs: readonly ValueInfo[], outputs: readonly ValueInfo[], { producerVersion = '', docString = '' } = {}): Uint8Array {
    const Model = onnxType('ModelProto');
    const model = {
      ir_version: irVersionFor(this.opset),
      opset_import: [{ domain: '', version: this.opset }],
      producer_name: 'axon',
      producer_version: producerVersion,
      doc_string: docString,
      graph: {
        name: 'axon',
        node: this.nodes,
        initializer: this.initializers,
        input: inputs.map(valueInfoProto),
        output: outputs.map(valueInfoProto),
      },
    };
    const err = Model.verify(model);
    if (err) throw new AxonError('exportOnnx', `internal error, the ModelProto does not match the schema: ${err}`);
    return Model.encode(Model.fromObject(model)).finish();
  }
}
