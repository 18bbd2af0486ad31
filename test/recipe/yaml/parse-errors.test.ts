/** Bad YAML gives a positioned MoptError, never a raw library error, a stack overflow or a memory blow-up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseYamlStream } from '../../../src/recipe/yaml/parse.js';
import { MoptError } from '../../../src/errors.js';
import { MAX_YAML_DEPTH } from '../../../src/recipe/yaml/limits.js';

const load = (text: string) => parseYamlStream(text, { file: 'bad.yaml', chain: [] });

function expectError(text: string, code: string, message: RegExp, line?: number, col?: number): void {
  try {
    load(text);
  } catch (e) {
    assert.ok(e instanceof MoptError, `not a MoptError: ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'), 'message is one line');
    assert.equal(e.source?.file, 'bad.yaml');
    if (line !== undefined) assert.equal(e.source?.line, line);
    if (col !== undefined) assert.equal(e.source?.col, col);
    return;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

test('syntax error names the line and column', () => {
  expectError('a: 1\nb: [1, 2\nc: 3\n', 'E_YAML_SYNTAX', /invalid YAML/, 3);
  expectError('a: b: c\n', 'E_YAML_SYNTAX', /invalid YAML/, 1);
});

test('bad indentation is a syntax error', () => {
  expectError('a:\n  b: 1\n c: 2\n', 'E_YAML_SYNTAX', /invalid YAML/, 3);
});

test('a plain "=" value is an error as in PyYAML', () => {
  expectError(
    'v: =',
    'E_YAML_SYNTAX',
    /could not determine a constructor for the tag 'tag:yaml.org,2002:value'/,
    1,
    4,
  );
});

test('a plain "<<" value is an error as in PyYAML', () => {
  expectError('- <<', 'E_YAML_SYNTAX', /tag:yaml.org,2002:merge/, 1, 3);
});

test('python tags are refused like the safe loader', () => {
  expectError(
    'a: !!python/tuple [1, 2]',
    'E_YAML_SYNTAX',
    /could not determine a constructor for the tag 'tag:yaml.org,2002:python\/tuple'/,
    1,
  );
  expectError('a: !!python/object:os.system x', 'E_YAML_SYNTAX', /python\/object:os.system/);
});

test('custom local tags are refused', () => {
  expectError('a: !custom x', 'E_YAML_SYNTAX', /could not determine a constructor for the tag '!custom'/, 1);
});

test('standard tags mopt cannot represent are refused clearly', () => {
  expectError('a: !!set {x}', 'E_YAML_SYNTAX', /not supported/);
  expectError('a: !!binary aGk=', 'E_YAML_SYNTAX', /not supported/);
});

test('a scalar tag on a collection (and vice versa) is an error', () => {
  expectError('a: !!str [1]', 'E_YAML_SYNTAX', /expected a scalar node, but found sequence/);
  expectError('a: !!map x', 'E_YAML_SYNTAX', /expected a mapping node, but found scalar/);
});

test('explicit tags with impossible values are errors, not crashes', () => {
  expectError('a: !!int', 'E_YAML_SYNTAX', /int/);
  expectError('a: !!int x', 'E_YAML_SYNTAX', /invalid literal/);
  expectError('a: !!bool y', 'E_YAML_SYNTAX', /not a YAML boolean/);
  expectError('a: !!float abc', 'E_YAML_SYNTAX', /could not convert/);
});

test('undefined alias is an error at the alias', () => {
  expectError('a: 1\nb: *nope\n', 'E_YAML_SYNTAX', /found undefined alias 'nope'/, 2, 4);
});

test('an alias used before its anchor is undefined even inside a merge', () => {
  expectError('m:\n  k: *q\n  <<: {x: &q 1}\n', 'E_YAML_SYNTAX', /undefined alias 'q'/, 2);
});

test('a recursive alias is refused', () => {
  expectError('- &x [*x]', 'E_YAML_TOO_COMPLEX', /recursive alias 'x'/, 1);
});

test('list and mapping keys are unhashable', () => {
  expectError('? [1]\n: 2\n', 'E_YAML_SYNTAX', /found unhashable key/, 1);
  expectError('a: &m {x: 1}\n*m : 2\n', 'E_YAML_SYNTAX', /found unhashable key/, 2);
});

test('errors in a later document fail the whole stream', () => {
  expectError('a: 1\n---\nb: [\n', 'E_YAML_SYNTAX', /invalid YAML/);
});

test('billion laughs is stopped quickly with E_YAML_TOO_COMPLEX', () => {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  expectError(lines.join('\n'), 'E_YAML_TOO_COMPLEX', /more than 1000000 nodes/);
});

test('merge-key bombs are bounded too', () => {
  const lines = ['m0: &m0 {a: 1, b: 2, c: 3, d: 4}'];
  for (let i = 1; i < 40; i++) lines.push(`m${i}: &m${i} {<<: [*m${i - 1}, *m${i - 1}, *m${i - 1}]}`);
  expectError(lines.join('\n'), 'E_YAML_TOO_COMPLEX', /more than/);
});

test('a chain of aliases nesting deeper than the limit is refused', () => {
  const lines = Array.from(
    { length: MAX_YAML_DEPTH + 10 },
    (_, i) => `l${i}: &l${i} [${i ? `*l${i - 1}` : 0}]`,
  );
  expectError(lines.join('\n'), 'E_YAML_TOO_COMPLEX', /deeper than/);
});

test('10k nested [ is an error, not a stack overflow', () => {
  expectError('['.repeat(10_000), 'E_YAML_TOO_COMPLEX', /nesting is deeper than/, 1);
  expectError('{a: '.repeat(10_000), 'E_YAML_TOO_COMPLEX', /nesting is deeper than/, 1);
});

test('deep block nesting (indentation and compact sequences) is an error', () => {
  expectError(
    Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    'E_YAML_TOO_COMPLEX',
    /deeper/,
  );
  expectError('- '.repeat(5000) + 'x', 'E_YAML_TOO_COMPLEX', /deeper/);
});

test('moderate nesting (100 levels) still parses', () => {
  assert.equal(load('['.repeat(100) + ']'.repeat(100)).length, 1);
});

test('property: arbitrary text either parses or throws a MoptError', () => {
  const yamlish = fc.stringMatching(/^[-:?&*!|>'"{}[\],#%@`a-z0-9 \n\t<=.~]{0,60}$/);
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 80 }), yamlish), (text) => {
      try {
        load(text);
      } catch (e) {
        if (!(e instanceof MoptError)) throw e;
        assert.ok(e.source);
      }
    }),
    { numRuns: 400 },
  );
});

test('a missing key before ":" is an error (PyYAML needs an explicit "?")', () => {
  expectError('a: 1\n: x\n', 'E_YAML_SYNTAX', /mapping key is missing/, 2, 1);
  expectError('{: x}', 'E_YAML_SYNTAX', /mapping key is missing/, 1, 2);
  assert.equal(load('? \n: x\n').length, 1);
});

test("control characters anywhere in the stream are refused like PyYAML's reader", () => {
  expectError('a: b\nc: "\x07"\n', 'E_YAML_SYNTAX', /unacceptable character #x0007/, 2, 5);
  expectError('a: \x7f', 'E_YAML_SYNTAX', /#x007f/);
});
