/**
 * The 183 conformance cases of test/oracle-goldens/conformance.json (YAML dialect, ExMy, documents,
 * schema comments, imports, paths, recipes, directory recipes, legacy quant_cfg, entries, R1–R8),
 * replayed in a temporary cwd. Results must match the typed dumps; errors must carry the essential
 * fragments of ModelOpt's message. Deliberate differences assert mopt's own documented behaviour.
 */
import { describe, test } from 'node:test';
import { checkListsName, deliberateFor, goldenCase } from './expectations.js';
import { readGolden } from './golden.js';
import { assertSameOutcome, withProject, type GoldenCall, type GoldenOutcome } from './replay.js';
import { DELIBERATE_CHECKS } from './conformance-deliberate.js';
import assert from 'node:assert/strict';

interface ConformanceCase extends GoldenOutcome {
  name: string;
  files: Record<string, string>;
  call: GoldenCall;
}

const FILE = 'conformance.json';
const golden = readGolden<{ cases: ConformanceCase[] }>(FILE);
const deliberate = deliberateFor(FILE);

describe('conformance.json', () => {
  checkListsName(
    FILE,
    golden.cases.map((c) => c.name),
  );
  test('every deliberate difference has a check of mopt behaviour, and only those', () => {
    assert.deepEqual(Object.keys(DELIBERATE_CHECKS).sort(), [...deliberate.keys()].sort());
  });
  for (const c of golden.cases) {
    const own = DELIBERATE_CHECKS[c.name];
    if (deliberate.has(c.name) && own) {
      test(`${c.name} [deliberate difference]`, () => withProject(c.files, (cwd) => own(c.call, cwd)));
      continue;
    }
    goldenCase(FILE, c.name, () => withProject(c.files, (cwd) => assertSameOutcome(c.call, c, cwd)));
  }
});
