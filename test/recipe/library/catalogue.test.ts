// Catalogue checks of the built-in library: exact file set, YAML sanity, recipe metadata, imports and schema comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isScalar, visit } from 'yaml';
import { EXPECTED_BUILTIN_FILES } from './expected-files.js';
import {
  BUILTIN_ROOT,
  builtinName,
  firstDocument,
  importReferences,
  isMapping,
  listBuiltinFiles,
  locateBuiltin,
  parseBuiltin,
  readBuiltin,
  schemaComment,
} from './builtin-tree.js';

const FILES = listBuiltinFiles();
const SECTION_OF_TYPE: Record<string, string> = {
  ptq: 'quantize',
  auto_quantize: 'auto_quantize',
  speculative_eagle: 'eagle',
  speculative_dflash: 'dflash',
};
const RECIPE_PREFIXES = [
  'general/ptq/',
  'general/qad/',
  'general/auto_quantize/',
  'general/speculative_decoding/',
  'huggingface/',
  'models/',
];

/** Files in recipe folders that are snippets or plain configs, not recipes. */
function isRecipeFile(file: string): boolean {
  if (!RECIPE_PREFIXES.some((p) => file.startsWith(p))) return false;
  return !file.endsWith('/disabled_quantizers.yaml') && !file.endsWith('.quant_cfg.yaml');
}

/** Declared import names of a file (the `imports` of its first document) and the body documents. */
function importsOf(file: string): { declared: Record<string, unknown>; body: unknown[] } {
  const docs = parseBuiltin(file).map((d) => d.toJS() as unknown);
  const first = docs[0];
  const declared = isMapping(first) && isMapping(first['imports']) ? first['imports'] : {};
  const body = docs.map((d) =>
    isMapping(d) ? Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'imports')) : d,
  );
  return { declared, body };
}

test('the library holds exactly the expected files', () => {
  const expected = [...EXPECTED_BUILTIN_FILES].sort();
  const missing = expected.filter((f) => !FILES.includes(f));
  const extra = FILES.filter((f) => !expected.includes(f));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
});

test('every built-in name resolves to exactly one file', () => {
  const names = FILES.map(builtinName);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  assert.deepEqual(dupes, [], 'a .yml file would shadow a .yaml file of the same name');
  for (const file of FILES) assert.equal(locateBuiltin(builtinName(file)), file, `name ${builtinName(file)}`);
});

test("seed-era numerics that today's library replaces are not shipped as .yml files", () => {
  for (const shadow of ['configs/numerics/fp8.yml', 'configs/numerics/nvfp4_static.yml']) {
    assert.ok(!FILES.includes(shadow), `${shadow} would shadow today's .yaml for every importer`);
  }
  assert.equal(locateBuiltin('configs/numerics/nvfp4_dynamic'), 'configs/numerics/nvfp4_dynamic.yml');
});

test('every file parses as YAML 1.1 with one or two documents', () => {
  for (const file of FILES) {
    const docs = parseBuiltin(file);
    assert.ok(docs.length >= 1 && docs.length <= 2, `${file}: ${docs.length} documents`);
    for (const doc of docs)
      assert.deepEqual(
        doc.errors.map((e) => e.message),
        [],
        file,
      );
  }
});

test('no plain scalar relies on a YAML 1.1 / 1.2 difference', () => {
  // PyYAML reads `1e-4` as a string, `017` as octal and `yes`/`on` as booleans; the library avoids all of them.
  const risky = [
    { why: 'float without a dot or signed exponent', re: /^[-+]?(\d+[eE][-+]?\d+|\d*\.\d+[eE]\d+)$/ },
    { why: 'leading-zero integer (octal in YAML 1.1)', re: /^[-+]?0\d+$/ },
    { why: 'YAML 1.1 boolean word', re: /^(yes|no|on|off|y|n)$/i },
    { why: 'sexagesimal number', re: /^\d+:\d+$/ },
  ];
  for (const file of FILES) {
    for (const doc of parseBuiltin(file)) {
      visit(doc, {
        Scalar(_key, node) {
          if (!isScalar(node) || node.type !== 'PLAIN' || typeof node.source !== 'string') return;
          for (const r of risky) assert.ok(!r.re.test(node.source), `${file}: ${r.why}: ${node.source}`);
        },
      });
    }
  }
});

test('every recipe names a known recipe_type and carries its section', () => {
  const recipes = FILES.filter(isRecipeFile);
  assert.ok(recipes.length > 60, `only ${recipes.length} recipe files found`);
  for (const file of recipes) {
    const data = firstDocument(file);
    assert.ok(isMapping(data) && isMapping(data['metadata']), `${file}: no metadata mapping`);
    const type = data['metadata']['recipe_type'];
    assert.ok(typeof type === 'string' && type in SECTION_OF_TYPE, `${file}: recipe_type ${String(type)}`);
    assert.ok(SECTION_OF_TYPE[type]! in data, `${file}: ${type} recipe without '${SECTION_OF_TYPE[type]}'`);
  }
});

test('plain configs outside recipe folders have no metadata', () => {
  const data = firstDocument('general/distillation/dmd2_qwen_image.yaml');
  assert.ok(isMapping(data) && !('metadata' in data) && data['pred_type'] === 'flow');
});

test('every snippet under configs/ declares a modelopt schema', () => {
  for (const file of FILES.filter((f) => f.startsWith('configs/'))) {
    const schema = schemaComment(readBuiltin(file));
    assert.ok(schema?.startsWith('modelopt.'), `${file}: schema ${String(schema)}`);
  }
});

test('every imports entry resolves to a built-in file that has a schema comment', () => {
  let count = 0;
  for (const file of FILES) {
    for (const [name, ref] of Object.entries(importsOf(file).declared)) {
      assert.equal(typeof ref, 'string', `${file}: import ${name}`);
      const target = locateBuiltin(ref as string);
      assert.ok(target, `${file}: import ${name} -> ${String(ref)} does not exist`);
      assert.ok(
        schemaComment(readBuiltin(target)),
        `${file}: import ${name} -> ${target} has no schema comment`,
      );
      count += 1;
    }
  }
  assert.ok(count > 300, `only ${count} imports checked`);
});

test('every $import names an import declared in the same file', () => {
  for (const file of FILES) {
    const { declared, body } = importsOf(file);
    for (const { path, ref } of importReferences(body)) {
      const names = Array.isArray(ref) ? ref : [ref];
      for (const n of names)
        assert.ok(typeof n === 'string' && n in declared, `${file}: ${path} uses undeclared ${String(n)}`);
    }
  }
});

test('the QAD copy of nvfp4_default-kv_fp8 is a plain file identical to the PTQ recipe', () => {
  // 0.47.0 ships a copy (wheels and npm packages both drop symlinks).
  const copy = join(BUILTIN_ROOT, 'general/qad/nvfp4_default-kv_fp8.yaml');
  assert.ok(lstatSync(copy).isFile() && !lstatSync(copy).isSymbolicLink());
  assert.equal(
    readBuiltin('general/qad/nvfp4_default-kv_fp8.yaml'),
    readBuiltin('general/ptq/nvfp4_default-kv_fp8.yaml'),
  );
});

test('expected-summary.json covers every general/ptq recipe and model preset', () => {
  const here = join(dirname(BUILTIN_ROOT), 'test/recipe/library');
  const summary = JSON.parse(readFileSync(join(here, 'expected-summary.json'), 'utf8')) as {
    recipes: Record<string, { quant_cfg_entries: number; algorithm: unknown }>;
  };
  const wanted = FILES.filter(
    (f) => f.startsWith('general/ptq/') || f.startsWith('configs/ptq/presets/model/'),
  ).map(builtinName);
  assert.deepEqual(Object.keys(summary.recipes).sort(), wanted.sort());
  for (const [name, row] of Object.entries(summary.recipes)) {
    assert.ok(Number.isInteger(row.quant_cfg_entries) && row.quant_cfg_entries > 0, name);
    assert.ok('algorithm' in row, name);
  }
});
