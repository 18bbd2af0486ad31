/** The `# modelopt-schema:` preamble comment (recipes.md §2.4). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MoptError } from '../../../src/errors.js';
import { scanSchemaComment } from '../../../src/recipe/load/schema-comment.js';

const scan = (text: string) => scanSchemaComment(text, 'snip.yaml')?.name ?? null;
const NAME = 'modelopt.torch.quantization.config.QuantizerAttributeConfig';

test('a schema comment on the first line is found with its position', () => {
  assert.deepEqual(scanSchemaComment(`# modelopt-schema: ${NAME}\nnum_bits: 8\n`, 'snip.yaml'), {
    name: NAME,
    loc: { file: 'snip.yaml', line: 1, col: 1 },
  });
});

test('the comment may follow a licence header and blank lines', () => {
  const text = `# SPDX-License-Identifier: Apache-2.0\n#\n\n   # modelopt-schema: ${NAME}\nnum_bits: 8\n`;
  assert.equal(scan(text), NAME);
  assert.equal(scanSchemaComment(text, 'f')?.loc.line, 4);
});

test('no spaces around the colon still matches', () => {
  assert.equal(scan(`#modelopt-schema:${NAME}`), NAME);
});

test('trailing spaces are allowed, two tokens are silently ignored', () => {
  assert.equal(scan(`# modelopt-schema: ${NAME}   \n`), NAME);
  assert.equal(scan(`# modelopt-schema: ${NAME} extra\n`), null);
});

test('upper-case MODELOPT-SCHEMA is not a schema comment', () => {
  assert.equal(scan(`# MODELOPT-SCHEMA: ${NAME}\n`), null);
});

test('a schema comment after YAML content or after --- is ignored', () => {
  assert.equal(scan(`a: 1\n# modelopt-schema: ${NAME}\n`), null);
  assert.equal(scan(`---\n# modelopt-schema: ${NAME}\n`), null);
});

test('no comment at all gives null; an empty file gives null', () => {
  assert.equal(scan('num_bits: 8\n'), null);
  assert.equal(scan(''), null);
});

test('two schema comments are an error naming the file and the second line', () => {
  assert.throws(
    () => scanSchemaComment(`# modelopt-schema: a.B\n# modelopt-schema: c.D\n`, 'snip.yaml'),
    (thrown: unknown) => {
      const e = thrown as MoptError;
      assert.equal(e.code, 'E_SCHEMA_MULTIPLE');
      assert.equal(e.message, 'Config file snip.yaml: multiple modelopt-schema comments found.');
      assert.equal(e.source?.line, 2);
      return true;
    },
  );
});

test('a second comment after content is not counted', () => {
  assert.equal(scan(`# modelopt-schema: a.B\nx: 1\n# modelopt-schema: c.D\n`), 'a.B');
});

test('CRLF line endings work', () => {
  assert.equal(scan(`# licence\r\n# modelopt-schema: ${NAME}\r\nx: 1\r\n`), NAME);
});

test('a UTF-8 BOM hides the comment, exactly as Python read_text + str.strip do', () => {
  assert.equal(scan(`\ufeff# modelopt-schema: ${NAME}\n`), null);
});
