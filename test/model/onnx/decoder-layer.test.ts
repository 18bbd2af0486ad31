import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openCheckpoint } from '../../../src/model/checkpoint.js';
import { forwardArch } from '../../../src/model/forward/arch.js';
import { loadLayer } from '../../../src/model/forward/weights.js';
import {
  buildDecoderLayerGraph,
  DENSE_LAYER_POINTS,
  LAYER_OUTPUT,
  type LayerGraphOptions,
} from '../../../src/model/onnx/decoder-layer.js';
import { layerWeightFeeds } from '../../../src/model/onnx/layer-feeds.js';
import { createSession, loadOrt } from '../../../src/model/onnx/ort.js';
import { additiveCausalMask, ropeTables } from '../../../src/model/onnx/rope-mask.js';
import { maxAbs, maxAbsDiff, referenceDenseLayer } from './dense-layer-reference.js';
import { removeTinyCheckpoints, tinyCheckpoint } from './tiny-checkpoints.js';

after(removeTinyCheckpoints);

/** Reference tap name for each point of the graph. */
const REFERENCE_TAP: Record<string, string> = {
  'self_attn.q_proj.input_quantizer': 'attn_in',
  'self_attn.k_proj.input_quantizer': 'attn_in',
  'self_attn.v_proj.input_quantizer': 'attn_in',
  'self_attn.q_proj.output_quantizer': 'q_out',
  'self_attn.k_proj.output_quantizer': 'k_out',
  'self_attn.v_proj.output_quantizer': 'v_out',
  'self_attn.q_bmm_quantizer': 'q_rope',
  'self_attn.k_bmm_quantizer': 'k_rope',
  'self_attn.v_bmm_quantizer': 'v',
  'self_attn.o_proj.input_quantizer': 'o_in',
  'self_attn.o_proj.output_quantizer': 'o_out',
  'mlp.gate_proj.input_quantizer': 'mlp_in',
  'mlp.up_proj.input_quantizer': 'mlp_in',
  'mlp.gate_proj.output_quantizer': 'gate_out',
  'mlp.up_proj.output_quantizer': 'up_out',
  'mlp.down_proj.input_quantizer': 'down_in',
  'mlp.down_proj.output_quantizer': 'down_out',
};

async function runLayerGraph(
  arch: 'llama' | 'qwen2' | 'qwen3' | 'mistral',
  batch: number,
  seq: number,
  padded: boolean,
  options: LayerGraphOptions,
) {
  const ort = await loadOrt();
  const ckpt = openCheckpoint(tinyCheckpoint(arch));
  const a = forwardArch(ckpt.config);
  const w = loadLayer(ckpt, a, 1);
  ckpt.close();
  const graph = buildDecoderLayerGraph(a, options);
  assert.equal(graph.segments.length, 1);
  const session = await createSession(graph.segments[0]!, 'layer');
  const H = a.hidden;
  const hidden = Float32Array.from({ length: batch * seq * H }, (_, i) => Math.sin(i * 0.37) * 0.7);
  // Row 1 is left-padded by two tokens; row 0 is all text.
  const am = padded
    ? Uint8Array.from({ length: batch * seq }, (_, i) => (i >= seq && i < seq + 2 ? 0 : 1))
    : null;
  const rope = ropeTables(
    a.invFreq,
    a.ropeAttentionScaling,
    Int32Array.from({ length: seq }, (_, i) => i),
    1,
  );
  const valid = Float32Array.from({ length: batch * seq }, (_, i) => (am ? am[i]! : 1));
  const out = await session.run({
    ...layerWeightFeeds(ort, w, graph.weightNames, options.weightType),
    hidden: new ort.Tensor('float32', hidden, [batch, seq, H]),
    cos: new ort.Tensor('float32', rope.cos, rope.dims),
    sin: new ort.Tensor('float32', rope.sin, rope.dims),
    mask: new ort.Tensor('float32', additiveCausalMask(batch, seq, am ?? undefined, null), [
      batch,
      1,
      seq,
      seq,
    ]),
    row_valid: new ort.Tensor('float32', valid, [batch, seq]),
  });
  await session.release();
  const ref = referenceDenseLayer(a, w, hidden, batch, seq, am);
  return { out, ref, graph };
}

for (const arch of ['llama', 'qwen2', 'qwen3', 'mistral'] as const) {
  test(`${arch} tiny layer: next hidden and every point match the reference (f32, left padding)`, async () => {
    const points = DENSE_LAYER_POINTS.map(([point]) => ({
      point,
      full: true,
      amax: true,
      channelAmax: true,
    }));
    const { out, ref, graph } = await runLayerGraph(arch, 2, 7, true, { points });
    assert.ok(maxAbsDiff(out[LAYER_OUTPUT]!.data as Float32Array, ref.out) <= 1e-4);
    for (const [point] of DENSE_LAYER_POINTS) {
      const p = graph.points.get(point)!;
      const expected = ref.taps[REFERENCE_TAP[point]!]!;
      assert.ok(maxAbsDiff(out[p.full!]!.data as Float32Array, expected) <= 1e-4, point);
      assert.ok(
        Math.abs((out[p.amax!]!.data as Float32Array)[0]! - maxAbs(expected)) <= 1e-5,
        `${point} amax`,
      );
      const ch = out[p.channelAmax!]!.data as Float32Array;
      assert.equal(ch.length, p.channels);
      const rows = expected.length / p.channels;
      const want = new Float32Array(p.channels);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < p.channels; c++)
          want[c] = Math.max(want[c]!, Math.abs(expected[r * p.channels + c]!));
      assert.ok(maxAbsDiff(ch, want) <= 1e-5, `${point} channel amax`);
    }
  });
}

test('q/k/v share one input: it is returned once; unrequested points add no outputs', async () => {
  const points = ['q', 'k', 'v'].map((p) => ({ point: `self_attn.${p}_proj.input_quantizer`, full: true }));
  const { out, graph } = await runLayerGraph('llama', 1, 4, false, { points });
  const names = new Set(points.map((p) => graph.points.get(p.point)!.full));
  assert.equal(names.size, 1);
  assert.deepEqual(Object.keys(out).sort(), [LAYER_OUTPUT, [...names][0]!].sort());
});

test('reductions with validRowsOnly ignore padding rows', async () => {
  const point = 'mlp.down_proj.input_quantizer';
  const { out, ref, graph } = await runLayerGraph('qwen3', 2, 5, true, {
    points: [{ point, amax: true, channelAmax: true, validRowsOnly: true }],
  });
  const p = graph.points.get(point)!;
  const x = ref.taps.down_in!;
  const width = p.channels;
  const valid = new Float32Array(width);
  const all = new Float32Array(width);
  for (let r = 0; r < 10; r++)
    for (let c = 0; c < width; c++) {
      const v = Math.abs(x[r * width + c]!);
      all[c] = Math.max(all[c]!, v);
      if (r !== 5 && r !== 6) valid[c] = Math.max(valid[c]!, v);
    }
  assert.ok(maxAbsDiff(out[p.channelAmax!]!.data as Float32Array, valid) <= 1e-6);
  assert.ok(Math.abs((out[p.amax!]!.data as Float32Array)[0]! - maxAbs(valid)) <= 1e-6);
  assert.ok(maxAbsDiff(valid, all) > 0, 'padding rows change some channel, so the check is meaningful');
});

test('float16 weight feeds are cast inside the graph (close to f32 for f16-representable weights)', async () => {
  const { out, ref } = await runLayerGraph('llama', 1, 5, false, { weightType: 'float16' });
  const d = maxAbsDiff(out[LAYER_OUTPUT]!.data as Float32Array, ref.out);
  assert.ok(d <= 2e-3 && d > 0, `diff ${d}`);
});
