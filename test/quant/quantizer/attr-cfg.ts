/** Test fixtures: QuantizerAttributeConfig builders for the shipped formats, and a seeded RNG. */

import type { BlockSizeValue, QuantizerAttributeConfig } from '../../../src/recipe/types.js';
import { defaultAttributes } from '../../../src/quant/plan/attributes.js';

export function attrCfg(over: Partial<QuantizerAttributeConfig> = {}): QuantizerAttributeConfig {
  return { ...defaultAttributes(), ...over };
}

export function blocks(
  entries: Array<[number | string, BlockSizeValue]>,
): Map<number | string, BlockSizeValue> {
  return new Map(entries);
}

export const FP8 = attrCfg({ num_bits: [4, 3] });
export const FP8_PER_CHANNEL = attrCfg({ num_bits: [4, 3], axis: 0 });
export const FP8_PER_TOKEN = attrCfg({
  num_bits: [4, 3],
  type: 'dynamic',
  block_sizes: blocks([[-1, null]]),
});
export const FP8_2D = attrCfg({
  num_bits: [4, 3],
  block_sizes: blocks([
    [-1, 128],
    [-2, 128],
  ]),
});
export const INT8 = attrCfg({ num_bits: 8 });
export const INT8_PER_CHANNEL = attrCfg({ num_bits: 8, axis: 0 });
export const INT4_BLOCK = attrCfg({
  num_bits: 4,
  block_sizes: blocks([
    [-1, 128],
    ['type', 'static'],
  ]),
});
export const NVFP4 = attrCfg({
  num_bits: [2, 1],
  block_sizes: blocks([
    [-1, 16],
    ['type', 'dynamic'],
    ['scale_bits', [4, 3]],
  ]),
});
export const NVFP4_BS32 = attrCfg({
  num_bits: [2, 1],
  block_sizes: blocks([
    [-1, 32],
    ['type', 'dynamic'],
    ['scale_bits', [4, 3]],
  ]),
});
export const NVFP4_STATIC = attrCfg({
  num_bits: [2, 1],
  block_sizes: blocks([
    [-1, 16],
    ['type', 'static'],
    ['scale_bits', [4, 3]],
  ]),
});
export const NVFP4_46 = attrCfg({
  num_bits: [2, 1],
  block_sizes: blocks([
    [-1, 16],
    ['type', 'static'],
    ['scale_bits', [4, 3]],
    ['four_over_six', 1],
  ]),
});

export function mx(numBits: number | [number, number]): QuantizerAttributeConfig {
  return attrCfg({
    num_bits: numBits,
    block_sizes: blocks([
      [-1, 32],
      ['type', 'dynamic'],
      ['scale_bits', [8, 0]],
    ]),
  });
}

/** mulberry32: small seeded PRNG in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Float32 data with a spread of magnitudes (normal-ish times 2^[-8, 8]) and some exact zeros. */
export function randomTensor(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    out[i] = u < 0.02 ? 0 : (r() * 2 - 1) * scale * 2 ** Math.floor(r() * 17 - 8);
  }
  return out;
}

/** Bitwise equality of two float32 arrays (distinguishes -0 and NaN payload-free). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) {
    if (ua[i] !== ub[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  }
  return true;
}
