/**
 * A minimal protobuf writer and the ONNX messages our graphs need (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto). Field numbers follow onnx/onnx.proto.
 */

/** Wire types of the protobuf encoding. */
const VARINT = 0;
const FIXED32 = 5;
const LEN = 2;

/** Growable byte sink with the three protobuf primitives we use: varint, fixed32, length-delimited. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned or (two's-complement, 10-byte) negative 64-bit integer. */
  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, VARINT);
    return this.varint(value);
  }

  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.bytes(field, data);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** TensorProto.DataType codes (the subset mopt uses, plus the 8-bit float types). */
export const ONNX_DTYPE = {
  float: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  double: 11,
  bfloat16: 16,
  float8e4m3fn: 17,
  float8e5m2: 19,
} as const;
export type OnnxDtype = keyof typeof ONNX_DTYPE;

/** A tensor stored in the model (initializer or attribute value); `raw` is little-endian element bytes. */
export interface TensorProtoSpec {
  name?: string;
  dtype: OnnxDtype;
  dims: readonly number[];
  raw: Uint8Array;
}

export function encodeTensor(t: TensorProtoSpec): Uint8Array {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, ONNX_DTYPE[t.dtype]);
  if (t.name !== undefined) w.string(8, t.name);
  w.bytes(9, t.raw);
  return w.finish();
}

/** One AttributeProto value; the kind fixes both the field used and AttributeProto.type. */
export type AttributeSpec =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: TensorProtoSpec }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'ints'; value: readonly number[] };

/** AttributeProto.AttributeType codes. */
const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

export function encodeAttribute(name: string, a: AttributeSpec): Uint8Array {
  const w = new ProtoWriter().string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.bytes(5, encodeTensor(a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
  return w.int(20, ATTR_TYPE[a.kind]).finish();
}

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: ReadonlyMap<string, AttributeSpec>;
}

export function encodeNode(n: NodeSpec): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of n.attributes ?? []) w.bytes(5, encodeAttribute(name, a));
  if (n.domain !== undefined) w.string(7, n.domain);
  return w.finish();
}

/** A graph input/output/value_info: element type and a shape whose dims are sizes or symbolic names. */
export interface ValueInfoSpec {
  name: string;
  dtype: OnnxDtype;
  /** undefined = shape not stated (any rank). */
  dims: readonly (number | string)[] | undefined;
}

export function encodeValueInfo(v: ValueInfoSpec): Uint8Array {
  const tensorType = new ProtoWriter().int(1, ONNX_DTYPE[v.dtype]);
  if (v.dims) {
    const shape = new ProtoWriter();
    for (const d of v.dims) {
      const dim = new ProtoWriter();
      if (typeof d === 'number') dim.int(1, d);
      else dim.string(2, d);
      shape.bytes(1, dim.finish());
    }
    tensorType.bytes(2, shape.finish());
  }
  const type = new ProtoWriter().bytes(1, tensorType.finish());
  return new ProtoWriter().string(1, v.name).bytes(2, type.finish()).finish();
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorProtoSpec[];
  inputs: readonly ValueInfoSpec[];
  outputs: readonly ValueInfoSpec[];
  valueInfo?: readonly ValueInfoSpec[];
}

export function encodeGraph(g: GraphSpec): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.bytes(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.bytes(5, encodeTensor(t));
  for (const v of g.inputs) w.bytes(11, encodeValueInfo(v));
  for (const v of g.outputs) w.bytes(12, encodeValueInfo(v));
  for (const v of g.valueInfo ?? []) w.bytes(13, encodeValueInfo(v));
  return w.finish();
}

/** IR version 10 is the one that introduced opset 21. */
export const DEFAULT_IR_VERSION = 10;
export const DEFAULT_OPSET = 21;

export interface ModelSpec {
  graph: GraphSpec;
  irVersion?: number;
  /** domain ('' = ai.onnx) → opset version. */
  opsets?: ReadonlyMap<string, number>;
  producerName?: string;
}

export function encodeModel(m: ModelSpec): Uint8Array {
  const w = new ProtoWriter().int(1, m.irVersion ?? DEFAULT_IR_VERSION);
  w.string(2, m.producerName ?? 'mopt');
  w.bytes(7, encodeGraph(m.graph));
  for (const [domain, version] of m.opsets ?? new Map([['', DEFAULT_OPSET]])) {
    w.bytes(8, new ProtoWriter().string(1, domain).int(2, version).finish());
  }
  return w.finish();
}
