/**
 * The one error type every layer throws for problems a user can act on.
 * The CLI prints `message` (with its source position and import chain) and exits with `exitCode`;
 * anything that is not a MoptError is an internal bug and is shown with its stack.
 */

/** A position in a source file; `line` and `col` are 1-based. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

/** A position plus the import declarations that led to its file, nearest importer first. */
export interface SourceRef extends SourceLoc {
  chain: SourceLoc[];
}

export interface MoptErrorOptions {
  source?: SourceRef | undefined;
  hint?: string | undefined;
  /** 2 = bad input or usage (the default), 1 = any other failure. */
  exitCode?: 1 | 2;
  cause?: unknown;
}

export class MoptError extends Error {
  readonly code: string;
  readonly source: SourceRef | undefined;
  readonly hint: string | undefined;
  readonly exitCode: 1 | 2;

  constructor(code: string, message: string, options: MoptErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MoptError';
    this.code = code;
    this.source = options.source;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }

  /** One readable block: `file:line:col: message`, the import chain, then the hint. */
  format(): string {
    const lines: string[] = [];
    lines.push(this.source ? `${formatLoc(this.source)}: ${this.message}` : this.message);
    for (const importer of this.source?.chain ?? []) lines.push(`  imported from ${formatLoc(importer)}`);
    if (this.hint) lines.push(`  hint: ${this.hint}`);
    return lines.join('\n');
  }
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

export function isMoptError(err: unknown): err is MoptError {
  return err instanceof MoptError;
}
