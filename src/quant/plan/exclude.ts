/**
 * `exclude_modules` of hf_quant_config.json (quant-engine.md §4.7): the unquantized modules,
 * compressed with prefix wildcards cut at dots, never covering a quantized module; sorted.
 */

/** Every `prefix*` of `name` (all cut points, including `*` and `name*`) plus the name itself. */
function blockedPatterns(name: string, into: Set<string>): void {
  into.add(name);
  for (let i = 0; i <= name.length; i += 1) into.add(`${name.slice(0, i)}*`);
}

/**
 * Candidate pattern groups for one excluded module, most general first: at each dot, `prefix*`
 * and then the pair {prefix, prefix.*}; finally the exact name.
 */
function* candidateGroups(name: string): Generator<string[]> {
  for (let i = 0; i < name.length; i += 1) {
    if (name[i] !== '.') continue;
    const prefix = name.slice(0, i);
    yield [`${prefix}*`];
    yield [prefix, `${prefix}.*`];
  }
  yield [name];
}

export function summarizeExcludeModules(
  unquantized: readonly string[],
  quantized: readonly string[],
): string[] {
  const blocked = new Set<string>();
  for (const q of quantized) blockedPatterns(q, blocked);
  const result = new Set<string>();
  for (const name of unquantized) {
    let chosen: string[] = [];
    for (const group of candidateGroups(name)) {
      if (group.some((p) => blocked.has(p))) continue;
      if (group.every((p) => result.has(p))) break;
      chosen = group;
      break;
    }
    const [a, b] = chosen;
    // the {prefix, prefix.*} pair is written as just `prefix.*`
    if (chosen.length === 2 && b === `${a}.*`) result.add(b);
    else for (const p of chosen) result.add(p);
  }
  return [...result].sort(codePointCompare);
}

/** Python's default string ordering (by code point). */
function codePointCompare(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
