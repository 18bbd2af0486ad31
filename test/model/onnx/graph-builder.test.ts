import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rmsNorm } from '../../../src/model/forward/rmsnorm.js';
import {
  floatAttr,
  floatsAttr,
  GraphBuilder,
  tensorAttr,
  typedBytes,
} from '../../../src/model/onnx/graph-builder.js';
import { createSession, loadOrt, type OrtTensor } from '../../../src/model/onnx/ort.js';
import { REPLACED_SUFFIX, SegmentedBuilder } from '../../../src/model/onnx/segmented-builder.js';
import { maxAbsDiff } from './dense-layer-reference.js';

async function run(model: Uint8Array, feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> {
  const session = await createSession(model, 'test');
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

const data = (n: number, k = 0.37): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * k + 1));

test('RMSNorm from primitives matches the reference rmsNorm', async () => {
  const ort = await loadOrt();
  const g = new GraphBuilder('rms');
  const x = g.input('x', 'float', ['rows', 8]);
  const w = g.input('w', 'float', [8]);
  const variance = g.op('ReduceMean', [g.op('Mul', [x, x]), g.ints([-1])], { keepdims: 1 });
  const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(1e-6)])])]);
  g.output(g.op('Mul', [w, g.op('Mul', [x, inv])]), ['rows', 8], 'y');
  const xs = data(24);
  const ws = data(8, 1.1);
  const r = await run(g.build(), {
    x: new ort.Tensor('float32', xs, [3, 8]),
    w: new ort.Tensor('float32', ws, [8]),
  });
  assert.ok(maxAbsDiff(r.y!.data as Float32Array, rmsNorm(xs, ws, 8, 1e-6)) <= 1e-6);
});

test('ReduceMax(Abs) per tensor and per last-dim channel', async () => {
  const ort = await loadOrt();
  const g = new GraphBuilder('amax');
  const abs = g.op('Abs', [g.input('x', 'float', [2, 3])]);
  g.output(g.op('ReduceMax', [abs], { keepdims: 0 }), [], 'amax');
  g.output(g.op('ReduceMax', [abs, g.ints([0])], { keepdims: 0 }), [3], 'ch');
  const r = await run(g.build(), {
    x: new ort.Tensor('float32', Float32Array.of(1, -5, 2, -3, 4, 0.5), [2, 3]),
  });
  assert.deepEqual([...(r.amax!.data as Float32Array)], [5]);
  assert.deepEqual([...(r.ch!.data as Float32Array)], [3, 5, 2]);
});

test('attributes: floats need floatAttr, integers stay INT, arrays are INTS', async () => {
  const g = new GraphBuilder('attrs');
  const x = g.input('x', 'float', [2]);
  assert.throws(() => g.op('LeakyRelu', [x], { alpha: 0.5 }), {
    code: 'onnx-bad-attribute',
    message: /LeakyRelu\.alpha=0\.5/,
  });
  g.output(g.op('LeakyRelu', [x], { alpha: floatAttr(0.5) }), [2], 'y');
  const ort = await loadOrt();
  const r = await run(g.build(), { x: new ort.Tensor('float32', Float32Array.of(-2, 3), [2]) });
  assert.deepEqual([...(r.y!.data as Float32Array)], [-1, 3]);
});

test('names: duplicates are refused, constants are shared, element types are tracked', () => {
  const g = new GraphBuilder('names');
  const x = g.input('x', 'float', [2]);
  assert.throws(() => g.input('x', 'float', [2]), {
    code: 'onnx-duplicate-name',
    message: /"x" is defined twice/,
  });
  assert.equal(g.ints([1, 2]), g.ints([1, 2]));
  assert.notEqual(g.ints([1, 2]), g.ints([2, 1]));
  assert.equal(g.scalar(0.5), g.scalar(0.5));
  assert.equal(g.dtypeOf(g.op('Shape', [x])), 'int64');
  assert.equal(g.dtypeOf(g.op('Greater', [x, x])), 'bool');
  assert.equal(g.dtypeOf(g.op('Cast', [x], { to: 10 })), 'float16');
  assert.equal(g.dtypeOf(g.op('Neg', [x])), 'float');
});

test('a segmented chain gives the same result as one graph, with the cut value replaceable', async () => {
  const ort = await loadOrt();
  const build = (cut: boolean): Uint8Array[] => {
    const g = new SegmentedBuilder('chain');
    const x = g.input('x', 'float', [4]);
    const w = g.input('w', 'float', [4]);
    let y = g.op('Mul', [x, w]);
    if (cut) y = g.cut(y, 'mid', [4]);
    const z = g.op('Add', [g.op('Mul', [y, w]), x]);
    g.output(z, [4], 'z');
    return g.build();
  };
  const feeds = {
    x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [4]),
    w: new ort.Tensor('float32', Float32Array.of(2, 2, 2, 2), [4]),
  };
  const [single] = build(false);
  const expected = (await run(single!, feeds)).z!.data as Float32Array;
  const [first, second] = build(true);
  assert.ok(second, 'two segments');
  const mid = (await run(first!, feeds)).mid!;
  const z = (await run(second, { ...feeds, [`mid${REPLACED_SUFFIX}`]: mid })).z!.data as Float32Array;
  assert.deepEqual([...z], [...expected]);
  const replaced = new ort.Tensor('float32', Float32Array.of(0, 0, 0, 0), [4]);
  const z2 = (await run(second, { ...feeds, [`mid${REPLACED_SUFFIX}`]: replaced })).z!.data as Float32Array;
  assert.deepEqual([...z2], [1, 2, 3, 4]);
});

test('FLOATS and TENSOR attributes: Constant value_floats and value', async () => {
  const g = new GraphBuilder('consts');
  const a = g.op('Constant', [], { value_floats: floatsAttr([1.5, -2]) });
  const raw = typedBytes(Float32Array.of(3, 4));
  const b = g.op('Constant', [], { value: tensorAttr({ dtype: 'float', dims: [2], raw }) });
  assert.equal(g.dtypeOf(a), undefined, 'a Constant has no input to take its type from');
  g.output(g.op('Add', [a, b]), [2], 'y', 'float');
  const r = await run(g.build(), {});
  assert.deepEqual([...(r.y!.data as Float32Array)], [4.5, 2]);
});
