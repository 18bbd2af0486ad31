/**
 * WebAssembly SIMD kernels over bf16 bits for the export: the magnitude maximum (eight patterns
 * per instruction), per tensor and per block; the E4M3 cast of W / ws with the roundings of
 * castE4M3Torch; and NVFP4 nibbles of W / block denominator, four float32 lanes at a time.
 * Bits are copied through a small window of the module's memory, so callers keep plain arrays.
 */
import { assembleModule, op, simd, type WasmFunction } from './wasm-assembler.js';

/** Elements per window: 32 KiB of bits in, 16 KiB of codes out (stays in L1/L2). */
export const SIMD_WINDOW = 16384;
const SRC = 0;
const DST = SIMD_WINDOW * 2;
const DENOMS = DST + SIMD_WINDOW; // one float32 per 16-element block: SIMD_WINDOW / 4 bytes

const { localGet: get, localSet: set, i32Const } = op;
const lanes = (v: number) => simd.i32x4Const(v);

/** maxMagnitude(p, end): max of (u16 & 0x7FFF) over [p, end), end - p a multiple of 16 bytes. */
function maxMagnitudeFn(): WasmFunction {
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
function blockMaxFn(): WasmFunction {
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

/**
 * nvfp4Pack(src, end, denoms, dst): NVFP4 export nibbles of 16-element blocks, one float32
 * denominator per block; v = f32(x / denom); index = number of decision points passed (the
 * comparison chain of e2m1Index, NaN -> 7), sign bit when v < 0; even element in the low nibble.
 */
function nvfp4PackFn(): WasmFunction {
  const [SRCP, END, DENP, DSTP] = [0, 1, 2, 3];
  const [D, V, X, Q, A, N0, P] = [4, 5, 6, 7, 8, 9, 13];
  const convert = (out: number) => [
    ...set(X),
    ...get(X),
    ...get(D),
    ...simd.f32x4Div,
    ...op.localTee(Q),
    ...simd.f32x4Abs,
    ...set(A),
    ...E2M1_STEPS.flatMap(([bits, cmp], k) => [
      ...get(A),
      ...lanes(bits),
      ...(cmp === 'gt' ? simd.f32x4Gt : simd.f32x4Ge),
      ...(k > 0 ? simd.i32x4Add : []),
    ]),
    ...simd.i32x4Neg,
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
    ...set(out),
  ];
  const widen = (extend: number[], out: number) => [
    ...get(V),
    ...extend,
    ...i32Const(16),
    ...simd.i32x4Shl,
    ...convert(out),
  ];
  const half = (offset: number, out: number) => [
    ...get(SRCP),
    ...simd.load(offset),
    ...set(V),
    ...widen(simd.i32x4ExtendLowI16x8U, out),
    ...widen(simd.i32x4ExtendHighI16x8U, out + 1),
  ];
  const bump = (local: number, by: number) => [...get(local), ...i32Const(by), ...op.i32Add, ...set(local)];
  return {
    name: 'nvfp4Pack',
    params: ['i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: Array<'v128'>(10).fill('v128'),
    body: [
      ...op.block,
      ...op.loop,
      ...get(SRCP),
      ...get(END),
      ...op.i32GeU,
      ...op.brIf(1),
      ...get(DENP),
      ...op.f32Load(),
      ...simd.f32x4Splat,
      ...set(D),
      ...half(0, N0),
      ...half(16, N0 + 2),
      // 16 nibbles as bytes, then byte pairs (even, odd) -> even | odd << 4
      ...get(N0),
      ...get(N0 + 1),
      ...simd.i16x8NarrowI32x4U,
      ...get(N0 + 2),
      ...get(N0 + 3),
      ...simd.i16x8NarrowI32x4U,
      ...simd.i8x16NarrowI16x8U,
      ...set(P),
      ...get(DSTP),
      ...get(P),
      ...lanes(0x000f000f),
      ...simd.and,
      ...get(P),
      ...i32Const(4),
      ...simd.i16x8ShrU,
      ...simd.or,
      ...set(P),
      ...get(P),
      ...get(P),
      ...simd.i8x16NarrowI16x8U,
      ...simd.i64x2ExtractLane(0),
      ...op.i64Store(),
      ...bump(SRCP, 32),
      ...bump(DSTP, 8),
      ...bump(DENP, 4),
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
  /**
   * out[outStart + b] = max of (bits & 0x7FFF) over block b of [start, start + n), blocks of
   * `blockSize` (a multiple of 8) elements; n is a multiple of blockSize.
   */
  blockMaxMagnitude(
    bits: Uint16Array,
    start: number,
    n: number,
    blockSize: number,
    out: Uint16Array,
    outStart: number,
  ): void;
  /**
   * NVFP4 nibbles of [start, start + n) (n a multiple of 16), block b of 16 divided by
   * denoms[dStart + b], packed two per byte into packed[pStart..).
   */
  nvfp4Pack(
    bits: Uint16Array,
    start: number,
    n: number,
    denoms: Float32Array,
    dStart: number,
    packed: Uint8Array,
    pStart: number,
  ): void;
}

interface Exports {
  memory: { buffer: ArrayBuffer };
  maxMagnitude(p: number, end: number): number;
  fp8Codes(src: number, end: number, dst: number, ws: number, round: number): void;
  blockMax(src: number, end: number, dst: number, blockBytes: number): void;
  nvfp4Pack(src: number, end: number, denoms: number, dst: number): void;
}

/** The module's bytes (exported for tests that check it validates). */
export function bf16KernelModule(): Uint8Array {
  return assembleModule([maxMagnitudeFn(), fp8CodesFn(), blockMaxFn(), nvfp4PackFn()], 1);
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
  const memF32 = new Float32Array(k.memory.buffer);
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
    blockMaxMagnitude(bits, start, n, blockSize, out, outStart) {
      const window = Math.floor(SIMD_WINDOW / blockSize) * blockSize;
      for (let i = 0; i < n; i += window) {
        const len = Math.min(window, n - i);
        mem16.set(bits.subarray(start + i, start + i + len), SRC / 2);
        k.blockMax(SRC, SRC + len * 2, DST, blockSize * 2);
        out.set(mem16.subarray(DST / 2, DST / 2 + len / blockSize), outStart + i / blockSize);
      }
    },
    nvfp4Pack(bits, start, n, denoms, dStart, packed, pStart) {
      for (let i = 0; i < n; i += SIMD_WINDOW) {
        const len = Math.min(SIMD_WINDOW, n - i);
        mem16.set(bits.subarray(start + i, start + i + len), SRC / 2);
        memF32.set(denoms.subarray(dStart + i / 16, dStart + (i + len) / 16), DENOMS / 4);
        k.nvfp4Pack(SRC, SRC + len * 2, DENOMS, DST);
        packed.set(mem8.subarray(DST, DST + len / 2), pStart + i / 2);
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
