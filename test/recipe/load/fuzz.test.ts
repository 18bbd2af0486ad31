/**
 * Property-based fuzzing of recipe files: whatever the bytes, loadRecipe / loadConfig either succeed
 * or throw a MoptError that names a file position. Never another exception, never a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MoptError } from '../../../src/errors.js';
import { BUILTIN_ROOT, loadConfig, loadRecipe } from '../../../src/recipe/index.js';
import { toYaml } from '../../../src/recipe/yaml/emit.js';
import type { PyValue } from '../../../src/recipe/pyvalue.js';

const dir = mkdtempSync(join(tmpdir(), 'mopt-fuzz-'));
const seedRecipe = readFileSync(join(BUILTIN_ROOT, 'general/ptq/nvfp4_default-kv_fp8.yaml'), 'utf8');

/** Loads `text` as a recipe file; returns the error if it is a MoptError, rethrows anything else. */
function tryLoad(text: string | Uint8Array, as: 'recipe' | 'config'): MoptError | null {
  const file = join(dir, `case.yaml`);
  writeFileSync(file, text);
  try {
    if (as === 'recipe') loadRecipe(file, { cwd: dir });
    else loadConfig(file, { cwd: dir });
    return null;
  } catch (err) {
    if (err instanceof MoptError) return err;
    throw err;
  }
}

const keys = fc.constantFrom(
  'metadata',
  'recipe_type',
  'description',
  'quantize',
  'quant_cfg',
  'algorithm',
  'quantizer_name',
  'cfg',
  'enable',
  'num_bits',
  'axis',
  'block_sizes',
  'type',
  'scale_bits',
  'imports',
  '$import',
  'parent_class',
  'constant_amax',
  'use_constant_amax',
  'bias',
  'rotate',
  -1,
  -2,
  'x',
);
const scalars = fc.oneof(
  fc.constantFrom(
    'ptq',
    'e4m3',
    'e2m1',
    'max',
    'dynamic',
    'static',
    '*',
    '*weight_quantizer',
    'configs/numerics/fp8',
  ),
  fc.integer({ min: -3, max: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
);
const values: fc.Arbitrary<PyValue> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalars, tie('list'), tie('dict')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  dict: fc
    .array(fc.tuple(keys, tie('value')), { maxLength: 5 })
    .map((pairs) => new Map(pairs as Array<[string | number, PyValue]>)),
})).value as fc.Arbitrary<PyValue>;

test('random recipe-shaped data loads or fails with a positioned MoptError', () => {
  fc.assert(
    fc.property(values, (data) => {
      const text = toYaml(
        new Map<string, PyValue>([
          ['metadata', new Map([['recipe_type', 'ptq']])],
          ['quantize', data],
        ]),
      );
      const err = tryLoad(text, 'recipe');
      if (err) {
        assert.equal(err.exitCode, 2, err.message);
        assert.ok(err.source, `no file position for: ${err.message}`);
      }
    }),
    { numRuns: 150, seed: 20261128 },
  );
});

test('random edits of a real recipe load or fail with a MoptError', () => {
  const edit = fc.tuple(fc.nat({ max: seedRecipe.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 6 }));
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      let text = seedRecipe;
      for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
      const err = tryLoad(text, 'recipe');
      if (err) assert.ok(err.message.length > 0 && err.source, `no file position for: ${err.message}`);
    }),
    { numRuns: 150, seed: 7 },
  );
});

test('random bytes as a snippet fail cleanly', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const err = tryLoad(bytes, 'config');
      if (err) assert.ok(err.source, `no file position for: ${err.message}`);
    }),
    { numRuns: 150, seed: 11 },
  );
});
