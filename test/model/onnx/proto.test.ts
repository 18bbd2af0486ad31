import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSession, loadOrt, ortFromImport } from '../../../src/model/onnx/ort.js';
import {
  encodeAttribute,
  encodeModel,
  encodeNode,
  encodeTensor,
  encodeValueInfo,
  ProtoWriter,
} from '../../../src/model/onnx/proto.js';
import { fieldsOf, int64, packedVarints, readFields, text } from './proto-reader.js';

test('varints: small, multi-byte and negative int64 (10 bytes, two’s complement)', () => {
  assert.deepEqual([...new ProtoWriter().varint(1).finish()], [1]);
  assert.deepEqual([...new ProtoWriter().varint(300).finish()], [0xac, 0x02]);
  const neg = new ProtoWriter().varint(-1).finish();
  assert.equal(neg.length, 10);
  assert.deepEqual([...neg], [255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
  assert.deepEqual(
    packedVarints(
      new ProtoWriter()
        .varint(-2)
        .varint(2 ** 40)
        .finish(),
    ),
    [-2, 2 ** 40],
  );
});

test('fixed32 float and length-delimited fields carry tag, length and little-endian bytes', () => {
  const bytes = new ProtoWriter().float(2, 1.5).string(1, 'ab').finish();
  assert.deepEqual([...bytes], [0x15, 0, 0, 0xc0, 0x3f, 0x0a, 2, 97, 98]);
});

test('TensorProto: packed dims, data_type, name and raw_data', () => {
  const raw = new Uint8Array(Float32Array.of(1, 2, 3, 4, 5, 6).buffer);
  const t = encodeTensor({ name: 'W', dtype: 'float', dims: [2, 3], raw });
  assert.deepEqual(packedVarints(fieldsOf(t, 1)[0]!.value as Uint8Array), [2, 3]);
  assert.equal(fieldsOf(t, 2)[0]!.value, 1n);
  assert.equal(text(fieldsOf(t, 8)[0]!), 'W');
  assert.deepEqual([...(fieldsOf(t, 9)[0]!.value as Uint8Array)], [...raw]);
});

test('AttributeProto: each kind writes its own field and type code', () => {
  const cases = [
    [{ kind: 'float', value: 0.5 }, 2, 1],
    [{ kind: 'int', value: -1 }, 3, 2],
    [{ kind: 'string', value: 'x' }, 4, 3],
    [{ kind: 'tensor', value: { dtype: 'int64', dims: [1], raw: new Uint8Array(8) } }, 5, 4],
    [{ kind: 'floats', value: [1, 2] }, 7, 6],
    [{ kind: 'ints', value: [0, -3] }, 8, 7],
  ] as const;
  for (const [spec, field, type] of cases) {
    const a = encodeAttribute('a', spec);
    assert.equal(text(fieldsOf(a, 1)[0]!), 'a');
    assert.equal(fieldsOf(a, field).length, 1, spec.kind);
    assert.equal(fieldsOf(a, 20)[0]!.value, BigInt(type), spec.kind);
  }
  assert.equal(int64(fieldsOf(encodeAttribute('axis', { kind: 'int', value: -1 }), 3)[0]!), -1);
  assert.deepEqual(
    packedVarints(
      fieldsOf(encodeAttribute('p', { kind: 'ints', value: [0, -3] }), 8)[0]!.value as Uint8Array,
    ),
    [0, -3],
  );
});

test('NodeProto and ValueInfoProto (symbolic and fixed dims, or no shape)', () => {
  const n = encodeNode({ opType: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], name: 'g', domain: '' });
  assert.deepEqual(fieldsOf(n, 1).map(text), ['x', 'w']);
  assert.deepEqual(fieldsOf(n, 2).map(text), ['y']);
  assert.equal(text(fieldsOf(n, 4)[0]!), 'Gemm');
  const v = encodeValueInfo({ name: 'h', dtype: 'float16', dims: ['batch', 64] });
  const tensorType = fieldsOf(fieldsOf(v, 2)[0]!.value as Uint8Array, 1)[0]!.value as Uint8Array;
  assert.equal(fieldsOf(tensorType, 1)[0]!.value, 10n);
  const dims = fieldsOf(fieldsOf(tensorType, 2)[0]!.value as Uint8Array, 1).map(
    (d) => readFields(d.value as Uint8Array)[0]!,
  );
  assert.equal(text(dims[0]!), 'batch');
  assert.equal(dims[1]!.value, 64n);
  const noShape = encodeValueInfo({ name: 'h', dtype: 'float', dims: undefined });
  assert.equal(
    fieldsOf(fieldsOf(fieldsOf(noShape, 2)[0]!.value as Uint8Array, 1)[0]!.value as Uint8Array, 2).length,
    0,
  );
});

test('a hand-encoded MatMul model runs on onnxruntime and gives A·B', async () => {
  const model = encodeModel({
    graph: {
      name: 'mm',
      nodes: [{ opType: 'MatMul', inputs: ['A', 'B'], outputs: ['Y'] }],
      initializers: [
        {
          name: 'B',
          dtype: 'float',
          dims: [3, 2],
          raw: new Uint8Array(Float32Array.of(1, 0, 0, 1, 1, 1).buffer),
        },
      ],
      inputs: [{ name: 'A', dtype: 'float', dims: ['n', 3] }],
      outputs: [{ name: 'Y', dtype: 'float', dims: ['n', 2] }],
    },
  });
  assert.equal(fieldsOf(model, 1)[0]!.value, 10n);
  const ort = await loadOrt();
  const session = await createSession(model, 'matmul');
  const r = await session.run({ A: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]) });
  assert.deepEqual([...(r.Y!.data as Float32Array)], [4, 5, 10, 11]);
  await session.release();
});

test('a model onnxruntime rejects becomes a MoptError naming the graph', async () => {
  const broken = encodeModel({
    graph: {
      name: 'bad',
      nodes: [{ opType: 'NoSuchOp', inputs: ['A'], outputs: ['Y'] }],
      initializers: [],
      inputs: [{ name: 'A', dtype: 'float', dims: [1] }],
      outputs: [{ name: 'Y', dtype: 'float', dims: [1] }],
    },
  });
  await assert.rejects(createSession(broken, 'broken test'), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'onnx-session-failed');
    assert.match(e.message, /broken test graph/);
    return true;
  });
});

test('a failed onnxruntime-node import becomes MoptError onnxruntime-unavailable with a hint', async () => {
  const failed = Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file'));
  await assert.rejects(
    ortFromImport(failed),
    (e: Error & { code?: string; hint?: string; exitCode?: number }) => {
      assert.equal(e.code, 'onnxruntime-unavailable');
      assert.match(e.message, /onnxruntime-node could not be loaded: libonnxruntime\.so\.1/);
      assert.match(e.hint ?? '', /reference forward/);
      assert.equal(e.exitCode, 1);
      return true;
    },
  );
});
