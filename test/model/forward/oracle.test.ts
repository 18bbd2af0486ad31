import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNTH_ARCHS } from '../../../src/model/synth-presets.js';
import { ReferenceModel } from '../../../src/model/forward/index.js';
import { scratchDir } from '../helpers.js';
import { convertStories, someIds, synthTiny } from './helpers.js';
import { naiveForward } from './naive-forward.js';

const scratch = scratchDir('fwd-oracle');
let stories: ReturnType<typeof convertStories>;

before(() => {
  stories = convertStories();
});
after(() => {
  stories.cleanup();
  scratch.cleanup();
});

/** Largest |float32 reference − float64 oracle| over all logits of `ids`. */
function drift(dir: string, ids: number[]): number {
  const model = ReferenceModel.open(dir);
  try {
    const logits = model.forward(ids, { batch: 1, seq: ids.length });
    const want = naiveForward(model.checkpoint, ids);
    const V = model.arch.vocab;
    let max = 0;
    want.forEach((row, s) => row.forEach((v, k) => (max = Math.max(max, Math.abs(v - logits[s * V + k]!)))));
    return max;
  } finally {
    model.close();
  }
}

test('stories260K logits stay within 1e-4 of a float64 oracle', () => {
  const d = drift(stories.f32, [1, 403, 407, 261, 378, 290, 267, 334, 300, 281, 290, 267]);
  assert.ok(d < 1e-4, `max |diff| ${d}`);
});

for (const arch of SYNTH_ARCHS) {
  test(`${arch} tiny logits stay within 1e-5 of a float64 oracle`, () => {
    const d = drift(synthTiny(arch, scratch.dir), someIds(9, 384, 3));
    assert.ok(d < 1e-5, `max |diff| ${d}`);
  });
}

test('a sliding window shorter than the sequence is applied (mistral, window 3)', () => {
  const dir = synthTiny('mistral', join(scratch.dir, 'sw'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), sliding_window: 3 }));
  const ids = someIds(9, 384, 5);
  assert.ok(drift(dir, ids) < 1e-5);
  const windowed = ReferenceModel.open(dir);
  const full = ReferenceModel.open(synthTiny('mistral', join(scratch.dir, 'full')));
  try {
    const a = windowed.forward(ids, { batch: 1, seq: 9 });
    const b = full.forward(ids, { batch: 1, seq: 9 });
    const V = 384;
    assert.deepEqual(a.subarray(0, 3 * V), b.subarray(0, 3 * V), 'the first 3 positions see the same keys');
    assert.notDeepEqual(a.subarray(8 * V), b.subarray(8 * V));
  } finally {
    windowed.close();
    full.close();
  }
});
