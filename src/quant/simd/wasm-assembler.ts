/**
 * A small WebAssembly binary writer: one module with its own exported memory and a few functions
 * over i32 / f32 / v128 values. Enough to hand-write numeric kernels without a toolchain; the
 * opcodes used are named in `op` and `simd` (numbers from the WebAssembly 2.0 core spec).
 */

export type ValType = 'i32' | 'f32' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

export interface WasmFunction {
  name: string;
  params: ValType[];
  results: ValType[];
  /** Extra locals after the parameters, in index order. */
  locals: ValType[];
  /** The instructions, without the final `end`. */
  body: number[];
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => vec([...Buffer.from(s, 'utf8')].map((b) => [b]));

/** Scalar instructions (memarg alignments are log2 of the access size). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v | 0)],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  i32Store16: (offset = 0) => [0x3b, 1, ...uleb(offset)],
  i64Store: (offset = 0) => [0x37, 3, ...uleb(offset)],
};

const simdOp = (code: number, ...imm: number[]): number[] => [0xfd, ...uleb(code), ...imm];

/** Fixed-width SIMD instructions (prefix 0xFD). */
export const simd = {
  load: (offset = 0) => simdOp(0x00, 4, ...uleb(offset)),
  store: (offset = 0) => simdOp(0x0b, 4, ...uleb(offset)),
  i32x4Const: (lane: number) => {
    const b = Buffer.alloc(16);
    for (let k = 0; k < 4; k++) b.writeInt32LE(lane | 0, 4 * k);
    return simdOp(0x0c, ...b);
  },
  shuffle: (lanes: number[]) => simdOp(0x0d, ...lanes),
  i32x4Splat: simdOp(0x11),
  f32x4Splat: simdOp(0x13),
  i16x8ExtractLaneU: (lane: number) => simdOp(0x19, lane),
  i64x2ExtractLane: (lane: number) => simdOp(0x1d, lane),
  i32x4Eq: simdOp(0x37),
  i32x4LtS: simdOp(0x39),
  i32x4GtS: simdOp(0x3b),
  i32x4GeS: simdOp(0x3f),
  f32x4Ne: simdOp(0x42),
  f32x4Lt: simdOp(0x43),
  f32x4Gt: simdOp(0x44),
  f32x4Ge: simdOp(0x46),
  not: simdOp(0x4d),
  and: simdOp(0x4e),
  andnot: simdOp(0x4f),
  or: simdOp(0x50),
  bitselect: simdOp(0x52),
  i8x16NarrowI16x8U: simdOp(0x66),
  f32x4Nearest: simdOp(0x6a),
  i16x8NarrowI32x4S: simdOp(0x85),
  i16x8NarrowI32x4U: simdOp(0x86),
  i16x8Shl: simdOp(0x8b),
  i16x8ShrU: simdOp(0x8d),
  i16x8MaxU: simdOp(0x99),
  i32x4Neg: simdOp(0xa1),
  i32x4ExtendLowI16x8U: simdOp(0xa9),
  i32x4ExtendHighI16x8U: simdOp(0xaa),
  i32x4Shl: simdOp(0xab),
  i32x4ShrU: simdOp(0xad),
  i32x4Add: simdOp(0xae),
  i32x4Sub: simdOp(0xb1),
  i32x4MinS: simdOp(0xb6),
  i32x4MaxS: simdOp(0xb8),
  f32x4Abs: simdOp(0xe0),
  f32x4Mul: simdOp(0xe6),
  f32x4Div: simdOp(0xe7),
  i32x4TruncSatF32x4S: simdOp(0xf8),
};

/** The module's bytes: exported memory "memory" of `pages` 64 KiB pages, then each function by name. */
export function assembleModule(functions: WasmFunction[], pages: number): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vec(f.params.map((t) => [VALTYPE[t]])),
    ...vec(f.results.map((t) => [VALTYPE[t]])),
  ]);
  const exports = [
    [...name('memory'), 0x02, 0],
    ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  const bodies = functions.map((f) => {
    const body = [...vec(f.locals.map((t) => [1, VALTYPE[t]])), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
