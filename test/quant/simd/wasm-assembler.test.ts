/** The WebAssembly writer: LEB128 encodings and a module the engine accepts and runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleModule, op, simd, sleb, uleb } from '../../../src/quant/simd/wasm-assembler.js';

interface Wasm {
  validate(b: Uint8Array): boolean;
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

test('unsigned and signed LEB128 match the spec examples', () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(sleb(0), [0]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(-64), [0x40]);
  assert.deepEqual(sleb(-65), [0xbf, 0x7f]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(0xffff0000 | 0), [0x80, 0x80, 0x7c]);
});

test('an assembled module validates, exports its memory and runs scalar and SIMD code', () => {
  const bytes = assembleModule(
    [
      {
        name: 'add',
        params: ['i32', 'i32'],
        results: ['i32'],
        locals: [],
        body: [...op.localGet(0), ...op.localGet(1), ...op.i32Add],
      },
      {
        // lane 0 of max_u(v, 0x0005 splat) for the v128 at address p
        name: 'lane0',
        params: ['i32'],
        results: ['i32'],
        locals: ['v128'],
        body: [
          ...op.localGet(0),
          ...simd.load(),
          ...simd.i32x4Const(0x00050005),
          ...simd.i16x8MaxU,
          ...simd.i16x8ExtractLaneU(0),
        ],
      },
    ],
    1,
  );
  assert.equal(wasm.validate(bytes), true);
  const ex = new wasm.Instance(new wasm.Module(bytes)).exports as {
    add(a: number, b: number): number;
    lane0(p: number): number;
    memory: { buffer: ArrayBuffer };
  };
  assert.equal(ex.add(2, 40), 42);
  assert.equal(ex.memory.buffer.byteLength, 65536);
  const m16 = new Uint16Array(ex.memory.buffer);
  m16[8] = 3;
  assert.equal(ex.lane0(16), 5);
  m16[8] = 0xfff0;
  assert.equal(ex.lane0(16), 0xfff0);
});
