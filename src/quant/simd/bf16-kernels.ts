/**
 * WebAssembly SIMD kernels over bf16 bits for the export: the magnitude maximum (eight patterns
 * per instruction), per tensor and per block; the E4M3 cast of W / ws with the roundings of
 * castE4M3Torch; and NVFP4 nibbles of W / block denominator, four float32 lanes at a time.
 * Bits are copied through a small window of the module's memory, so callers keep plain arrays.
 */
import { fp4PackFn, type Fp4Rule } from './fp4-kernel.js';
import { fp8CodesFn } from './fp8-kernel.js';
import { int4PackFn } from './int4-kernel.js';
import { blockMaxFn, maxMagnitudeFn } from './max-kernels.js';
import { assembleModule } from './wasm-assembler.js';

/** Elements per window of the element-wise kernels: 32 KiB of bits in, at most 16 KiB out (L1/L2). */
export const SIMD_WINDOW = 16384;
/** Elements per window of the INT4 kernel (whole row pairs: rows up to 32768 columns). */
export const INT4_WINDOW = 65536;
// the module's memory (4 pages): bits in, results out, per-block scales or denominators
const SRC = 0;
const DST = 128 * 1024;
const AUX = 192 * 1024;

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
   * NVFP4 or MXFP4 export nibbles of [start, start + n) (n a multiple of 16), run k of 16 elements
   * divided by denoms[dStart + k], packed two per byte into packed[pStart..).
   */
  fp4Pack(
    rule: Fp4Rule,
    bits: Uint16Array,
    start: number,
    n: number,
    denoms: Float32Array,
    dStart: number,
    packed: Uint8Array,
    pStart: number,
  ): void;
  /**
   * INT4 export bytes of a rows x cols bf16 weight (rows even, cols % runSize == 0, runSize % 8 == 0,
   * cols <= INT4_WINDOW / 2): code = clamp(rint(f32(x / ws)), lo, hi) with row r, run j scaled by
   * rowWs[r * (cols / runSize) + j]; rows 2p and 2p+1 share byte p * cols + c (even row low).
   */
  int4Pack(
    bits: Uint16Array,
    rows: number,
    cols: number,
    runSize: number,
    rowWs: Float32Array,
    lo: number,
    hi: number,
    packed: Uint8Array,
  ): void;
}

interface Exports {
  memory: { buffer: ArrayBuffer };
  maxMagnitude(p: number, end: number): number;
  fp8Codes(src: number, end: number, dst: number, ws: number, round: number): void;
  blockMax(src: number, end: number, dst: number, blockBytes: number): void;
  nvfp4Pack(src: number, end: number, denoms: number, dst: number): void;
  mxfp4Pack(src: number, end: number, denoms: number, dst: number): void;
  int4Pack(
    src: number,
    end: number,
    rowBytes: number,
    runBytes: number,
    ws: number,
    dst: number,
    lo: number,
    hi: number,
    wsRowBytes: number,
  ): void;
}

/** The module's bytes (exported for tests that check it validates). */
export function bf16KernelModule(): Uint8Array {
  return assembleModule(
    [maxMagnitudeFn(), fp8CodesFn(), blockMaxFn(), fp4PackFn('nvfp4'), fp4PackFn('mxfp4'), int4PackFn()],
    4,
  );
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
    fp4Pack(rule, bits, start, n, denoms, dStart, packed, pStart) {
      const pack = rule === 'nvfp4' ? k.nvfp4Pack : k.mxfp4Pack;
      for (let i = 0; i < n; i += SIMD_WINDOW) {
        const len = Math.min(SIMD_WINDOW, n - i);
        mem16.set(bits.subarray(start + i, start + i + len), SRC / 2);
        memF32.set(denoms.subarray(dStart + i / 16, dStart + (i + len) / 16), AUX / 4);
        pack(SRC, SRC + len * 2, AUX, DST);
        packed.set(mem8.subarray(DST, DST + len / 2), pStart + i / 2);
      }
    },
    int4Pack(bits, rows, cols, runSize, rowWs, lo, hi, packed) {
      const perRow = cols / runSize;
      const pairsPerWindow = Math.floor(INT4_WINDOW / (2 * cols));
      for (let p0 = 0; p0 < rows / 2; p0 += pairsPerWindow) {
        const np = Math.min(pairsPerWindow, rows / 2 - p0);
        mem16.set(bits.subarray(2 * p0 * cols, 2 * (p0 + np) * cols), SRC / 2);
        memF32.set(rowWs.subarray(2 * p0 * perRow, 2 * (p0 + np) * perRow), AUX / 4);
        k.int4Pack(SRC, SRC + np * 4 * cols, cols * 2, runSize * 2, AUX, DST, lo, hi, perRow * 4);
        packed.set(mem8.subarray(DST, DST + np * cols), p0 * cols);
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
