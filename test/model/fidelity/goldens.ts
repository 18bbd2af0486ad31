/**
 * Reads the logits / calibration goldens written by tools/oracle/logits_golden.py and remakes their input
 * checkpoints with mopt's own code, checking the sha256 the golden pinned before anything is compared.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertLlama2c } from '../../../src/model/llama2c.js';
import { synthCheckpoint } from '../../../src/model/synth.js';
import type { SynthArch } from '../../../src/model/synth-presets.js';
import { repoRoot, STORIES_BIN, TOK512_BIN } from '../helpers.js';

export const GOLDEN_ROOT = join(repoRoot(), 'test/oracle-goldens');
const REGENERATE =
  'node --import tsx tools/oracle/make_inputs.ts tools/oracle/out && ' +
  'tools/oracle/.venv-torch/bin/python tools/oracle/logits_golden.py tools/oracle/out';

export type MakeSpec =
  | { kind: 'llama2c'; dtype: 'f32' }
  | {
      kind: 'synth';
      arch: SynthArch;
      preset: string;
      seed: number;
      dtype: 'f32';
      config?: Record<string, unknown>;
    };

export interface LogitsGolden {
  model: string;
  make: MakeSpec;
  safetensors_sha256: string;
  model_type: string;
  forward: {
    input_ids: number[][];
    attention_mask: number[][];
    position_ids_effective: number[][];
    logits_shape: [number, number, number];
    logits_f32_b64: string;
    logits_sdpa_f32_b64: string;
  };
  greedy: {
    prompt: number[];
    max_new_tokens: number;
    eos_token_id: number | number[] | null;
    new_ids: number[];
  };
}

export interface QuantizerRecord {
  repr: string;
  amax_dtype?: string;
  amax_shape?: number[];
  amax?: number[];
  amax_f32_sha256?: string;
}

export interface CalibGolden {
  model: string;
  make: MakeSpec;
  safetensors_sha256: string;
  recipe: string;
  calib: { input_ids: number[][]; attention_mask: number[][] | 'all ones'; left_padding_last_row: number };
  quantizers: { total: number; enabled: Record<string, QuantizerRecord> };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function logitsGoldens(): LogitsGolden[] {
  const dir = join(GOLDEN_ROOT, 'logits');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readJson<LogitsGolden>(join(dir, f)));
}

export function calibGoldens(): CalibGolden[] {
  const dir = join(GOLDEN_ROOT, 'calib');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readJson<CalibGolden>(join(dir, f)));
}

/** Little-endian float32 values from base64. */
export function decodeF32(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/** Writes the golden's input checkpoint into `outDir`; throws if it is not byte-identical to the one the oracle ran. */
export function remakeInput(
  golden: { model: string; make: MakeSpec; safetensors_sha256: string },
  outDir: string,
): string {
  const m = golden.make;
  if (m.kind === 'llama2c')
    convertLlama2c({
      modelFile: STORIES_BIN,
      tokenizerFile: TOK512_BIN,
      outDir,
      dtype: m.dtype,
      overwrite: true,
    });
  else {
    synthCheckpoint({
      arch: m.arch,
      preset: m.preset,
      seed: m.seed,
      dtype: m.dtype,
      outDir,
      overwrite: true,
    });
    // config-only variants (e.g. a short sliding window) patch config.json after writing, as make_inputs.ts does
    if (m.config) {
      const file = join(outDir, 'config.json');
      writeFileSync(
        file,
        `${JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...m.config }, null, 2)}\n`,
      );
    }
  }
  const got = createHash('sha256')
    .update(readFileSync(join(outDir, 'model.safetensors')))
    .digest('hex');
  if (got !== golden.safetensors_sha256)
    throw new Error(
      `${golden.model}: remade model.safetensors has sha256 ${got}, the golden was made from ` +
        `${golden.safetensors_sha256}; the input code changed, so the goldens must be regenerated: ${REGENERATE}`,
    );
  return outDir;
}

const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);
function f32Bits(x: number): number {
  asFloat[0] = x;
  return bits[0]!;
}
/** Distance in float32 steps between two positive float32 values. */
export function ulps(a: number, b: number): number {
  return Math.abs(f32Bits(a) - f32Bits(b));
}

const made = new Map<string, string>();
/** The golden's input remade (and hash-checked) once per process, in `<root>/<model>`. */
export function inputDir(
  golden: { model: string; make: MakeSpec; safetensors_sha256: string },
  root: string,
): string {
  const key = `${golden.model}:${golden.safetensors_sha256}`;
  let dir = made.get(key);
  if (dir === undefined) {
    dir = remakeInput(golden, join(root, golden.model));
    made.set(key, dir);
  }
  return dir;
}
