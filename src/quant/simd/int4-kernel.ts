/**
 * WebAssembly SIMD kernel: INT4 codes of bf16 weights, packed as ModelOpt packs them (rows 2p and
 * 2p+1 share a byte per column: low nibble from the even row), each row in runs with their own scale.
 */
import { op, simd, type WasmFunction } from './wasm-assembler.js';

const { localGet: get, localSet: set, i32Const } = op;
const lanes = (v: number) => simd.i32x4Const(v);

/**
 * int4Pack(src, end, rowBytes, runBytes, ws, dst, lo, hi, wsRowBytes): for every row pair in
 * [src, end), code = clamp(rint(f32(x / ws)), lo, hi) (NaN -> 0, as intEncodeRange gives), the
 * scale of each run read from `ws` (row after row, wsRowBytes apart); 8 columns per step.
 */
export function int4PackFn(): WasmFunction {
  const [SRCP, END, ROWB, RUNB, WSP, DSTP, LOI, HII, WSROWB] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [A, ROW_END, RUN_END, WSA, WSB] = [9, 10, 11, 12, 13];
  const [WA, WB, LO, HI, V, IA, X] = [14, 15, 16, 17, 18, 19, 20];
  // codes of the 8 bf16 columns in local V under scale W, as i16 lanes
  const half = (extend: number[], w: number) => [
    ...get(V),
    ...extend,
    ...i32Const(16),
    ...simd.i32x4Shl,
    ...get(w),
    ...simd.f32x4Div,
    ...simd.f32x4Nearest,
    ...simd.i32x4TruncSatF32x4S,
    ...get(HI),
    ...simd.i32x4MinS,
    ...get(LO),
    ...simd.i32x4MaxS,
  ];
  const codes = (w: number) => [
    ...half(simd.i32x4ExtendLowI16x8U, w),
    ...half(simd.i32x4ExtendHighI16x8U, w),
    ...simd.i16x8NarrowI32x4S,
  ];
  const bump = (local: number, by: number[]) => [...get(local), ...by, ...op.i32Add, ...set(local)];
  return {
    name: 'int4Pack',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: ['i32', 'i32', 'i32', 'i32', 'i32', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128'],
    body: [
      ...get(LOI),
      ...simd.i32x4Splat,
      ...set(LO),
      ...get(HII),
      ...simd.i32x4Splat,
      ...set(HI),
      ...op.block,
      ...op.loop, // row pairs
      ...get(SRCP),
      ...get(END),
      ...op.i32GeU,
      ...op.brIf(1),
      ...get(SRCP),
      ...set(A),
      ...get(SRCP),
      ...get(ROWB),
      ...op.i32Add,
      ...set(ROW_END),
      ...get(WSP),
      ...set(WSA),
      ...get(WSP),
      ...get(WSROWB),
      ...op.i32Add,
      ...set(WSB),
      ...op.loop, // runs of the pair
      ...get(WSA),
      ...op.f32Load(),
      ...simd.f32x4Splat,
      ...set(WA),
      ...get(WSB),
      ...op.f32Load(),
      ...simd.f32x4Splat,
      ...set(WB),
      ...get(A),
      ...get(RUNB),
      ...op.i32Add,
      ...set(RUN_END),
      ...op.loop, // 8 columns
      ...get(A),
      ...simd.load(),
      ...set(V),
      ...codes(WA),
      ...set(IA),
      ...get(A),
      ...get(ROWB),
      ...op.i32Add,
      ...simd.load(),
      ...set(V),
      ...codes(WB),
      ...lanes(0x000f000f),
      ...simd.and,
      ...i32Const(4),
      ...simd.i16x8Shl,
      ...get(IA),
      ...lanes(0x000f000f),
      ...simd.and,
      ...simd.or,
      ...set(X),
      ...get(DSTP),
      ...get(X),
      ...get(X),
      ...simd.i8x16NarrowI16x8U,
      ...simd.i64x2ExtractLane(0),
      ...op.i64Store(),
      ...bump(A, i32Const(16)),
      ...bump(DSTP, i32Const(8)),
      ...get(A),
      ...get(RUN_END),
      ...op.i32LtU,
      ...op.brIf(0),
      ...op.end,
      ...bump(WSA, i32Const(4)),
      ...bump(WSB, i32Const(4)),
      ...get(A),
      ...get(ROW_END),
      ...op.i32LtU,
      ...op.brIf(0),
      ...op.end,
      ...bump(SRCP, [...get(ROWB), ...get(ROWB), ...op.i32Add]),
      ...bump(WSP, [...get(WSROWB), ...get(WSROWB), ...op.i32Add]),
      ...op.br(0),
      ...op.end,
      ...op.end,
    ],
  };
}
