/** Reused export output buffers: same-size reuse only after release, foreign views ignored, bounded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputBuffers } from '../../src/export/output-buffers.js';

test('a released buffer is handed to the next take of the same size, and only then', () => {
  const ob = new OutputBuffers();
  const a = ob.take(1000);
  const b = ob.take(1000);
  assert.notEqual(a.buffer, b.buffer);
  assert.equal(a.byteLength, 1000);
  assert.notEqual(ob.take(1000).buffer, a.buffer, 'not reused before release');
  ob.release(a);
  assert.equal(ob.take(999).byteLength, 999, 'other sizes get their own buffer');
  assert.equal(ob.take(1000).buffer, a.buffer);
  assert.notEqual(ob.take(1000).buffer, a.buffer, 'handed out once');
});

test('views, foreign buffers and double releases are ignored', () => {
  const ob = new OutputBuffers();
  const a = ob.take(64);
  ob.release(a.subarray(0, 32));
  ob.release(new Uint8Array(64));
  assert.notEqual(ob.take(64).buffer, a.buffer);
  ob.release(a);
  ob.release(new Uint8Array(a.buffer));
  assert.equal(ob.take(64).buffer, a.buffer);
  assert.notEqual(ob.take(64).buffer, a.buffer);
});

test('at most keepBytes of released buffers are kept; shared buffers are SharedArrayBuffers', () => {
  const ob = new OutputBuffers(true, 100);
  const [a, b] = [ob.take(60), ob.take(60)];
  assert.ok(a.buffer instanceof SharedArrayBuffer);
  ob.release(a);
  ob.release(b); // over the bound: dropped
  assert.equal(ob.take(60).buffer, a.buffer);
  assert.notEqual(ob.take(60).buffer, b.buffer);
  assert.ok(!(new OutputBuffers().take(8).buffer instanceof SharedArrayBuffer));
});
