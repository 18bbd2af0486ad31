/** Instruction sequences the SIMD kernels share: locals, loops, pointer steps, bf16 widening, narrowing. */
import { op, simd } from './wasm-assembler.js';

export const { localGet: get, localSet: set, i32Const } = op;

/** A v128 constant with the same 32-bit value in every lane. */
export const lanes = (v: number): number[] => simd.i32x4Const(v);

/** while (ptr < end) { body }: the loop each kernel walks its window with. */
export function whileBelow(ptr: number, end: number, body: number[]): number[] {
  return [
    ...op.block,
    ...op.loop,
    ...get(ptr),
    ...get(end),
    ...op.i32GeU,
    ...op.brIf(1),
    ...body,
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** local += by, where `by` is a constant or instructions that push an i32. */
export function bump(local: number, by: number | number[]): number[] {
  return [...get(local), ...(typeof by === 'number' ? i32Const(by) : by), ...op.i32Add, ...set(local)];
}

/** Four bf16 lanes of local `v` (low or high half) as float32 bits: zero-extend, shift into the top. */
export function widenBf16(v: number, half: 'low' | 'high'): number[] {
  return [
    ...get(v),
    ...(half === 'low' ? simd.i32x4ExtendLowI16x8U : simd.i32x4ExtendHighI16x8U),
    ...i32Const(16),
    ...simd.i32x4Shl,
  ];
}

/**
 * The 16 bf16 values at `ptr` as four float32 vectors, each passed through `convert` (which takes
 * it from the stack and leaves its result in the local it is given: outs[0..3]), v as scratch.
 */
export function sixteenFloats(ptr: number, v: number, convert: (out: number) => number[], outs: number[]) {
  return [0, 16].flatMap((offset, k) => [
    ...get(ptr),
    ...simd.load(offset),
    ...set(v),
    ...widenBf16(v, 'low'),
    ...convert(outs[2 * k]!),
    ...widenBf16(v, 'high'),
    ...convert(outs[2 * k + 1]!),
  ]);
}

/** Four i32x4 locals holding values 0..255 as one v128 of 16 bytes on the stack (lane order kept). */
export function narrowToBytes(locals: number[]): number[] {
  return [
    ...get(locals[0]!),
    ...get(locals[1]!),
    ...simd.i16x8NarrowI32x4U,
    ...get(locals[2]!),
    ...get(locals[3]!),
    ...simd.i16x8NarrowI32x4U,
    ...simd.i8x16NarrowI16x8U,
  ];
}

/** The eight i16 lanes of local `x` (values 0..255) stored as 8 bytes at the address in local `dst`. */
export function storeLowBytes(dst: number, x: number): number[] {
  return [
    ...get(dst),
    ...get(x),
    ...get(x),
    ...simd.i8x16NarrowI16x8U,
    ...simd.i64x2ExtractLane(0),
    ...op.i64Store(),
  ];
}
