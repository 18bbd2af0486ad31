/**
 * Safetensors dtypes and the bulk converters between them and float32.
 * Hot loops work on typed arrays and allocate nothing; each fast path sits beside a scalar version to test it against.
 * All conversions assume a little-endian host (checked once at import).
 */
import { endianness } from 'node:os';
import { MoptError } from '../errors.js';

if (endianness() !== 'LE') {
  throw new MoptError('unsupported-host', 'mopt needs a little-endian CPU: tensor files are little-endian', {
    exitCode: 1,
  });
}

/** Every dtype name the safetensors header may carry that we can read. */
export const DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
} as const;

export type Dtype = keyof typeof DTYPE_BYTES;

export function isDtype(name: unknown): name is Dtype {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, name);
}

export function dtypeBytes(dtype: Dtype): number {
  return DTYPE_BYTES[dtype];
}

/** The `torch_dtype` string HF writes into config.json for a float dtype. */
export function torchDtypeName(dtype: 'F32' | 'BF16' | 'F16'): string {
  return dtype === 'F32' ? 'float32' : dtype === 'BF16' ? 'bfloat16' : 'float16';
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

function f32Bits(x: number): number {
  scratchF32[0] = x;
  return scratchU32[0]!;
}

function bitsToF32(bits: number): number {
  scratchU32[0] = bits >>> 0;
  return scratchF32[0]!;
}

// ---------- bfloat16 ----------

/** bf16 bits of one float32 bit pattern: round to nearest even; NaN stays NaN (quiet bit set). */
function bf16FromF32Bits(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x0040) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export function numberToBf16(x: number): number {
  return bf16FromF32Bits(f32Bits(x));
}

export function bf16ToNumber(bits: number): number {
  return bitsToF32((bits & 0xffff) << 16);
}

export function bf16ToF32(src: Uint16Array, dst: Float32Array): Float32Array {
  const out = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  const n = Math.min(src.length, dst.length);
  for (let i = 0; i < n; i++) out[i] = src[i]! << 16;
  return dst;
}

export function f32ToBf16(src: Float32Array, dst: Uint16Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const n = Math.min(src.length, dst.length);
  for (let i = 0; i < n; i++) {
    const x = bits[i]!;
    dst[i] = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 0x0040 : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return dst;
}

// ---------- float16 ----------

/** f32 bit pattern of every f16 bit pattern (NaN payloads kept). */
const F16_TO_F32_BITS = (() => {
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) table[h] = (sign | f32Bits(mant * 2 ** -24)) >>> 0;
    else if (exp === 31) table[h] = (sign | 0x7f800000 | (mant << 13)) >>> 0;
    else table[h] = (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  }
  return table;
})();

/** f16 bits of one float32 bit pattern, round to nearest even, subnormals and overflow to infinity handled. */
function f16FromF32Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs > 0x7f800000) return sign | 0x7e00 | ((abs >>> 13) & 0x3ff);
  if (abs >= 0x477ff000) return sign | 0x7c00; // 65520 and above round to infinity
  if (abs >= 0x38800000) return sign | ((abs - 0x38000000 + 0xfff + ((abs >>> 13) & 1)) >>> 13);
  if (abs < 0x33000000) return sign; // below 2^-25: zero (2^-25 itself is a tie that goes to even zero)
  const shift = 126 - (abs >>> 23); // value / 2^-24 = mant24 >> shift
  const mant = (abs & 0x7fffff) | 0x800000;
  const half = 1 << (shift - 1);
  const rem = mant & ((1 << shift) - 1);
  let q = mant >>> shift;
  if (rem > half || (rem === half && (q & 1) === 1)) q++;
  return sign | q;
}

export function numberToF16(x: number): number {
  return f16FromF32Bits(f32Bits(x));
}

export function f16ToNumber(bits: number): number {
  return bitsToF32(F16_TO_F32_BITS[bits & 0xffff]!);
}

export function f16ToF32(src: Uint16Array, dst: Float32Array): Float32Array {
  const out = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  const table = F16_TO_F32_BITS;
  const n = Math.min(src.length, dst.length);
  for (let i = 0; i < n; i++) out[i] = table[src[i]!]!;
  return dst;
}

export function f32ToF16(src: Float32Array, dst: Uint16Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const n = Math.min(src.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = f16FromF32Bits(bits[i]!);
  return dst;
}

// ---------- 8-bit floats (decode only; encoding for quantization lives in src/quant) ----------

/** E4M3 "fn" variant: bias 7, no infinities, S.1111.111 is NaN, largest finite 448. */
export function e4m3ToNumber(code: number): number {
  const sign = code & 0x80 ? -1 : 1;
  const exp = (code >>> 3) & 0xf;
  const mant = code & 7;
  if (exp === 15 && mant === 7) return NaN;
  if (exp === 0) return sign * mant * 2 ** -9;
  return sign * (1 + mant / 8) * 2 ** (exp - 7);
}

/** E5M2: the top byte of an IEEE half. */
export function e5m2ToNumber(code: number): number {
  return f16ToNumber((code & 0xff) << 8);
}

/** E8M0 (MX block scales): 2^(code-127); 255 is NaN. */
export function e8m0ToNumber(code: number): number {
  return (code & 0xff) === 255 ? NaN : 2 ** ((code & 0xff) - 127);
}

function byteTable(decode: (code: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let c = 0; c < 256; c++) table[c] = decode(c);
  return table;
}

export const E4M3_TABLE = byteTable(e4m3ToNumber);
export const E5M2_TABLE = byteTable(e5m2ToNumber);
export const E8M0_TABLE = byteTable(e8m0ToNumber);

/** Decodes bytes through a 256-entry table (E4M3_TABLE, E5M2_TABLE, E8M0_TABLE). */
export function bytesToF32(src: Uint8Array, table: Float32Array, dst: Float32Array): Float32Array {
  const n = Math.min(src.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = table[src[i]!]!;
  return dst;
}

// ---------- whole tensors ----------

/** A typed view over `bytes` (element size `size`), copying only when the start is misaligned. */
function view<T>(bytes: Uint8Array, size: number, make: (b: ArrayBuffer, off: number, n: number) => T): T {
  if (bytes.byteLength % size !== 0) {
    throw new MoptError(
      'bad-tensor-bytes',
      `${bytes.byteLength} bytes are not a whole number of ${size}-byte elements`,
      {
        exitCode: 1,
      },
    );
  }
  const source = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return make(source.buffer as ArrayBuffer, source.byteOffset, source.byteLength / size);
}

/** Decodes a raw little-endian tensor of any readable dtype into float32 (into `dst` when given). */
export function decodeToF32(bytes: Uint8Array, dtype: Dtype, dst?: Float32Array): Float32Array {
  const n = bytes.byteLength / DTYPE_BYTES[dtype];
  if (!Number.isInteger(n)) {
    throw new MoptError(
      'bad-tensor-bytes',
      `${bytes.byteLength} bytes are not a whole number of ${dtype} elements`,
      {
        exitCode: 1,
      },
    );
  }
  const out = dst ?? new Float32Array(n);
  if (out.length < n) {
    throw new MoptError('buffer-too-small', `destination holds ${out.length} floats, the tensor has ${n}`, {
      exitCode: 1,
    });
  }
  switch (dtype) {
    case 'F32':
      out.set(view(bytes, 4, (b, o, k) => new Float32Array(b, o, k)));
      return out;
    case 'BF16':
      return bf16ToF32(
        view(bytes, 2, (b, o, k) => new Uint16Array(b, o, k)),
        out,
      );
    case 'F16':
      return f16ToF32(
        view(bytes, 2, (b, o, k) => new Uint16Array(b, o, k)),
        out,
      );
    case 'F8_E4M3':
      return bytesToF32(bytes, E4M3_TABLE, out);
    case 'F8_E5M2':
      return bytesToF32(bytes, E5M2_TABLE, out);
    case 'F8_E8M0':
      return bytesToF32(bytes, E8M0_TABLE, out);
    case 'F64':
      out.set(view(bytes, 8, (b, o, k) => new Float64Array(b, o, k)));
      return out;
    case 'BOOL':
    case 'U8':
      out.set(bytes);
      return out;
    case 'I8':
      out.set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return out;
    case 'I16':
      out.set(view(bytes, 2, (b, o, k) => new Int16Array(b, o, k)));
      return out;
    case 'U16':
      out.set(view(bytes, 2, (b, o, k) => new Uint16Array(b, o, k)));
      return out;
    case 'I32':
      out.set(view(bytes, 4, (b, o, k) => new Int32Array(b, o, k)));
      return out;
    case 'U32':
      out.set(view(bytes, 4, (b, o, k) => new Uint32Array(b, o, k)));
      return out;
    case 'I64': {
      const src = view(bytes, 8, (b, o, k) => new BigInt64Array(b, o, k));
      for (let i = 0; i < n; i++) out[i] = Number(src[i]!);
      return out;
    }
    case 'U64': {
      const src = view(bytes, 8, (b, o, k) => new BigUint64Array(b, o, k));
      for (let i = 0; i < n; i++) out[i] = Number(src[i]!);
      return out;
    }
  }
}

/** Encodes float32 values as raw little-endian bytes of a float dtype (a fresh buffer). */
export function encodeFromF32(src: Float32Array, dtype: 'F32' | 'BF16' | 'F16'): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(src.slice().buffer);
  const half = new Uint16Array(src.length);
  if (dtype === 'BF16') f32ToBf16(src, half);
  else f32ToF16(src, half);
  return new Uint8Array(half.buffer);
}
