/** Reading one config file raw: text checks and the V2 document table (recipes.md §2.2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MoptError } from '../../../src/errors.js';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRawConfig, MAX_CONFIG_BYTES, peekSingleDocument } from '../../../src/recipe/load/raw.js';
import type { LocatedFile } from '../../../src/recipe/load/paths.js';
import { keyLocation } from '../../../src/recipe/yaml/locations.js';
import { pyRepr, type PyDict } from '../../../src/recipe/pyvalue.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mopt-raw-')));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): LocatedFile {
  const p = join(dir, `f${n++}.yaml`);
  writeFileSync(p, content);
  return { path: p, realPath: p, builtin: false };
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const chain = [{ file: 'parent.yaml', line: 2, col: 3 }];
const raw = (content: string) => loadRawConfig(file(content), chain);
const shape = (content: string) => {
  const r = raw(content);
  return `${r.kind} ${pyRepr(r.body)} ${r.imports === undefined ? '-' : pyRepr(r.imports)}`;
};
function rejects(content: string | Buffer, code: string, message: RegExp, line?: number) {
  const f = file(content);
  assert.throws(
    () => loadRawConfig(f, chain),
    (thrown: unknown) => {
      const e = thrown as MoptError;
      assert.equal(e.code, code);
      assert.match(e.message, message);
      assert.equal(e.source?.file, f.path);
      if (line !== undefined) assert.equal(e.source?.line, line);
      return true;
    },
  );
  return f.path;
}

test('0 documents (empty, comments only) give {}', () => {
  assert.equal(shape(''), 'mapping {} -');
  assert.equal(shape('# only a comment\n'), 'mapping {} -');
});

test('a null first document gives {} even when a second document follows', () => {
  assert.equal(shape('---\n'), 'mapping {} -');
  assert.equal(shape('~\n'), 'mapping {} -');
  assert.equal(shape('---\n---\n- a\n'), 'mapping {} -');
  assert.equal(shape('null\n---\n5\n---\nx\n'), 'mapping {} -');
});

test('one mapping document is the body; top-level imports is split off', () => {
  assert.equal(shape('a: 1\n'), "mapping {'a': 1} -");
  const r = raw('imports:\n  fp8: configs/numerics/fp8\nquantize: {a: 1}\n');
  assert.equal(pyRepr(r.body), "{'quantize': {'a': 1}}");
  assert.equal(pyRepr(r.imports!), "{'fp8': 'configs/numerics/fp8'}");
  assert.equal(r.importsLoc?.line, 1);
  assert.deepEqual(r.importsLoc?.chain, chain);
});

test('an empty imports key is still removed and reported', () => {
  assert.equal(shape('imports:\na: 1\n'), "mapping {'a': 1} None");
});

test('nested imports keys are ordinary data', () => {
  assert.equal(shape('x:\n  imports: {a: b}\n'), "mapping {'x': {'imports': {'a': 'b'}}} -");
});

test('one list document is a plain list (no import processing later)', () => {
  assert.equal(shape('- $import: x\n'), "plain-list [{'$import': 'x'}] -");
});

test('one scalar document is E_YAML_ROOT_TYPE with the Python type name', () => {
  rejects('5\n', 'E_YAML_ROOT_TYPE', /must contain a YAML mapping or list, got int/);
  // The next file is f<n>.yaml in our temp dir; the whole message is checked, path included.
  const next = escapeRegExp(join(dir, `f${n}.yaml`));
  rejects(
    'hello\n',
    'E_YAML_ROOT_TYPE',
    new RegExp(`^Config file ${next} must contain a YAML mapping or list, got str$`),
  );
  rejects('1.5\n', 'E_YAML_ROOT_TYPE', /got float/);
  rejects('true\n', 'E_YAML_ROOT_TYPE', /got bool/);
});

test('two documents with a non-mapping first is E_YAML_FIRST_DOC', () => {
  rejects('- a\n---\nb: 1\n', 'E_YAML_FIRST_DOC', /first YAML document must be a mapping, got list/, 1);
  rejects('5\n---\n- b\n', 'E_YAML_FIRST_DOC', /got int/);
});

test('two documents, second null: the first document alone', () => {
  assert.equal(shape('a: 1\n---\n'), "mapping {'a': 1} -");
  assert.equal(shape('a: 1\n--- ~\n'), "mapping {'a': 1} -");
});

test('two mappings merge shallowly, the second wins (imports too)', () => {
  const r = raw('imports: {a: one}\nx: {p: 1}\ny: 1\n---\nimports: {b: two}\nx: {q: 2}\n');
  assert.equal(pyRepr(r.body), "{'x': {'q': 2}, 'y': 1}");
  assert.equal(pyRepr(r.imports!), "{'b': 'two'}");
  assert.equal(r.importsLoc?.line, 5);
  assert.equal(keyLocation(r.body as PyDict, 'y')?.line, 3);
});

test('a list second document is a list snippet: only doc 1 imports is kept', () => {
  const r = raw(
    'imports: {fp8: configs/numerics/fp8}\nother: dropped\n---\n- quantizer_name: "*"\n  cfg: {num_bits: e4m3}\n',
  );
  assert.equal(r.kind, 'list-snippet');
  assert.equal(pyRepr(r.body), "[{'quantizer_name': '*', 'cfg': {'num_bits': (4, 3)}}]");
  assert.equal(pyRepr(r.imports!), "{'fp8': 'configs/numerics/fp8'}");
  assert.equal(r.importsLoc?.line, 1);
});

test('a list snippet without imports has imports undefined', () => {
  assert.equal(shape('x: 1\n---\n- a\n'), "list-snippet ['a'] -");
});

test('a scalar second document is E_YAML_SECOND_DOC', () => {
  rejects(
    'a: 1\n---\n5\n',
    'E_YAML_SECOND_DOC',
    /second YAML document must be a mapping or list, got int/,
    2,
  );
});

test('three or more documents is E_YAML_DOC_COUNT', () => {
  rejects('a: 1\n---\nb: 2\n---\nc: 3\n', 'E_YAML_DOC_COUNT', /expected 1 or 2 YAML documents, got 3/, 4);
});

test('ExMy runs on the merged mapping and on list bodies', () => {
  assert.equal(
    shape('num_bits: e4m3\n---\nscale_bits: e8m0\n'),
    "mapping {'num_bits': (4, 3), 'scale_bits': (8, 0)} -",
  );
});

test('the schema comment is read from the raw text', () => {
  const r = raw('# licence\n# modelopt-schema: modelopt.x.Y\nnum_bits: 8\n');
  assert.equal(r.schema?.name, 'modelopt.x.Y');
  assert.equal(r.schema?.loc.line, 2);
  assert.equal(raw('a: 1\n').schema, null);
});

test('two schema comments fail before YAML parsing', () => {
  rejects(
    '# modelopt-schema: a.B\n# modelopt-schema: c.D\n[bad',
    'E_SCHEMA_MULTIPLE',
    /multiple modelopt-schema comments/,
  );
});

test('YAML syntax errors carry file, line and the import chain', () => {
  const f = file('a: 1\nb: [\n');
  assert.throws(
    () => loadRawConfig(f, chain),
    (e: unknown) => (e as MoptError).code === 'E_YAML_SYNTAX' && (e as MoptError).source?.chain === chain,
  );
});

test('a file over 10 MiB is refused before reading', () => {
  rejects(Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20), 'E_FILE_TOO_LARGE', /10485761 bytes/);
});

test('a file of exactly the limit is read', () => {
  const body = Buffer.alloc(MAX_CONFIG_BYTES, 0x20);
  body.write('a: 1', 0);
  assert.equal(pyRepr(loadRawConfig(file(body), []).body), "{'a': 1}");
});

test('invalid UTF-8 names the byte offset and line', () => {
  rejects(
    Buffer.from([0x61, 0x3a, 0x0a, 0x62, 0x3a, 0x20, 0xff, 0x0a]),
    'E_FILE_NOT_TEXT',
    /not valid UTF-8: byte 0xff at offset 6/,
    2,
  );
  rejects(Buffer.from([0x61, 0x3a, 0x20, 0xc3]), 'E_FILE_NOT_TEXT', /byte 0xc3 at offset 3/);
  rejects(Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80]), 'E_FILE_NOT_TEXT', /offset 3/);
});

test('a binary file (NUL bytes) is refused', () => {
  rejects(Buffer.from('a: 1\nb: 2\0\0\0'), 'E_FILE_NOT_TEXT', /NUL byte at offset 9/, 2);
});

test("control characters are refused like PyYAML's reader", () => {
  rejects('a: \x01\n', 'E_YAML_SYNTAX', /unacceptable character #x0001/, 1);
});

test('a UTF-8 BOM is accepted and non-ASCII text is kept', () => {
  assert.equal(shape('\ufeffa: "é"\n'), "mapping {'a': 'é'} -");
});

test('peek: one document is returned raw (no ExMy), empty is None', () => {
  assert.equal(
    pyRepr(peekSingleDocument(file('metadata: {recipe_type: ptq}\nnum_bits: e4m3\n'))),
    "{'metadata': {'recipe_type': 'ptq'}, 'num_bits': 'e4m3'}",
  );
  assert.equal(peekSingleDocument(file('')), null);
});

test('peek: a second document is an error at its start', () => {
  const f = file('a: 1\n---\nb: 2\n');
  assert.throws(
    () => peekSingleDocument(f),
    (thrown: unknown) => {
      const e = thrown as MoptError;
      assert.equal(e.code, 'E_YAML_SYNTAX');
      assert.match(e.message, /expected a single document in the stream/);
      assert.equal(e.source?.line, 2);
      return true;
    },
  );
});

test('the two-mapping merge uses Python key equality (1 and true are one key)', () => {
  assert.equal(shape('1: a\nx: 0\n---\ntrue: b\n'), "mapping {1: 'b', 'x': 0} -");
});
