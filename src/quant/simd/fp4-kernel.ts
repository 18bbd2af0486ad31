/** WebAssembly SIMD kernels: NVFP4 and MXFP4 nibbles of bf16 weights, a denominator per 16 elements. */
import {
  bump,
  get,
  i32Const,
  lanes,
  narrowToBytes,
  set,
  sixteenFloats,
  storeLowBytes,
  whileBelow,
} from './kernel-parts.js';
import { op, simd, type WasmFunction } from './wasm-assembler.js';

/** float32 bit patterns of the E2M1 decision points, in order, with whether a tie rounds up. */
const E2M1_STEPS: Array<[number, 'gt' | 'ge']> = [
  [0x3e800000, 'gt'], // 0.25: a tie stays at 0
  [0x3f400000, 'ge'], // 0.75: a tie goes up to 1
  [0x3fa00000, 'gt'], // 1.25
  [0x3fe00000, 'ge'], // 1.75
  [0x40200000, 'gt'], // 2.5
  [0x40600000, 'ge'], // 3.5
  [0x40a00000, 'gt'], // 5
];

/** The E2M1 rounding of each export: NVFP4 (e2m1NibbleRNE) or MXFP4 (e2m1NibbleTiesDown). */
export type Fp4Rule = 'nvfp4' | 'mxfp4';

/**
 * <rule>Pack(src, end, denoms, dst): FP4 export nibbles of 16-element runs, one float32 denominator
 * per run; v = f32(x / denom); index = number of decision points v passes. NVFP4: ties as
 * e2m1Index's comparison chain, NaN -> 7, sign bit when v < 0. MXFP4: ties round down, and the
 * sign bit unless v > 0 (zeros and NaN carry it). Even element in the low nibble.
 */
export function fp4PackFn(rule: Fp4Rule): WasmFunction {
  const steps = rule === 'nvfp4' ? E2M1_STEPS : E2M1_STEPS.map(([bits]) => [bits, 'gt'] as const);
  const [SRCP, END, DENP, DSTP] = [0, 1, 2, 3];
  const [D, V, X, Q, A, N0, P] = [4, 5, 6, 7, 8, 9, 13];
  // index on the stack -> nibble on the stack
  const nvfp4Sign = [
    ...set(X),
    ...lanes(7),
    ...get(X),
    ...get(Q),
    ...get(Q),
    ...simd.f32x4Ne,
    ...simd.bitselect,
    ...get(Q),
    ...lanes(0),
    ...simd.f32x4Lt,
    ...lanes(8),
    ...simd.and,
    ...simd.or,
  ];
  const mxfp4Sign = [...lanes(8), ...get(Q), ...lanes(0), ...simd.f32x4Gt, ...simd.andnot, ...simd.or];
  const convert = (out: number) => [
    ...set(X),
    ...get(X),
    ...get(D),
    ...simd.f32x4Div,
    ...op.localTee(Q),
    ...simd.f32x4Abs,
    ...set(A),
    ...steps.flatMap(([bits, cmp], k) => [
      ...get(A),
      ...lanes(bits),
      ...(cmp === 'gt' ? simd.f32x4Gt : simd.f32x4Ge),
      ...(k > 0 ? simd.i32x4Add : []),
    ]),
    ...simd.i32x4Neg,
    ...(rule === 'nvfp4' ? nvfp4Sign : mxfp4Sign),
    ...set(out),
  ];
  return {
    name: `${rule}Pack`,
    params: ['i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: Array<'v128'>(10).fill('v128'),
    body: [
      ...whileBelow(SRCP, END, [
        ...get(DENP),
        ...op.f32Load(),
        ...simd.f32x4Splat,
        ...set(D),
        ...sixteenFloats(SRCP, V, convert, [N0, N0 + 1, N0 + 2, N0 + 3]),
        // 16 nibbles as bytes, then byte pairs (even, odd) -> even | odd << 4
        ...narrowToBytes([N0, N0 + 1, N0 + 2, N0 + 3]),
        ...set(P),
        ...get(P),
        ...lanes(0x000f000f),
        ...simd.and,
        ...get(P),
        ...i32Const(4),
        ...simd.i16x8ShrU,
        ...simd.or,
        ...set(P),
        ...storeLowBytes(DSTP, P),
        ...bump(SRCP, 32),
        ...bump(DSTP, 8),
        ...bump(DENP, 4),
      ]),
    ],
  };
}
