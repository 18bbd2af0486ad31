/**
 * mopt's own behaviour for the conformance cases where it deliberately differs from ModelOpt 0.47.0
 * (listed with reasons in deliberate-differences.json; docs/compat.md "Deliberate differences").
 */
import assert from 'node:assert/strict';
import { dumpSparse, pyRepr, recipeSource } from '../../../src/recipe/index.js';
import { outcomeOf, type GoldenCall } from './replay.js';

function expectError(call: GoldenCall, cwd: string, code: string, message: string): void {
  const { error } = outcomeOf(call, cwd);
  assert.ok(error, `expected ${code}`);
  assert.equal(error.code, code);
  assert.equal(error.message, message);
  assert.ok(error.source, 'the error points at the file');
}

export const DELIBERATE_CHECKS: Record<string, (call: GoldenCall, cwd: string) => void> = {
  schema_module_not_found: (call, cwd) =>
    expectError(
      call,
      cwd,
      'E_SCHEMA_UNRESOLVED',
      "Cannot resolve modelopt-schema 'modelopt.no_such_module.Thing'.",
    ),

  import_mapping_marker_unhashable: (call, cwd) =>
    expectError(
      call,
      cwd,
      'E_IMPORT_REF_TYPE',
      "$import at root.cfg must be an import name or a list of import names, got dict: {'f': 1}.",
    ),

  import_list_marker_in_list_unhashable: (call, cwd) =>
    expectError(
      call,
      cwd,
      'E_IMPORT_REF_TYPE',
      "$import in list entry at root.quant_cfg[0] must name exactly one import, got list: ['f']. Write one list item per import.",
    ),

  dir_missing_metadata_v1_style: (call, cwd) => {
    const { value, error } = outcomeOf(call, cwd);
    assert.ok(!error, `the seed-era layout loads: ${error?.message}`);
    assert.equal(recipeSource(value as object)?.kind, 'dir');
    assert.equal(pyRepr(dumpSparse(value)), "{'metadata': {'recipe_type': 'ptq'}, 'quantize': {}}");
  },
};
