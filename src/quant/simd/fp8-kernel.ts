/** WebAssembly SIMD kernel: E4M3 codes of bf16 weights divided by one per-tensor scale. */
import { bump, get, i32Const, lanes, narrowToBytes, set, sixteenFloats, whileBelow } from './kernel-parts.js';
import { simd, type WasmFunction } from './wasm-assembler.js';

/**
 * fp8Codes(src, end, dst, ws, roundMask): E4M3 codes of 16 bf16 patterns per step. Each lane:
 * q = f32(x / ws); with roundMask all-ones q is rounded to bf16 first (round half to even on the
 * bits, NaN -> +NaN as torch's cast gives); then castE4M3Torch(q): NaN or |q| > 464 -> 0x7F with
 * q's sign (the hardware's NaN sign, as in the scalar code), |q| >= 448 -> 0x7E,
 * normals by round-half-even on the float32 bits, subnormals as nearest-even multiples of 2^-9.
 */
export function fp8CodesFn(): WasmFunction {
  const [SRCP, END, DSTP, WS, ROUND] = [0, 1, 2, 3, 4];
  const [W, R, V, X, Q, A, C, C0] = [5, 6, 7, 8, 9, 10, 11, 12];
  const ASSIGN = [C0, C0 + 1, C0 + 2, C0 + 3];
  // the float32 bits of one i32x4 on the stack -> codes in local `out`
  const convert = (out: number) => [
    ...set(X),
    ...get(X),
    ...get(W),
    ...simd.f32x4Div,
    ...set(Q),
    // bf16 rounding of the quotient: (q + 0x7FFF + ((q >> 16) & 1)) & 0xFFFF0000, kept where R
    ...get(Q),
    ...lanes(0x7fff),
    ...simd.i32x4Add,
    ...get(Q),
    ...i32Const(16),
    ...simd.i32x4ShrU,
    ...lanes(1),
    ...simd.and,
    ...simd.i32x4Add,
    ...lanes(0xffff0000),
    ...simd.and,
    ...get(Q),
    ...get(R),
    ...simd.bitselect,
    ...set(X),
    ...get(X),
    ...lanes(0x7fffffff),
    ...simd.and,
    ...set(A),
    // subnormal code: nearest-even count of 2^-9 steps
    ...get(A),
    ...lanes(0x44000000), // 512.0f
    ...simd.f32x4Mul,
    ...simd.f32x4Nearest,
    ...simd.i32x4TruncSatF32x4S,
    // normal code: round the mantissa to 3 bits on the float32 bits, rebias the exponent (127 -> 7)
    ...get(A),
    ...lanes(0x7ffff),
    ...simd.i32x4Add,
    ...get(A),
    ...i32Const(20),
    ...simd.i32x4ShrU,
    ...lanes(1),
    ...simd.and,
    ...simd.i32x4Add,
    ...i32Const(20),
    ...simd.i32x4ShrU,
    ...lanes(120 << 3),
    ...simd.i32x4Sub,
    ...get(A),
    ...lanes(0x3c800000), // 2^-6, the smallest normal
    ...simd.i32x4LtS,
    ...simd.bitselect,
    ...set(C),
    ...lanes(0x7e),
    ...get(C),
    ...get(A),
    ...lanes(0x43e00000), // 448
    ...simd.i32x4GeS,
    ...simd.bitselect,
    ...set(C),
    ...lanes(0x7f),
    ...get(C),
    ...get(A),
    ...lanes(0x43e80000), // 464
    ...simd.i32x4GtS,
    ...simd.bitselect,
    ...get(X),
    ...i32Const(24),
    ...simd.i32x4ShrU,
    ...lanes(0x80),
    ...simd.and,
    ...simd.or,
    ...set(C),
    ...lanes(0x7f),
    ...get(C),
    ...get(Q),
    ...get(Q),
    ...simd.f32x4Ne,
    ...get(R),
    ...simd.and,
    ...simd.bitselect,
    ...set(out),
  ];
  return {
    name: 'fp8Codes',
    params: ['i32', 'i32', 'i32', 'f32', 'i32'],
    results: [],
    locals: ['v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128'],
    body: [
      ...get(WS),
      ...simd.f32x4Splat,
      ...set(W),
      ...get(ROUND),
      ...simd.i32x4Splat,
      ...set(R),
      ...whileBelow(SRCP, END, [
        ...sixteenFloats(SRCP, V, convert, ASSIGN),
        ...get(DSTP),
        ...narrowToBytes(ASSIGN),
        ...simd.store(),
        ...bump(SRCP, 32),
        ...bump(DSTP, 16),
      ]),
    ],
  };
}
