/**
 * Every non-recipe YAML file of the ModelOpt 0.47.0 library, loaded by name with loadConfig from mopt's
 * built-in library: the result kind, config class and typed dumps (or plain value) must equal the real
 * loader's (test/oracle-goldens/builtin-configs.json).
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { MoptError } from '../../../src/errors.js';
import { loadConfig } from '../../../src/recipe/index.js';
import { checkListsName, goldenCase } from './expectations.js';
import { assertSameResult, readGolden, type GoldenResult } from './golden.js';
import { assertMessageMatches } from './fragments.js';
import { assertSameWarnings, normaliseOurs } from './replay.js';

interface GoldenConfig {
  name: string;
  ok: boolean;
  result?: GoldenResult;
  error?: { type: string; message: string };
  warnings: { category: string; message: string }[];
}

const FILE = 'builtin-configs.json';
const golden = readGolden<{ configs: GoldenConfig[] }>(FILE);

describe('builtin-configs.json', () => {
  checkListsName(
    FILE,
    golden.configs.map((c) => c.name),
  );
  for (const c of golden.configs) {
    goldenCase(FILE, c.name, () => {
      const warnings: string[] = [];
      if (c.ok) {
        assertSameResult(loadConfig(c.name, { warnings }), c.result!);
        assertSameWarnings(warnings, c.warnings);
        return;
      }
      assert.throws(
        () => loadConfig(c.name, { warnings }),
        (err: unknown) => {
          assert.ok(err instanceof MoptError, String(err));
          assertMessageMatches(normaliseOurs(err.message, undefined), c.error!);
          return true;
        },
      );
    });
  }
});
