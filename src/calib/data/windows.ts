/**
 * Perplexity windows: a concatenated token stream cut into non-overlapping windows of a fixed length. The tail
 * that does not fill a window is dropped (as the GPTQ/AWQ wikitext evaluations do), so every window scores the
 * same number of tokens and results do not depend on how a short last piece would be handled.
 */
import { MoptError } from '../../errors.js';

export interface EvalWindowsOptions {
  /** When set, each window starts with this id followed by window-1 stream tokens (score from position 1). */
  bosId?: number;
  /** Names the text in errors, e.g. the file. */
  source?: string;
}

export interface EvalWindows {
  /** Each `window` long. Without bosId they are views into one Int32Array copy of the stream. */
  windows: Int32Array[];
  /** Stream tokens inside the windows. */
  tokensUsed: number;
  /** Stream tokens in the dropped tail. */
  tokensDropped: number;
}

export function evalWindows(
  ids: ArrayLike<number>,
  window: number,
  options: EvalWindowsOptions = {},
): EvalWindows {
  const lead = options.bosId === undefined ? 0 : 1;
  if (!Number.isSafeInteger(window) || window < 1 + lead) {
    throw new MoptError(
      'bad-window',
      `evaluation window ${window}: expected a whole number of at least ${1 + lead}`,
    );
  }
  const body = window - lead;
  const count = Math.floor(ids.length / body);
  if (count === 0) {
    throw new MoptError(
      'text-too-short',
      `${options.source ?? 'evaluation text'} is shorter than one window: ${ids.length} tokens, a window of ${window} ` +
        `needs ${body}`,
      { hint: 'use more text or a shorter window' },
    );
  }
  const stream = ids instanceof Int32Array ? ids : Int32Array.from(ids);
  const windows: Int32Array[] = [];
  for (let w = 0; w < count; w++) {
    const part = stream.subarray(w * body, (w + 1) * body);
    if (lead === 0) {
      windows.push(part);
    } else {
      const win = new Int32Array(window);
      win[0] = options.bosId!;
      win.set(part, 1);
      windows.push(win);
    }
  }
  return { windows, tokensUsed: count * body, tokensDropped: ids.length - count * body };
}
