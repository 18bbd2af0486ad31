/** WebAssembly SIMD maxima of bf16 magnitude bits: over a range, and per block. */
import { op, simd, type WasmFunction } from './wasm-assembler.js';

const { localGet: get, localSet: set, i32Const } = op;
const lanes = (v: number) => simd.i32x4Const(v);

/** maxMagnitude(p, end): max of (u16 & 0x7FFF) over [p, end), end - p a multiple of 16 bytes. */
export function maxMagnitudeFn(): WasmFunction {
  const [P, END, ACC, MASK] = [0, 1, 2, 3];
  return {
    name: 'maxMagnitude',
    params: ['i32', 'i32'],
    results: ['i32'],
    locals: ['v128', 'v128'],
    body: [
      ...lanes(0x7fff7fff),
      ...set(MASK),
      ...op.block,
      ...op.loop,
      ...get(P),
      ...get(END),
      ...op.i32GeU,
      ...op.brIf(1),
      ...get(ACC),
      ...get(P),
      ...simd.load(),
      ...get(MASK),
      ...simd.and,
      ...simd.i16x8MaxU,
      ...set(ACC),
      ...get(P),
      ...i32Const(16),
      ...op.i32Add,
      ...set(P),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...foldMaxU16(ACC),
      ...get(ACC),
      ...simd.i16x8ExtractLaneU(0),
    ],
  };
}

/** Folds the eight u16 lanes of local `acc` to their maximum in lane 0 (halves, quarters, pairs). */
function foldMaxU16(acc: number): number[] {
  const rest = (from: number) => Array.from({ length: 16 - from }, (_, k) => from + k);
  const step = (order: number[]) => [
    ...get(acc),
    ...get(acc),
    ...get(acc),
    ...simd.shuffle(order),
    ...simd.i16x8MaxU,
    ...set(acc),
  ];
  return [
    ...step([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]),
    ...step([4, 5, 6, 7, 0, 1, 2, 3, ...rest(8)]),
    ...step([2, 3, 0, 1, ...rest(4)]),
  ];
}

/** blockMax(src, end, dst, blockBytes): u16 max of (bits & 0x7FFF) per block; blockBytes % 16 == 0. */
export function blockMaxFn(): WasmFunction {
  const [SRCP, END, DSTP, BLOCK, ACC, MASK, BLOCK_END] = [0, 1, 2, 3, 4, 5, 6];
  return {
    name: 'blockMax',
    params: ['i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: ['v128', 'v128', 'i32'],
    body: [
      ...lanes(0x7fff7fff),
      ...set(MASK),
      ...op.block,
      ...op.loop,
      ...get(SRCP),
      ...get(END),
      ...op.i32GeU,
      ...op.brIf(1),
      ...lanes(0),
      ...set(ACC),
      ...get(SRCP),
      ...get(BLOCK),
      ...op.i32Add,
      ...set(BLOCK_END),
      ...op.loop,
      ...get(ACC),
      ...get(SRCP),
      ...simd.load(),
      ...get(MASK),
      ...simd.and,
      ...simd.i16x8MaxU,
      ...set(ACC),
      ...get(SRCP),
      ...i32Const(16),
      ...op.i32Add,
      ...op.localTee(SRCP),
      ...get(BLOCK_END),
      ...op.i32LtU,
      ...op.brIf(0),
      ...op.end,
      ...foldMaxU16(ACC),
      ...get(DSTP),
      ...get(ACC),
      ...simd.i16x8ExtractLaneU(0),
      ...op.i32Store16(),
      ...get(DSTP),
      ...i32Const(2),
      ...op.i32Add,
      ...set(DSTP),
      ...op.br(0),
      ...op.end,
      ...op.end,
    ],
  };
}
