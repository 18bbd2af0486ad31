/**
 * The `# modelopt-schema: <name>` comment of a config file (recipes.md §2.4), read from the raw text
 * before YAML parsing: only the leading block of comment and blank lines is scanned.
 */
import { MoptError, type SourceLoc } from '../../errors.js';

/** Python's Unicode whitespace (str.isspace, regex \s): unlike JS \s it has \x1c-\x1f and \x85 but not U+FEFF. */
const WS = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SCHEMA_LINE = new RegExp(`^[${WS}]*#[${WS}]*modelopt-schema:[${WS}]*([^${WS}]+)[${WS}]*$`);
const PY_STRIP = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');
/** Python str.splitlines() boundaries (some are control characters on purpose). */
// eslint-disable-next-line no-control-regex -- Python line boundaries include control characters
const PY_LINES = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** The schema name declared at the top of `text`, with its position, or null when there is none. */
export function scanSchemaComment(text: string, file: string): { name: string; loc: SourceLoc } | null {
  let found: { name: string; loc: SourceLoc } | null = null;
  const lines = text.split(PY_LINES);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const stripped = line.replace(PY_STRIP, '');
    if (stripped === '') continue;
    if (!stripped.startsWith('#')) break;
    const m = SCHEMA_LINE.exec(line);
    if (!m) continue;
    const loc = { file, line: i + 1, col: line.indexOf('#') + 1 };
    if (found) {
      throw new MoptError(
        'E_SCHEMA_MULTIPLE',
        `Config file ${file}: multiple modelopt-schema comments found.`,
        {
          source: { ...loc, chain: [] },
        },
      );
    }
    found = { name: m[1]!, loc };
  }
  return found;
}
