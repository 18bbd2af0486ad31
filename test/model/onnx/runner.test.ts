import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KvCache, positionsFromMask } from '../../../src/model/forward/context.js';
import type { ForwardObserver } from '../../../src/model/forward/observer.js';
import { AmaxObserver } from '../../../src/model/forward/observers/amax.js';
import { ReferenceModel } from '../../../src/model/forward/reference.js';
import { GraphAmaxObserver } from '../../../src/model/onnx/graph-observer.js';
import { OnnxModel } from '../../../src/model/onnx/runner.js';
import { synthCheckpoint } from '../../../src/model/synth.js';
import { maxAbsDiff } from './dense-layer-reference.js';
import { removeTinyCheckpoints, tinyCheckpoint } from './tiny-checkpoints.js';
import { scratchDir } from '../helpers.js';

after(removeTinyCheckpoints);

const B = 2;
const S = 7;
const ids = Array.from({ length: B * S }, (_, i) => ((i * 37) % 300) + 3);
/** Row 1 starts with three padding tokens. */
const leftPadded = Uint8Array.from({ length: B * S }, (_, i) => (i >= S && i < S + 3 ? 0 : 1));

async function both(
  dir: string,
): Promise<{ ref: ReferenceModel; onnx: OnnxModel; close: () => Promise<void> }> {
  const ref = ReferenceModel.open(dir);
  const onnx = await OnnxModel.open(dir);
  return { ref, onnx, close: async () => (await onnx.close(), ref.close()) };
}

for (const arch of ['llama', 'qwen2', 'qwen3', 'mistral', 'mixtral', 'qwen3_moe'] as const) {
  test(`${arch}: logits and every observed amax match the reference forward (left padding)`, async () => {
    const { ref, onnx, close } = await both(tinyCheckpoint(arch));
    const o1 = new AmaxObserver();
    const o2 = new AmaxObserver();
    const want = ref.forward(ids, { batch: B, seq: S, attentionMask: leftPadded, observer: o1 });
    const got = await onnx.forward(ids, { batch: B, seq: S, attentionMask: leftPadded, observer: o2 });
    assert.ok(maxAbsDiff(got, want) <= 1e-4);
    assert.deepEqual([...o2.stats.keys()], [...o1.stats.keys()], 'same points, same order');
    for (const [name, s] of o1.stats) {
      const g = o2.stats.get(name)!;
      assert.equal(g.rows, s.rows, name);
      assert.ok(Math.abs(g.amax - s.amax) <= 1e-5 && maxAbsDiff(g.channelAmax, s.channelAmax) <= 1e-5, name);
    }
    const moe = arch === 'mixtral' || arch === 'qwen3_moe';
    assert.equal(
      onnx.compiledGraphs,
      moe ? 2 : 1,
      'one layer graph (and one expert graph) serve every layer',
    );
    await close();
  });
}

test('transforming observers: replaced tensors flow on through the layer exactly as in the reference', async () => {
  const { ref, onnx, close } = await both(tinyCheckpoint('qwen3'));
  const make = (): ForwardObserver & { seen: string[] } => {
    const seen: string[] = [];
    return {
      seen,
      wants: (n) => /q_proj\.input|k_bmm|o_proj\.output|down_proj\.input/.test(n),
      observe: (n) => void seen.push(n),
      transform: (n, x) =>
        n.includes('k_bmm')
          ? x.map((v) => v * 0.5)
          : n.includes('down')
            ? x.map((v) => Math.round(v * 50) / 50)
            : undefined,
    };
  };
  const o1 = make();
  const o2 = make();
  const want = ref.forward(ids, { batch: B, seq: S, observer: o1 });
  const got = await onnx.forward(ids, { batch: B, seq: S, observer: o2 });
  assert.ok(
    maxAbsDiff(want, ref.forward(ids, { batch: B, seq: S })) > 1e-3,
    'the transforms change the logits',
  );
  assert.ok(maxAbsDiff(got, want) <= 1e-4);
  assert.deepEqual(o2.seen, o1.seen);
  await close();
});

test('mayTransform: points declared observe-only are not cut (one segment), and their transform is not called', async () => {
  const { ref, onnx, close } = await both(tinyCheckpoint('llama'));
  let transformed = 0;
  const obs = {
    wants: (n: string) => n.includes('down_proj.input'),
    observe: () => undefined,
    transform: () => (transformed++, undefined),
    mayTransform: () => false,
  };
  const got = await onnx.forward(ids, { batch: B, seq: S, observer: obs });
  assert.equal(transformed, 0);
  assert.ok(maxAbsDiff(got, ref.forward(ids, { batch: B, seq: S })) <= 1e-4);
  await close();
});

test('GraphAmaxObserver reduces on-graph and agrees with AmaxObserver (padding skipped)', async () => {
  const { onnx, close } = await both(tinyCheckpoint('llama'));
  const full = new AmaxObserver();
  const reduced = new GraphAmaxObserver((n) => n.startsWith('model.layers.'));
  await onnx.forward(ids, { batch: B, seq: S, attentionMask: leftPadded, observer: full });
  await onnx.forward(ids, { batch: B, seq: S, attentionMask: leftPadded, observer: reduced });
  assert.equal(reduced.amax.size, 2 * 17);
  for (const [name, amax] of reduced.amax) {
    const s = full.stats.get(name)!;
    assert.ok(Math.abs(amax - s.amax) <= 1e-5, name);
    assert.ok(maxAbsDiff(reduced.channelAmax.get(name)!, s.channelAmax) <= 1e-5, name);
  }
  await close();
});

test('per-row positions and a sliding window shorter than the sequence', async () => {
  const { dir, cleanup } = scratchDir('onnx-window');
  synthCheckpoint({ arch: 'mistral', preset: 'tiny', outDir: dir, seed: 2, dtype: 'bf16' });
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), sliding_window: 3 }),
  );
  const { ref, onnx, close } = await both(dir);
  // Row 1 gets uneven gaps (RoPE is shift-invariant, so only uneven positions change the result).
  const positionIds = Int32Array.from([
    ...positionsFromMask(leftPadded, B, S).subarray(0, S),
    1,
    1,
    1,
    0,
    2,
    5,
    6,
  ]);
  const input = { batch: B, seq: S, attentionMask: leftPadded, positionIds };
  const want = ref.forward(ids, input);
  assert.ok(
    maxAbsDiff(want, ref.forward(ids, { batch: B, seq: S, attentionMask: leftPadded })) > 1e-4,
    'positions matter',
  );
  assert.ok(maxAbsDiff(await onnx.forward(ids, input), want) <= 1e-4);
  await close();
  cleanup();
});

test('bad calls give clear MoptErrors: KV cache, wrong hidden size, a transform of the wrong length', async () => {
  const { onnx, close } = await both(tinyCheckpoint('llama'));
  const cache = new KvCache(onnx.arch, 1, 8);
  assert.throws(() => onnx.context({ batch: 1, seq: 2, cache }), { code: 'onnx-no-kv-cache' });
  const ctx = onnx.context({ batch: 1, seq: 2 });
  await assert.rejects(onnx.runLayer(0, new Float32Array(5), ctx), {
    code: 'bad-batch',
    message: /layer 0: hidden has 5 values/,
  });
  await assert.rejects(onnx.forward([1, 2, 3], { batch: 1, seq: 2 }), { code: 'bad-batch' });
  const shrinking: ForwardObserver = {
    wants: (n) => n.endsWith('k_bmm_quantizer'),
    transform: (_n, x) => x.subarray(1),
  };
  await assert.rejects(onnx.forward([1, 2], { batch: 1, seq: 2, observer: shrinking }), {
    code: 'observer-transform',
    message: /transform of "model\.layers\.0\.self_attn\.k_bmm_quantizer" returned 63 values, expected 64/,
  });
  await close();
});

test('weight transforms (layers and a tied lm_head) and a subset of logit rows match the reference', async () => {
  const { ref, onnx, close } = await both(tinyCheckpoint('qwen2'));
  const round = (w: Float32Array): Float32Array => w.map((v) => Math.round(v * 64) / 64);
  const plain = await onnx.forward(ids, { batch: B, seq: S });
  ref.setWeightTransform(round);
  onnx.setWeightTransform(round);
  const rows = [3, 13, 0];
  const want = ref.forward(ids, { batch: B, seq: S }, rows);
  const got = await onnx.forward(ids, { batch: B, seq: S }, rows);
  assert.equal(got.length, rows.length * onnx.arch.vocab);
  assert.ok(maxAbsDiff(got, want) <= 1e-4);
  const plainRows = rows.flatMap((r) => [...plain.subarray(r * onnx.arch.vocab, (r + 1) * onnx.arch.vocab)]);
  assert.ok(maxAbsDiff(got, plainRows) > 1e-3, 'the transform took effect');
  await close();
});

test('MoE with every expert on every token: outputs, expert points and their expert index match', async () => {
  const { ref, onnx, close } = await both(tinyCheckpoint('qwen3_moe'));
  const record = (): ForwardObserver & { seen: string[]; amax: number[] } => {
    const seen: string[] = [];
    const amax: number[] = [];
    return {
      seen,
      amax,
      wants: (n) => n.includes('.experts.'),
      observe: (n, x, shape, info) => {
        seen.push(`${n}|${info.expert}|${shape.join('x')}`);
        amax.push(x.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
      },
    };
  };
  const o1 = record();
  const o2 = record();
  const input = { batch: B, seq: S, attentionMask: leftPadded, moeAllExperts: true };
  const want = ref.forward(ids, { ...input, observer: o1 });
  const got = await onnx.forward(ids, { ...input, observer: o2 });
  assert.ok(maxAbsDiff(got, want) <= 1e-4);
  assert.equal(o2.seen.length, 2 * 4 * 6, 'layers x experts x points');
  assert.deepEqual(o2.seen, o1.seen);
  assert.ok(maxAbsDiff(o2.amax, o1.amax) <= 1e-5);
  assert.ok(maxAbsDiff(o2.amax, o1.amax) <= 1e-5);
  await close();
});
