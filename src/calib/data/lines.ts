/**
 * Reads a UTF-8 text file line by line in fixed-size chunks, so a huge .jsonl or .txt costs only the lines used.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { MoptError } from '../../errors.js';

const CHUNK_BYTES = 1 << 20;

/** Lines without their "\n" or "\r\n"; `lineNo` is 1-based. Stop early and the file is closed. */
export function* readLines(file: string): Generator<{ line: string; lineNo: number }> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new MoptError('file-not-found', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      pending += n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end();
      let start = 0;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
        const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        const line = pending.slice(start, end);
        yield { line: lineNo === 0 && line.startsWith('\uFEFF') ? line.slice(1) : line, lineNo: ++lineNo };
        start = nl + 1;
      }
      pending = pending.slice(start);
      if (n === 0) break;
    }
    if (pending.length > 0)
      yield { line: pending.endsWith('\r') ? pending.slice(0, -1) : pending, lineNo: ++lineNo };
  } finally {
    closeSync(fd);
  }
}
