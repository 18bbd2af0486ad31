/**
 * WebAssembly SIMD kernel: INT4 codes of bf16 weights, packed as ModelOpt packs them (rows 2p and
 * 2p+1 share a byte per column: low nibble from the even row), each row in runs with their own scale.
 */
import { bump, get, i32Const, lanes, set, storeLowBytes, widenBf16 } from './kernel-parts.js';
import { op, simd, type WasmFunction } from './wasm-assembler.js';

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
  const half = (which: 'low' | 'high', w: number) => [
    ...widenBf16(V, which),
    ...get(w),
    ...simd.f32x4Div,
    ...simd.f32x4Nearest,
    ...simd.i32x4TruncSatF32x4S,
    ...get(HI),
    ...simd.i32x4MinS,
    ...get(LO),
    ...simd.i32x4MaxS,
  ];
  const codes = (w: number) => [...half('low', w), ...half('high', w), ...simd.i16x8NarrowI32x4S];
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
      ...storeLowBytes(DSTP, X),
      ...bump(A, 16),
      ...bump(DSTP, 8),
      ...get(A),
      ...get(RUN_END),
      ...op.i32LtU,
      ...op.brIf(0),
      ...op.end,
      ...bump(WSA, 4),
      ...bump(WSB, 4),
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
