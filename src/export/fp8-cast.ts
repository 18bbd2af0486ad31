/**
 * FP8 per-tensor weight bytes as ModelOpt's export makes them for a bf16 / fp16 model: the weight
 * tensor divided by the 0-dim float32 scale stays in the model dtype, so the float32 quotient is
 * rounded to bf16 (fp16) before torch's E4M3 cast. A float32 model casts the quotient directly.
 */
import { bf16ToNumber, f16ToNumber, numberToBf16, numberToF16 } from '../model/dtypes.js';
import { castE4M3Torch } from '../quant/formats/fp8.js';

/** Above this many elements a 65 536-entry table over the 16-bit patterns is cheaper than per-element math. */
const TABLE_MIN_ELEMENTS = 1 << 16;

/** E4M3 code of `w` (a bf16 / fp16 value held in float32) divided by `ws`, with the intermediate rounding. */
function code(w: number, ws: number, round: (x: number) => number): number {
  return castE4M3Torch(round(Math.fround(w / ws)));
}

/** Writes into `codes` the E4M3 bytes of every weight (values exactly representable in `dtype`). */
export function fp8PerTensorCodes(
  w: Float32Array,
  ws: number,
  dtype: 'BF16' | 'F16',
  codes: Uint8Array,
): Uint8Array {
  const toBits = dtype === 'BF16' ? numberToBf16 : numberToF16;
  const fromBits = dtype === 'BF16' ? bf16ToNumber : f16ToNumber;
  const round = (x: number): number => fromBits(toBits(x));
  if (w.length < TABLE_MIN_ELEMENTS) {
    for (let i = 0; i < w.length; i++) codes[i] = code(w[i]!, ws, round);
    return codes;
  }
  const table = new Uint8Array(1 << 16);
  for (let b = 0; b < table.length; b++) table[b] = code(fromBits(b), ws, round);
  for (let i = 0; i < w.length; i++) codes[i] = table[toBits(w[i]!)]!;
  return codes;
}
