/** An aborted calibration stops between batches with E_INTERRUPTED (what Ctrl-C in `mopt quantize` relies on). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { calibrateActivations } from '../../src/calib/index.js';
import { padBatch } from '../../src/calib/data/index.js';
import { isMoptError } from '../../src/errors.js';
import { loadQuantizeInput, planModel } from '../../src/export/index.js';
import { synthCheckpoint } from '../../src/model/synth.js';

let dir: string;
let model: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mopt-calib-interrupt-'));
  model = synthCheckpoint({ arch: 'llama', preset: 'tiny', outDir: join(dir, 'llama'), seed: 3 }).outDir;
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('aborting during the pass rejects with E_INTERRUPTED after the current batch', async () => {
  const planned = planModel(model, loadQuantizeInput('general/ptq/fp8_default-kv_fp8').quantize);
  planned.checkpoint.close();
  const rows = Array.from({ length: 4 }, (_, r) => Int32Array.from({ length: 8 }, (_, c) => 3 + r + c));
  const batches = rows.map((row, i) => padBatch([row], 8, 0, i));
  const controller = new AbortController();
  let steps = 0;
  await assert.rejects(
    calibrateActivations({
      modelDir: model,
      plan: planned.plan,
      batches,
      engine: 'reference',
      signal: controller.signal,
      onProgress: () => {
        steps += 1;
        controller.abort();
      },
    }),
    (e: unknown) => isMoptError(e) && e.code === 'E_INTERRUPTED' && /calibration/.test(e.message),
  );
  assert.equal(steps, 1, 'stopped before the second layer');
});
