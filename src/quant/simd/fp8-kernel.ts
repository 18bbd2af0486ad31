/** WebAssembly SIMD kernel: E4M3 codes of bf16 weights divided by one per-tensor scale. */
import { op, simd, type WasmFunction } from './wasm-assembler.js';

const { localGet: get, localSet: set, i32Const } = op;
const lanes = (v: number) => simd.i32x4Const(v);

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
  const widen = (extend: number[], out: number) => [
    ...get(V),
    ...extend,
    ...i32Const(16),
    ...simd.i32x4Shl,
    ...convert(out),
  ];
  const half = (offset: number, a: number, b: number) => [
    ...get(SRCP),
    ...simd.load(offset),
    ...set(V),
    ...widen(simd.i32x4ExtendLowI16x8U, a),
    ...widen(simd.i32x4ExtendHighI16x8U, b),
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
      ...op.block,
      ...op.loop,
      ...get(SRCP),
      ...get(END),
      ...op.i32GeU,
      ...op.brIf(1),
      ...half(0, ASSIGN[0]!, ASSIGN[1]!),
      ...half(16, ASSIGN[2]!, ASSIGN[3]!),
      ...get(DSTP),
      ...get(ASSIGN[0]!),
      ...get(ASSIGN[1]!),
      ...simd.i16x8NarrowI32x4U,
      ...get(ASSIGN[2]!),
      ...get(ASSIGN[3]!),
      ...simd.i16x8NarrowI32x4U,
      ...simd.i8x16NarrowI16x8U,
      ...simd.store(),
      ...get(SRCP),
      ...i32Const(32),
      ...op.i32Add,
      ...set(SRCP),
      ...get(DSTP),
      ...i32Const(16),
      ...op.i32Add,
      ...set(DSTP),
      ...op.br(0),
      ...op.end,
      ...op.end,
    ],
  };
}
