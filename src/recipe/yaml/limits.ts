/**
 * Size and nesting limits for YAML input. The parser library recurses per nesting level and can
 * exhaust the stack (or worse, abort the process) on a few thousand `[`, so nesting is bounded by a
 * cheap scan before the library sees the text; alias expansion is bounded while building values.
 */

/** Deepest nesting accepted. PyYAML itself gives up somewhere between 400 and 1000 levels. */
export const MAX_YAML_DEPTH = 256;

/** Most nodes a stream may expand to, counting every alias use as a full copy ("billion laughs"). */
export const MAX_YAML_NODES = 1_000_000;

/**
 * An upper bound of the nesting depth of `text`, and the offset where it is first exceeded.
 * Counts every bracket (even inside quotes or comments: over-counting is harmless), plus block
 * levels: twice the number of open indentation levels (a sequence may sit at its key's indent)
 * plus the compact `- `/`? `/`: ` indicators that open a line.
 */
export function findExcessiveNesting(text: string, limit = MAX_YAML_DEPTH): number | null {
  const indents: number[] = [];
  let flow = 0;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let i = pos;
    while (i < end && text.charCodeAt(i) === 0x20) i++;
    const indent = i - pos;
    if (i < end && text[i] !== '#' && text[i] !== '\r') {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    let markers = 0;
    while (i < end && (text[i] === '-' || text[i] === '?' || text[i] === ':')) {
      const next = text[i + 1];
      if (next !== ' ' && next !== '\t' && next !== undefined && next !== '\n' && next !== '\r') break;
      markers++;
      i++;
      while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    }
    const block = 2 * indents.length + markers;
    if (block + flow > limit) return pos;
    for (let j = pos; j < end; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x5b || c === 0x7b) {
        flow++;
        if (block + flow > limit) return j;
      } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    }
    pos = end + 1;
  }
  return null;
}
