/** WebAssembly SIMD maxima of bf16 magnitude bits: over a range, and per block. */
import { bump, get, lanes, set, whileBelow } from './kernel-parts.js';
import { op, simd, type WasmFunction } from './wasm-assembler.js';

/** acc = max_u(acc, v128 at ptr & mask): eight magnitudes folded in. */
function accumulate(acc: number, ptr: number, mask: number): number[] {
  return [
    ...get(acc),
    ...get(ptr),
    ...simd.load(),
    ...get(mask),
    ...simd.and,
    ...simd.i16x8MaxU,
    ...set(acc),
  ];
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
      ...whileBelow(P, END, [...accumulate(ACC, P, MASK), ...bump(P, 16)]),
      ...foldMaxU16(ACC),
      ...get(ACC),
      ...simd.i16x8ExtractLaneU(0),
    ],
  };
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
      ...whileBelow(SRCP, END, [
        ...lanes(0),
        ...set(ACC),
        ...get(SRCP),
        ...get(BLOCK),
        ...op.i32Add,
        ...set(BLOCK_END),
        ...whileBelow(SRCP, BLOCK_END, [...accumulate(ACC, SRCP, MASK), ...bump(SRCP, 16)]),
        ...foldMaxU16(ACC),
        ...get(DSTP),
        ...get(ACC),
        ...simd.i16x8ExtractLaneU(0),
        ...op.i32Store16(),
        ...bump(DSTP, 2),
      ]),
    ],
  };
}
