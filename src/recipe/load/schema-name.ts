/**
 * Turns a `# modelopt-schema:` name into a registered schema (recipes.md §2.5), with the
 * namespace / path / registry errors ModelOpt raises, each pointing at the comment.
 */
import { MoptError, type SourceLoc, type SourceRef } from '../../errors.js';
import { pyStrRepr } from '../pyvalue.js';
import type { SchemaType } from '../schema/api.js';
import { getSchemaByName } from '../schema/index.js';

/** `at` is the comment's position; `chain` the imports that led to its file. */
export function resolveSchemaName(
  name: string,
  at: SourceLoc | undefined,
  chain: SourceLoc[] = [],
): SchemaType {
  const source: SourceRef | undefined = at && { file: at.file, line: at.line, col: at.col, chain };
  if (!name.startsWith('modelopt.')) {
    throw new MoptError(
      'E_SCHEMA_NAMESPACE',
      `Unsupported modelopt-schema ${pyStrRepr(name)}; schemas must live under 'modelopt.'.`,
      { source },
    );
  }
  const dot = name.lastIndexOf('.');
  const moduleName = name.slice(0, dot);
  const attrName = name.slice(dot + 1);
  if (!moduleName || !attrName) {
    throw new MoptError('E_SCHEMA_INVALID_PATH', `Invalid modelopt-schema path: ${pyStrRepr(name)}.`, {
      source,
    });
  }
  const schema = getSchemaByName(name);
  if (!schema) {
    // Python separates "no such module" from "no such attribute"; both mean the name is not registered here.
    throw new MoptError('E_SCHEMA_UNRESOLVED', `Cannot resolve modelopt-schema ${pyStrRepr(name)}.`, {
      source,
    });
  }
  return schema;
}
