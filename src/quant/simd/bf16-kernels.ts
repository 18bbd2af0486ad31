/**
 * WebAssembly SIMD kernels for the two passes a per-tensor FP8 export makes over bf16 bits: the
 * magnitude maximum (eight patterns per instruction) and the E4M3 cast of W / ws, computed on
 * four float32 lanes at a time with the same roundings as castE4M3Torch (no lookup table).
 * Bits are copied through a small window of the module's memory, so callers keep plain arrays.
 */
import { assembleModule, op, simd, type WasmFunction } from './wasm-assembler.js';

/** Elements per window: 32 KiB of bits in, 16 KiB of codes out (stays in L1/L2). */
export const SIMD_WINDOW = 16384;
const SRC = 0;
const DST = SIMD_WINDOW * 2;

const { localGet: get, localSet: set, i32Const } = op;
const lanes = (v: number) => simd.i32x4Const(v);

/** maxMagnitude(p, end): max of (u16 & 0x7FFF) over [p, end), end - p a multiple of 16 bytes. */
function maxMagnitudeFn(): WasmFunction {
  const [P, END, ACC, MASK] = [0, 1, 2, 3];
  const fold = (order: number[]) => [
    ...get(ACC),
    ...get(ACC),
    ...get(ACC),
    ...simd.shuffle(order),
    ...simd.i16x8MaxU,
    ...set(ACC),
  ];
  const rest = (from: number) => Array.from({ length: 16 - from }, (_, k) => from + k);
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
      // fold the eight lanes: halves, quarters, pairs
      ...fold([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]),
      ...fold([4, 5, 6, 7, 0, 1, 2, 3, ...rest(8)]),
      ...fold([2, 3, 0, 1, ...rest(4)]),
      ...get(ACC),
      ...simd.i16x8ExtractLaneU(0),
    ],
  };
}

/**
 * fp8Codes(src, end, dst, ws, roundMask): E4M3 codes of 16 bf16 patterns per step. Each lane:
 * q = f32(x / ws); with roundMask all-ones q is rounded to bf16 first (round half to even on the
 * bits, NaN -> +NaN as torch's cast gives); then castE4M3Torch(q): NaN or |q| > 464 -> 0x7F with
 * q's sign (the hardware's NaN sign, as in the scalar code), |q| >= 448 -> 0x7E,
 * normals by round-half-even on the float32 bits, subnormals as nearest-even multiples of 2^-9.
 */
function fp8CodesFn(): WasmFunction {
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

export interface Bf16Simd {
  /** Largest (bits[i] & 0x7FFF) over [start, start + n); n must be a multiple of 8. */
  maxMagnitude(bits: Uint16Array, start: number, n: number): number;
  /**
   * codes[start + i] = castE4M3Torch(q) for i < n (a multiple of 16), q = f32(x / ws), rounded
   * to bf16 first when `roundToBf16`.
   */
  fp8Codes(
    bits: Uint16Array,
    start: number,
    n: number,
    ws: number,
    roundToBf16: boolean,
    codes: Uint8Array,
  ): void;
}

interface Exports {
  memory: { buffer: ArrayBuffer };
  maxMagnitude(p: number, end: number): number;
  fp8Codes(src: number, end: number, dst: number, ws: number, round: number): void;
}

/** The module's bytes (exported for tests that check it validates). */
export function bf16KernelModule(): Uint8Array {
  return assembleModule([maxMagnitudeFn(), fp8CodesFn()], 1);
}

/** The part of the WebAssembly global used here (Node's types do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
}

function instantiate(): Bf16Simd | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const bytes = bf16KernelModule();
  if (!wasm || !wasm.validate(bytes)) return null;
  const k = new wasm.Instance(new wasm.Module(bytes)).exports as Exports;
  const mem8 = new Uint8Array(k.memory.buffer);
  const mem16 = new Uint16Array(k.memory.buffer);
  return {
    maxMagnitude(bits, start, n) {
      let m = 0;
      for (let i = 0; i < n; i += SIMD_WINDOW) {
        const len = Math.min(SIMD_WINDOW, n - i);
        mem16.set(bits.subarray(start + i, start + i + len), SRC / 2);
        m = Math.max(m, k.maxMagnitude(SRC, SRC + len * 2));
      }
      return m;
    },
    fp8Codes(bits, start, n, ws, roundToBf16, codes) {
      for (let i = 0; i < n; i += SIMD_WINDOW) {
        const len = Math.min(SIMD_WINDOW, n - i);
        mem16.set(bits.subarray(start + i, start + i + len), SRC / 2);
        k.fp8Codes(SRC, SRC + len * 2, DST, ws, roundToBf16 ? -1 : 0);
        codes.set(mem8.subarray(DST, DST + len), start + i);
      }
    },
  };
}

let cached: Bf16Simd | null | undefined;

/** The kernels, or null where WebAssembly SIMD is missing or MOPT_SIMD=0 turns it off. */
export function bf16Simd(): Bf16Simd | null {
  if (cached === undefined) cached = process.env.MOPT_SIMD === '0' ? null : instantiate();
  return cached;
}
