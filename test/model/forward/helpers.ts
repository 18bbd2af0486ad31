/** Fixtures for the reference-forward tests: stories260K converted into a temp folder, tiny synthetic models, a capturing observer. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertLlama2c } from '../../../src/model/llama2c.js';
import { SpmBpeTokenizer } from '../../../src/model/spm-bpe.js';
import { synthCheckpoint } from '../../../src/model/synth.js';
import type { SynthArch } from '../../../src/model/synth-presets.js';
import type { ForwardObserver, PointInfo } from '../../../src/model/forward/index.js';
import { scratchDir, STORIES_BIN, TOK512_BIN } from '../helpers.js';

export const STORY_START =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.';

/** stories260K as an HF checkpoint (f32 and bf16) in a temp folder; call cleanup when done. */
export function convertStories(): { f32: string; bf16: string; cleanup: () => void } {
  const { dir, cleanup } = scratchDir('fwd-stories');
  const f32 = join(dir, 'f32');
  const bf16 = join(dir, 'bf16');
  convertLlama2c({ modelFile: STORIES_BIN, tokenizerFile: TOK512_BIN, outDir: f32 });
  convertLlama2c({ modelFile: STORIES_BIN, tokenizerFile: TOK512_BIN, outDir: bf16, dtype: 'bf16' });
  return { f32, bf16, cleanup };
}

export function tokenizerOf(dir: string): SpmBpeTokenizer {
  return SpmBpeTokenizer.fromJson(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')));
}

/** A tiny synthetic checkpoint of `arch` (f32 unless asked), config optionally patched before writing. */
export function synthTiny(arch: SynthArch, root: string, dtype: 'f32' | 'bf16' = 'f32'): string {
  const outDir = join(root, `${arch}-${dtype}`);
  synthCheckpoint({ arch, preset: 'tiny', outDir, seed: 7, dtype });
  return outDir;
}

export interface Captured {
  name: string;
  x: Float32Array;
  shape: number[];
  info: PointInfo;
}

/** Records (copies of) every point it wants. */
export class CaptureObserver implements ForwardObserver {
  readonly seen: Captured[] = [];
  constructor(private readonly filter: (name: string) => boolean = () => true) {}
  wants(name: string): boolean {
    return this.filter(name);
  }
  observe(name: string, x: Float32Array, shape: readonly number[], info: PointInfo): void {
    this.seen.push({ name, x: x.slice(), shape: [...shape], info });
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A deterministic pseudo-random token sequence in 3..vocab-1. */
export function someIds(n: number, vocab: number, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return 3 + (s % (vocab - 3));
  });
}
