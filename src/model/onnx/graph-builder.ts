/**
 * A small DSL over the ONNX encoder so layer graphs read like the math:
 * `const y = g.op('MatMul', [x, w])`, `g.output(y, 'float', ['tokens', 64])`, `g.build()`.
 */
import { MoptError } from '../../errors.js';
import {
  ONNX_DTYPE,
  type AttributeSpec,
  DEFAULT_OPSET,
  encodeModel,
  type NodeSpec,
  type OnnxDtype,
  type TensorProtoSpec,
  type ValueInfoSpec,
} from './proto.js';

export type Dim = number | string;

/** Plain numbers are INT attributes and number arrays INTS; wrap floats with `floatAttr` / `floatsAttr`. */
export type AttrValue = number | string | readonly number[] | AttributeSpec;

export const floatAttr = (value: number): AttributeSpec => ({ kind: 'float', value });
export const floatsAttr = (value: readonly number[]): AttributeSpec => ({ kind: 'floats', value });
export const tensorAttr = (value: TensorProtoSpec): AttributeSpec => ({ kind: 'tensor', value });

function toAttribute(op: string, key: string, v: AttrValue): AttributeSpec {
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'number') {
    if (!Number.isInteger(v))
      throw new MoptError('onnx-bad-attribute', `${op}.${key}=${v}: write float attributes as floatAttr(x)`, {
        exitCode: 1,
      });
    return { kind: 'int', value: v };
  }
  if (Array.isArray(v)) return { kind: 'ints', value: v as readonly number[] };
  return v as AttributeSpec;
}

/** Little-endian bytes of a typed array (a view, no copy). */
export function typedBytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export interface NodeOptions {
  /** Number of outputs (default 1). */
  outputs?: number;
  domain?: string;
  /** Base for the generated output names (default: the op type in lower case). */
  label?: string;
}

/** Ops whose output element type is fixed rather than that of their first input. */
const FIXED_OUTPUT_TYPE: Record<string, OnnxDtype> = {
  Shape: 'int64',
  Size: 'int64',
  Greater: 'bool',
  Less: 'bool',
  Equal: 'bool',
  GreaterOrEqual: 'bool',
  LessOrEqual: 'bool',
  Not: 'bool',
};

/** Value names shared by several graphs that pass values to each other (see segmented-builder.ts). */
export class NameRegistry {
  readonly names = new Set<string>();
  counter = 0;
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly inits: TensorProtoSpec[] = [];
  private readonly inputs: ValueInfoSpec[] = [];
  private readonly outputs: ValueInfoSpec[] = [];
  private readonly names: Set<string>;
  private readonly constCache = new Map<string, string>();
  /** Element type of every value defined or imported here. */
  private readonly dtypes = new Map<string, OnnxDtype>();
  private readonly registry: NameRegistry;

  constructor(
    readonly name: string,
    readonly opset = DEFAULT_OPSET,
    registry: NameRegistry = new NameRegistry(),
  ) {
    this.registry = registry;
    this.names = registry.names;
  }

  /** The element type of a value of this graph (undefined when unknown here). */
  dtypeOf(value: string): OnnxDtype | undefined {
    return this.dtypes.get(value);
  }

  hasInput(name: string): boolean {
    return this.inputs.some((i) => i.name === name);
  }

  /** Declares as an input a value that another graph of the same registry produces (no new name is claimed). */
  importValue(name: string, dtype: OnnxDtype): string {
    if (!this.hasInput(name)) {
      this.inputs.push({ name, dtype, dims: undefined });
      this.dtypes.set(name, dtype);
    }
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name))
      throw new MoptError('onnx-duplicate-name', `graph ${this.name}: value "${name}" is defined twice`, {
        exitCode: 1,
      });
    this.names.add(name);
    return name;
  }

  private fresh(label: string): string {
    let name: string;
    do name = `${label}_${this.registry.counter++}`;
    while (this.names.has(name));
    return this.claim(name);
  }

  /** A graph input; `dims` undefined leaves the shape unstated. */
  input(name: string, dtype: OnnxDtype, dims: readonly Dim[] | undefined): string {
    this.inputs.push({ name: this.claim(name), dtype, dims });
    this.dtypes.set(name, dtype);
    return name;
  }

  /** A constant stored in the model. */
  initializer(name: string, dtype: OnnxDtype, dims: readonly number[], data: ArrayBufferView): string {
    this.inits.push({ name: this.claim(name), dtype, dims, raw: typedBytes(data).slice() });
    this.dtypes.set(name, dtype);
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, slice bounds); equal constants are shared. */
  ints(values: readonly number[]): string {
    const key = `i64:${values.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('const_i64');
    this.dtypes.set(name, 'int64');
    this.inits.push({
      name,
      dtype: 'int64',
      dims: [values.length],
      raw: typedBytes(BigInt64Array.from(values, (v) => BigInt(v))),
    });
    this.constCache.set(key, name);
    return name;
  }

  /** A float32 scalar constant; equal constants are shared. */
  scalar(value: number): string {
    const key = `f32:${value}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('const_f32');
    this.dtypes.set(name, 'float');
    this.inits.push({ name, dtype: 'float', dims: [], raw: typedBytes(Float32Array.of(value)) });
    this.constCache.set(key, name);
    return name;
  }

  /** Adds a node and returns its output names ('' in inputs marks an omitted optional input). */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    options: NodeOptions = {},
  ): string[] {
    const label = options.label ?? opType.toLowerCase();
    const outputs = Array.from({ length: options.outputs ?? 1 }, () => this.fresh(label));
    const attributes = new Map(
      Object.entries(attrs).map(([k, v]) => [k, toAttribute(opType, k, v)] as const),
    );
    const outType = outputType(
      opType,
      attributes,
      inputs[0] === undefined ? undefined : this.dtypes.get(inputs[0]),
    );
    for (const o of outputs) if (outType) this.dtypes.set(o, outType);
    this.nodes.push({
      opType,
      inputs,
      outputs,
      name: outputs[0]!,
      attributes,
      ...(options.domain !== undefined ? { domain: options.domain } : {}),
    });
    return outputs;
  }

  /** A single-output node. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    label?: string,
  ): string {
    return this.node(opType, inputs, attrs, label === undefined ? {} : { label })[0]!;
  }

  /**
   * Declares `value` a graph output named `name` (an Identity renames it when the names differ). The element
   * type defaults to the value's own; dims may be left unstated.
   */
  output(value: string, dims?: readonly Dim[], name: string = value, dtype?: OnnxDtype): string {
    const type = dtype ?? this.dtypes.get(value);
    if (!type)
      throw new MoptError('onnx-unknown-type', `graph ${this.name}: element type of "${value}" is unknown`, {
        exitCode: 1,
      });
    if (this.outputs.some((o) => o.name === name)) return name;
    if (name !== value) {
      this.nodes.push({ opType: 'Identity', inputs: [value], outputs: [this.claim(name)], name });
      this.dtypes.set(name, type);
    }
    this.outputs.push({ name, dtype: type, dims });
    return name;
  }

  get outputNames(): string[] {
    return this.outputs.map((o) => o.name);
  }

  build(): Uint8Array {
    return encodeModel({
      graph: {
        name: this.name,
        nodes: this.nodes,
        initializers: this.inits,
        inputs: this.inputs,
        outputs: this.outputs,
      },
      opsets: new Map([['', this.opset]]),
    });
  }
}

const CODE_TO_DTYPE = new Map(Object.entries(ONNX_DTYPE).map(([k, v]) => [v as number, k as OnnxDtype]));

function outputType(
  opType: string,
  attributes: ReadonlyMap<string, AttributeSpec>,
  firstInput: OnnxDtype | undefined,
): OnnxDtype | undefined {
  if (opType === 'Cast') {
    const to = attributes.get('to');
    return to?.kind === 'int' ? CODE_TO_DTYPE.get(to.value) : undefined;
  }
  return FIXED_OUTPUT_TYPE[opType] ?? firstInput;
}
