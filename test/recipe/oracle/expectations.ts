/**
 * The two listed exceptions to "mopt matches the golden": known schema-layer gaps (the golden check is
 * expected to FAIL, and a gap that starts passing fails the suite so the list stays honest) and
 * deliberate differences (mopt's documented behaviour is asserted instead of the golden).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readListed, type ListedCase } from './golden.js';

/** A known gap also says how its check fails today, so a different failure is not mistaken for it. */
interface KnownGap extends ListedCase {
  failure: string;
}

export const KNOWN_GAPS = readListed('known-gaps.json') as KnownGap[];
export const DELIBERATE = readListed('deliberate-differences.json');

function entriesFor<T extends ListedCase>(list: T[], file: string): Map<string, T> {
  return new Map(list.filter((e) => e.file === file).map((e) => [e.case, e]));
}

/**
 * Register one golden case: `check` must pass, unless the case is a listed known gap, in which case it
 * must fail (the failure message is kept in the test's diagnostic output).
 */
export function goldenCase(file: string, name: string, check: () => void): void {
  const gap = entriesFor(KNOWN_GAPS, file).get(name);
  if (!gap) {
    test(name, check);
    return;
  }
  test(`${name} [known schema-layer gap]`, (t) => {
    let failure: unknown;
    try {
      check();
    } catch (err) {
      failure = err;
    }
    assert.ok(failure, `listed as a known gap (${gap.reason}) but now matches the golden: remove it`);
    const message = failure instanceof Error ? failure.message : String(failure);
    assert.ok(message.includes(gap.failure), `fails differently from the listed gap:\n${message}`);
    t.diagnostic(`known gap: ${gap.reason}`);
  });
}

/** The cases of `file` that are listed as deliberate differences, by name. */
export function deliberateFor(file: string): Map<string, ListedCase> {
  return entriesFor(DELIBERATE, file);
}

/** Every entry of both lists for `file` must name a case the golden holds, and carry a reason. */
export function checkListsName(file: string, caseNames: readonly string[]): void {
  test(`${file}: expectation lists name existing cases`, () => {
    const known = new Set(caseNames);
    for (const entry of [...KNOWN_GAPS, ...DELIBERATE].filter((e) => e.file === file)) {
      assert.ok(known.has(entry.case), `${entry.case} is not a case of ${file}`);
      assert.ok(entry.reason.trim().length > 10, `${entry.case} needs a reason`);
    }
    for (const gap of KNOWN_GAPS.filter((e) => e.file === file)) {
      assert.ok(gap.failure?.length, `${gap.case} needs the failure it shows today`);
    }
  });
}
