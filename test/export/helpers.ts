/** Test helpers for the export layer: scratch checkpoints, recipes, dequantizing exported tensors, hashing folders. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Checkpoint } from '../../src/model/checkpoint.js';
import { E4M3_TABLE, E8M0_TABLE, encodeFromF32 } from '../../src/model/dtypes.js';
import { writeJsonFile, writeShardedSafetensors } from '../../src/model/safetensors-writer.js';
import { hfTensorSpecs, synthConfig } from '../../src/model/synth.js';
import { E2M1_VALUES } from '../../src/quant/formats/fp4.js';

export function scratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `mopt-export-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** sha256 over every file (relative name + bytes) under dir, to prove a folder was not touched. */
export function hashDir(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, `${rel}${name}/`);
      else h.update(`${rel}${name}\0`).update(readFileSync(p));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}

/** A small deterministic PRNG (mulberry32) giving N(0, 0.02)-like values via Box-Muller. */
export function gaussian(n: number, seed: number, std = 0.02): Float32Array {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = std * Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  return out;
}

/**
 * A Llama-family checkpoint from a synth preset with config overrides (e.g. hidden 128 for 128x128 blocks);
 * `edit` may change a tensor's values before writing (NaN, zeros).
 */
export function writeCustomModel(
  dir: string,
  overrides: Record<string, unknown> = {},
  edit: (name: string, values: Float32Array) => void = () => {},
  arch = 'llama',
): Record<string, unknown> {
  const config = { ...synthConfig(arch, 'tiny'), ...overrides };
  mkdirSync(dir, { recursive: true });
  const specs = hfTensorSpecs(config, 'BF16');
  writeShardedSafetensors(dir, specs, (spec, i) => {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const values = specs[i]!.init === 'ones' ? new Float32Array(n).fill(1) : gaussian(n, i + 1);
    edit(spec.name, values);
    return encodeFromF32(values, 'BF16');
  });
  writeJsonFile(join(dir, 'config.json'), config);
  writeJsonFile(join(dir, 'generation_config.json'), { bos_token_id: 1, eos_token_id: 2 });
  writeJsonFile(join(dir, 'tokenizer_config.json'), { model_max_length: 256 });
  return config;
}

/** Writes a recipe file that imports the built-in units. */
export function writeRecipe(file: string, quantCfg: string, algorithm = 'max'): string {
  writeFileSync(
    file,
    `imports:
  base_disable_all: configs/ptq/units/base_disable_all
  default_disabled_quantizers: configs/ptq/units/default_disabled_quantizers
  fp8: configs/numerics/fp8
  nvfp4: configs/numerics/nvfp4
  nvfp4_static: configs/numerics/nvfp4_static
metadata:
  recipe_type: ptq
  description: test recipe
quantize:
  algorithm: ${algorithm}
  quant_cfg:
    - $import: base_disable_all
${quantCfg}
    - $import: default_disabled_quantizers
`,
  );
  return file;
}

export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Dequantizes `<module>.weight` of an exported checkpoint back to float32 from its scale tensors. */
export function dequantize(ck: Checkpoint, module: string, outShape: [number, number]): Float32Array {
  const [rows, cols] = outShape;
  const w = ck.tensor(`${module}.weight`);
  const ws = ck.tensor(`${module}.weight_scale`);
  const wb = ck.readTensor(w.name);
  const sb = ck.readTensor(ws.name);
  const out = new Float32Array(rows * cols);
  const f32 = (bytes: Uint8Array): Float32Array => new Float32Array(bytes.slice().buffer);
  const s = ws.dtype === 'F32' ? f32(sb) : new Float32Array(0);
  const ws2 = ck.tensors.has(`${module}.weight_scale_2`)
    ? f32(ck.readTensor(`${module}.weight_scale_2`))[0]!
    : 1;
  const nib = (i: number): number => (i % 2 === 0 ? wb[i >> 1]! & 0xf : wb[i >> 1]! >> 4);
  const fp4 = (code: number): number => (code & 8 ? -1 : 1) * E2M1_VALUES[code & 7]!;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      let v: number;
      if (w.dtype === 'F8_E4M3' && ws.dtype === 'F32') {
        const sIdx =
          s.length === 1
            ? 0
            : ws.shape.length === 1
              ? r
              : Math.floor(r / 128) * Math.ceil(cols / 128) + Math.floor(c / 128);
        v = E4M3_TABLE[wb[i]!]! * s[sIdx]!;
      } else if (w.dtype === 'F8_E4M3')
        v = E4M3_TABLE[wb[i]!]! * E8M0_TABLE[sb[r * (cols / 32) + Math.floor(c / 32)]!]!;
      else if (w.dtype === 'I8') v = ((wb[i]! << 24) >> 24) * s[r]!;
      else if (ws.dtype === 'F8_E4M3')
        v = fp4(nib(i)) * E4M3_TABLE[sb[r * (cols / 16) + Math.floor(c / 16)]!]! * ws2;
      else if (ws.dtype === 'U8') v = fp4(nib(i)) * E8M0_TABLE[sb[r * (cols / 32) + Math.floor(c / 32)]!]!;
      else {
        const byte = wb[(r >> 1) * cols + c]!;
        const q = ((r % 2 === 0 ? byte & 0xf : byte >> 4) << 28) >> 28;
        v = q * s[r * ws.shape[1]! + Math.floor(c / 128)]!;
      }
      out[i] = v;
    }
  }
  return out;
}

/** ||a - b|| / ||a|| */
export function relError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += a[i]! ** 2;
  }
  return Math.sqrt(num / den);
}
