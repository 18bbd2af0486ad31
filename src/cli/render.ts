/** Printing loaded data: validated config objects become dumps, plain data is printed as-is. */
import { dumpFull, dumpSparse, isConfigObject, toPythonJson, toYaml } from '../recipe/index.js';
import type { PyValue } from '../recipe/pyvalue.js';

export interface RenderOptions {
  json: boolean;
  /** Validated objects print their sparse dump (only fields that were set) instead of the full one. */
  sparse: boolean;
}

export function toPlainData(value: unknown, sparse: boolean): PyValue {
  const holdsConfig = isConfigObject(value) || (Array.isArray(value) && value.some((v) => isConfigObject(v)));
  if (!holdsConfig) return value as PyValue;
  return sparse ? dumpSparse(value) : dumpFull(value);
}

export function renderData(value: unknown, opts: RenderOptions): string {
  const data = toPlainData(value, opts.sparse);
  return opts.json ? `${toPythonJson(data, 2)}\n` : toYaml(data);
}

/** Deprecation warnings from the loader go to stderr, never into the requested output. */
export function printWarnings(io: { stderr: (text: string) => void }, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr(`mopt: warning: ${w}\n`);
}
