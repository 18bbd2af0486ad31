/** The quantize progress line: rewritten in place on a terminal, one plain line per 10% otherwise. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressLine, progressReporter } from '../../src/cli/commands/quantize.js';

const step = (done: number, elapsedMs: number): Parameters<typeof progressLine>[0] => ({
  done,
  total: 20,
  bytesRead: done * 1e8,
  totalBytes: 20e8,
  elapsedMs,
});

describe('quantize progress', () => {
  it('shows tensors, bytes, GB/s and ETA', () => {
    assert.equal(
      progressLine(step(5, 1000)),
      'quantize: 5/20 tensors, 500.0 MB of 2.00 GB, 0.500 GB/s, ETA 3 s',
    );
  });

  it('plain lines at each 10% when stderr is not a terminal', () => {
    const lines: string[] = [];
    const report = progressReporter({ stdout: () => {}, stderr: (t) => lines.push(t) }, false);
    for (let d = 1; d <= 20; d++) report(step(d, d * 10));
    assert.equal(lines.length, 11, 'the first tensor, then every 10% up to 100%');
    assert.ok(lines.every((l) => l.endsWith('\n') && !l.includes('\r')));
  });

  it('one carriage-return line on a terminal, throttled, ending with a newline', () => {
    const out: string[] = [];
    const report = progressReporter({ stdout: () => {}, stderr: (t) => out.push(t) }, true);
    for (let d = 1; d <= 20; d++) report(step(d, d * 10));
    assert.ok(out.length < 20 && out.length >= 2);
    assert.ok(out.every((t) => t.startsWith('\r')));
    assert.ok(out.at(-1)!.includes('20/20') && out.at(-1)!.endsWith('\n'));
  });
});
