/** Test helper: tiny synthetic checkpoints (one per architecture) in a scratch folder, made on first use. */
import { join } from 'node:path';
import { synthCheckpoint } from '../../../src/model/synth.js';
import type { SynthArch } from '../../../src/model/synth-presets.js';
import { scratchDir } from '../helpers.js';

let scratch: ReturnType<typeof scratchDir> | undefined;
const made = new Map<string, string>();

/** The folder of a tiny `arch` checkpoint (seed 1, f32 unless asked otherwise). */
export function tinyCheckpoint(arch: SynthArch, dtype: 'f32' | 'bf16' | 'f16' = 'f32'): string {
  const key = `${arch}-${dtype}`;
  const hit = made.get(key);
  if (hit) return hit;
  scratch ??= scratchDir('onnx');
  const outDir = join(scratch.dir, key);
  synthCheckpoint({ arch, preset: 'tiny', outDir, seed: 1, dtype });
  made.set(key, outDir);
  return outDir;
}

export function removeTinyCheckpoints(): void {
  scratch?.cleanup();
  scratch = undefined;
  made.clear();
}
