/**
 * mopt's exporter against the real ModelOpt 0.47.0 export (test/oracle-goldens/quant, written by
 * tools/oracle/quant_golden.py): the inputs are remade with mopt's own code, every data-free case is
 * exported and compared byte for byte; calibrated cases are calibrated on the golden's own token batch
 * and compared byte for byte except the activation scales (tolerances: docs/compat.md); cases ModelOpt
 * refused must be refused by mopt too.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMoptError } from '../../src/errors.js';
import { exportCheckpoint } from '../../src/export/index.js';
import { calibrateActivations, type ActivationStats, type CalibEngine } from '../../src/calib/index.js';
import { padBatch } from '../../src/calib/data/index.js';
import { planModel } from '../../src/export/index.js';
import { compareExport, splitScaleDiffs, type GoldenExport } from './golden-compare.js';
import {
  fileSha256,
  makeQuantOracleInputs,
  oracleQuantizeConfig,
  QUANT_GOLDEN_DIR,
} from './oracle-inputs.js';
import { scratch } from './helpers.js';

interface GoldenCalib {
  calib: { input_ids: number[][] };
}
interface GoldenCase {
  file: string;
  model: string;
  recipe: string;
  recipe_source: string;
  ok: boolean;
  error?: { type: string; message: string };
}
interface GoldenIndex {
  inputs: Record<string, { checkpoint_dtype: string; files: Record<string, string> }>;
  cases: GoldenCase[];
}

/** Recipes quantized without data (weight-only, constant-amax KV): mopt exports these today. */
const DATA_FREE = [
  'fp8_weight_only',
  'nvfp4_weight_only',
  'int4_blockwise_weight_only',
  'mxfp4_mlp_weight_only',
  'fp8_2d_blockwise_weight_only',
  'nvfp4_mlp_weight_only',
  'nvfp4_weight_only-kv_fp8_cast',
];
/** Recipes ModelOpt calibrated with one forward of the batch stored in the golden (`calib.input_ids`). */
const CALIBRATED = ['fp8_default-kv_fp8', 'nvfp4_default-kv_fp8'];

const index = JSON.parse(readFileSync(join(QUANT_GOLDEN_DIR, 'index.json'), 'utf8')) as GoldenIndex;
const checkpointDtype = (c: GoldenCase): string => index.inputs[c.model]!.checkpoint_dtype;
const golden = (c: GoldenCase): { export: GoldenExport } =>
  JSON.parse(readFileSync(join(QUANT_GOLDEN_DIR, c.file), 'utf8')) as { export: GoldenExport };

let work: { dir: string; cleanup: () => void };
let inputs: Record<string, string>;

before(() => {
  work = scratch('oracle');
  inputs = makeQuantOracleInputs(join(work.dir, 'inputs'));
});
after(() => work.cleanup());

function exportCase(c: GoldenCase, activationStats?: ActivationStats): string {
  const out = join(work.dir, 'exports', c.file.replace(/\.json$/, ''));
  exportCheckpoint({
    modelDir: inputs[c.model]!,
    quantize: oracleQuantizeConfig(c.recipe_source),
    exportPath: out,
    force: true,
    ...(activationStats ? { activationStats } : {}),
  });
  return out;
}

/** calibrateActivations on exactly the golden's batch (mask all ones), with the plan the export uses. */
async function calibrateCase(c: GoldenCase, engine: CalibEngine): Promise<ActivationStats> {
  const ids = (JSON.parse(readFileSync(join(QUANT_GOLDEN_DIR, c.file), 'utf8')) as GoldenCalib).calib
    .input_ids;
  const batch = padBatch(
    ids.map((r) => Int32Array.from(r)),
    ids[0]!.length,
    undefined,
  );
  const planned = planModel(inputs[c.model]!, oracleQuantizeConfig(c.recipe_source));
  planned.checkpoint.close();
  const r = await calibrateActivations({
    modelDir: inputs[c.model]!,
    plan: planned.plan,
    batches: [batch],
    engine,
  });
  return r.stats;
}

describe('quant oracle goldens', () => {
  it('remade inputs hash as the goldens record', () => {
    for (const [model, rec] of Object.entries(index.inputs)) {
      for (const [file, hash] of Object.entries(rec.files)) {
        assert.equal(
          fileSha256(join(inputs[model]!, file)),
          hash,
          `${model}/${file}: inputs changed; goldens must be regenerated (tools/oracle/README.md)`,
        );
      }
    }
  });

  it('every golden case is compared', () => {
    const known = new Set([...DATA_FREE, ...CALIBRATED]);
    assert.deepEqual(
      index.cases.filter((c) => !known.has(c.recipe)).map((c) => c.file),
      [],
    );
  });

  for (const [i, c] of index.cases.filter((x) => CALIBRATED.includes(x.recipe)).entries()) {
    const engine: CalibEngine = i % 2 === 0 ? 'onnx' : 'reference';
    it(`${c.model} ${c.recipe}: refused without calibration statistics`, () => {
      assert.throws(
        () => exportCase(c),
        (e: unknown) => isMoptError(e) && (e.code === 'E_NEEDS_DATA' || e.code === 'E_EXPORT_SHAPE'),
      );
    });
    if (c.ok) {
      it(`${c.model} ${c.recipe}: calibrated on the golden batch (${engine}), equal to ModelOpt but for scale rounding`, async () => {
        const stats = await calibrateCase(c, engine);
        const diffs = compareExport(exportCase(c, stats), golden(c).export);
        const [scales, other] = splitScaleDiffs(diffs, checkpointDtype(c));
        assert.deepEqual(other, [], 'everything but the activation scales is byte-identical');
        assert.deepEqual(
          scales.filter((d) => !d.within),
          [],
          'activation scales within tolerance',
        );
      });
    } else {
      it(`${c.model} ${c.recipe}: calibrated, then refused like ModelOpt (${c.error!.type})`, async () => {
        const stats = await calibrateCase(c, engine);
        assert.throws(
          () => exportCase(c, stats),
          (e: unknown) => isMoptError(e) && e.exitCode === 2 && /model\.layers\.\d+\./.test(e.message),
        );
      });
    }
  }

  for (const c of index.cases.filter((x) => DATA_FREE.includes(x.recipe))) {
    if (c.ok) {
      it(`${c.model} ${c.recipe}: byte-identical to ModelOpt`, () => {
        assert.deepEqual(compareExport(exportCase(c), golden(c).export), []);
      });
    } else {
      it(`${c.model} ${c.recipe}: refused like ModelOpt (${c.error!.type})`, () => {
        assert.throws(
          () => exportCase(c),
          (e: unknown) => isMoptError(e) && e.exitCode === 2 && /model\.layers\.\d+\./.test(e.message),
        );
      });
    }
  }
});
