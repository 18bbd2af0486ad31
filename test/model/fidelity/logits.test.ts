/**
 * The TS reference forward against transformers 5.14.1 (float32) on the same checkpoints: stories260K and the
 * tiny synthetic model of every architecture (and Mistral with sliding window 8), a [2, 24] batch whose
 * second row is left-padded by 5.
 * Real tokens are compared with HF's eager logits; every position (padding too) with HF's SDPA logits, since
 * SDPA and the reference both give a query that sees no key a zero attention output (eager averages all keys).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ReferenceModel } from '../../../src/model/forward/index.js';
import { scratchDir } from '../helpers.js';
import { decodeF32, inputDir, logitsGoldens, remakeInput, type LogitsGolden } from './goldens.js';

const TOLERANCE = 1e-4;
const scratch = scratchDir('fidelity-logits');
after(() => scratch.cleanup());

function forwardOf(g: LogitsGolden, positions: 'passed' | 'default'): Float32Array {
  const model = ReferenceModel.open(inputDir(g, scratch.dir));
  try {
    const [B, S] = g.forward.logits_shape;
    return model.forward(g.forward.input_ids.flat(), {
      batch: B,
      seq: S,
      attentionMask: Uint8Array.from(g.forward.attention_mask.flat()),
      positionIds: positions === 'passed' ? Int32Array.from(g.forward.position_ids_effective.flat()) : null,
    });
  } finally {
    model.close();
  }
}

/** Largest |a - b| over the token rows `keep` selects. */
function maxDiff(a: Float32Array, b: Float32Array, vocab: number, keep: (t: number) => boolean): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let t = 0; t * vocab < a.length; t++) {
    if (!keep(t)) continue;
    for (let v = t * vocab; v < (t + 1) * vocab; v++) m = Math.max(m, Math.abs(a[v]! - b[v]!));
  }
  return m;
}

const goldens = logitsGoldens();

test('the logits goldens cover stories260K and every synthetic architecture', () => {
  assert.deepEqual(goldens.map((g) => g.model_type).sort(), [
    'llama',
    'llama',
    'mistral',
    'mistral',
    'mixtral',
    'qwen2',
    'qwen3',
    'qwen3_moe',
  ]);
});

for (const g of goldens) {
  test(`${g.model}: reference logits match transformers within ${TOLERANCE}`, (t) => {
    const vocab = g.forward.logits_shape[2];
    const mask = g.forward.attention_mask.flat();
    assert.ok(mask.includes(0), 'the batch must hold padding');
    const got = forwardOf(g, 'passed');
    const real = maxDiff(got, decodeF32(g.forward.logits_f32_b64), vocab, (i) => mask[i] === 1);
    const all = maxDiff(got, decodeF32(g.forward.logits_sdpa_f32_b64), vocab, () => true);
    t.diagnostic(`max |diff| real tokens vs eager ${real}, all tokens vs sdpa ${all}`);
    assert.ok(real <= TOLERANCE, `real tokens: max |diff| ${real} vs HF eager`);
    assert.ok(all <= TOLERANCE, `all tokens: max |diff| ${all} vs HF sdpa`);
    // HF's default position ids in a plain forward are 0..seq-1 per row, as the reference's default
    assert.deepEqual(forwardOf(g, 'default'), got);
  });
}

test('a remade input whose sha256 differs from the golden asks for regenerated goldens', () => {
  const g = goldens.find((x) => x.model === 'llama-tiny-f32')!;
  assert.throws(
    () => remakeInput({ ...g, safetensors_sha256: '0'.repeat(64) }, join(scratch.dir, 'stale')),
    /llama-tiny-f32: remade model\.safetensors has sha256 [0-9a-f]{64}.*goldens must be regenerated: .*logits_golden\.py/,
  );
});
