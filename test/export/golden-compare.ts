/**
 * Compares one mopt export folder with a quant golden of the real ModelOpt export: hf_quant_config.json
 * (parsed and exact text), config.json (quantization_config exactly, other keys up to the renames of
 * docs/export-compat.md E1), the safetensors header text (names, dtypes, shapes, order, offsets,
 * padding), every tensor's raw-byte sha256, scale values and the file hash.
 * Returns one line per difference; an empty list means equal.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSha256, sha256 } from './oracle-inputs.js';

interface GoldenTensor {
  name: string;
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
  sha256: string;
  values_hex?: string;
}
interface GoldenSafetensors {
  file_sha256: string;
  header_bytes: number;
  header_text: string;
  tensors: GoldenTensor[];
}
export interface GoldenExport {
  files: Record<string, string>;
  'hf_quant_config.json': unknown;
  'hf_quant_config.json:text': string;
  'config.json': Record<string, unknown>;
  safetensors: Record<string, GoldenSafetensors>;
}

/** Files mopt writes that ModelOpt's export_hf_checkpoint leaves to the caller (hf_ptq.py saves the tokenizer). */
const TOKENIZER_FILES = /^(tokenizer.*|special_tokens_map\.json|vocab\.json|merges\.txt)$/;
/** transformers re-serialises these from its own config classes; see docs/export-compat.md. */
const REWRITTEN_BY_TRANSFORMERS = new Set(['config.json', 'generation_config.json']);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function compareSafetensors(file: string, golden: GoldenSafetensors, out: string[]): void {
  const bytes = readFileSync(file);
  const headerLen = Number(bytes.readBigUInt64LE(0));
  const headerText = bytes.subarray(8, 8 + headerLen).toString('utf8');
  if (headerLen !== golden.header_bytes)
    out.push(`header length ${headerLen}, golden ${golden.header_bytes}`);
  if (headerText !== golden.header_text) {
    const ours = Object.keys(JSON.parse(headerText) as object);
    const theirs = Object.keys(JSON.parse(golden.header_text) as object);
    const missing = theirs.filter((n) => !ours.includes(n));
    const extra = ours.filter((n) => !theirs.includes(n));
    out.push(
      `header text differs (missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}, ` +
        `order ${ours.join(',') === theirs.join(',') ? 'same' : 'differs'})`,
    );
    const header = JSON.parse(headerText) as Record<string, { dtype: string; shape: number[] }>;
    for (const t of golden.tensors) {
      const h = header[t.name];
      if (h && (h.dtype !== t.dtype || h.shape.join(',') !== t.shape.join(',')))
        out.push(`${t.name}: ${h.dtype} [${h.shape.join(', ')}], golden ${t.dtype} [${t.shape.join(', ')}]`);
    }
  }
  const header = JSON.parse(headerText) as Record<string, { data_offsets: [number, number] }>;
  const base = 8 + headerLen;
  for (const t of golden.tensors) {
    const h = header[t.name];
    if (!h) continue;
    const data = bytes.subarray(base + h.data_offsets[0], base + h.data_offsets[1]);
    if (t.values_hex !== undefined && hex(data) !== t.values_hex) {
      const show = (s: string): string => (s.length > 48 ? `${s.slice(0, 48)}…` : s);
      out.push(`${t.name}: scale bytes ${show(hex(data))}, golden ${show(t.values_hex)}`);
    } else if (sha256(data) !== t.sha256) out.push(`${t.name}: raw bytes differ (sha256)`);
  }
  if (out.length === 0 && fileSha256(file) !== golden.file_sha256) out.push('file sha256 differs');
}

/** docs/export-compat.md E1: keys transformers 5 renames or adds when it re-serialises config.json. */
const OURS_ONLY = new Set(['torch_dtype', 'rope_theta', 'rope_scaling']);
const GOLDEN_ONLY = new Set([
  'dtype',
  'rope_parameters',
  'layer_types',
  'pad_token_id',
  'transformers_version',
]);

/** Shared keys carry equal values, in the same order; the others are the documented renames. */
function compareConfigKeys(ours: Record<string, unknown>, golden: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of Object.keys(ours)) {
    if (k in golden) {
      if (JSON.stringify(ours[k]) !== JSON.stringify(golden[k]))
        out.push(`config.json["${k}"]: ${JSON.stringify(ours[k])}, golden ${JSON.stringify(golden[k])}`);
    } else if (!OURS_ONLY.has(k)) out.push(`config.json["${k}"]: not in the golden`);
  }
  for (const k of Object.keys(golden))
    if (!(k in ours) && !GOLDEN_ONLY.has(k)) out.push(`config.json["${k}"]: missing`);
  const shared = (o: Record<string, unknown>): string =>
    Object.keys(o)
      .filter((k) => k in ours && k in golden)
      .join(',');
  if (shared(ours) !== shared(golden)) out.push('config.json: shared keys in a different order');
  return out;
}

export function compareExport(dir: string, golden: GoldenExport): string[] {
  const out: string[] = [];
  const written = readdirSync(dir).filter((f) => !TOKENIZER_FILES.test(f));
  const expected = Object.keys(golden.files);
  if (written.sort().join(',') !== [...expected].sort().join(','))
    out.push(`files ${JSON.stringify(written)}, golden ${JSON.stringify(expected)}`);
  for (const f of expected) {
    if (REWRITTEN_BY_TRANSFORMERS.has(f) || !existsSync(join(dir, f)) || f.endsWith('.safetensors')) continue;
    if (fileSha256(join(dir, f)) !== golden.files[f]) out.push(`${f}: sha256 differs`);
  }
  const hfFile = join(dir, 'hf_quant_config.json');
  if (existsSync(hfFile)) {
    const text = readFileSync(hfFile, 'utf8');
    if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(golden['hf_quant_config.json']))
      out.push(
        `hf_quant_config.json: ${JSON.stringify(JSON.parse(text))}, golden ${JSON.stringify(golden['hf_quant_config.json'])}`,
      );
    else if (text !== golden['hf_quant_config.json:text'])
      out.push('hf_quant_config.json: same JSON, different text');
  }
  const configText = readFileSync(join(dir, 'config.json'), 'utf8');
  const config = JSON.parse(configText) as Record<string, unknown>;
  const ours = JSON.stringify(config.quantization_config);
  const theirs = JSON.stringify(golden['config.json'].quantization_config);
  if (ours !== theirs) out.push(`config.json quantization_config: ${ours}, golden ${theirs}`);
  out.push(...compareConfigKeys(config, golden['config.json'] as Record<string, unknown>));
  if (!configText.startsWith('{\n    "') || configText.endsWith('\n'))
    out.push('config.json: not json.dump(indent=4) text');
  for (const [name, st] of Object.entries(golden.safetensors)) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const diffs: string[] = [];
    compareSafetensors(file, st, diffs);
    out.push(...diffs.map((d) => `${name}: ${d}`));
  }
  return out;
}

export interface ScaleDiff {
  tensor: string;
  ours: number;
  golden: number;
  /** float32 ulps between the two scales. */
  ulps: number;
  within: boolean;
}

/** Activation scales (input_scale, k_scale, v_scale) come from a calibration forward, so they may differ. */
const ACTIVATION_SCALE =
  /^[^:]+: (.+\.(?:input_scale|k_scale|v_scale)): scale bytes ([0-9a-f]{8}), golden ([0-9a-f]{8})$/;

/** Float32 ulps the activation scales of a float32 model may differ by (docs/compat.md, calibrated export). */
export const F32_SCALE_ULPS = 16;

/**
 * Splits compareExport's lines into activation-scale differences (with their tolerance verdict) and the
 * rest. A float32 model's scales may differ by F32_SCALE_ULPS; a bf16/fp16 model's amax is a bf16/fp16
 * value, and may differ from ModelOpt's by one step of that dtype (relative 2^-7 for bf16, 2^-10 for fp16).
 */
export function splitScaleDiffs(diffs: readonly string[], checkpointDtype: string): [ScaleDiff[], string[]] {
  const scales: ScaleDiff[] = [];
  const other: string[] = [];
  const rel = checkpointDtype === 'bfloat16' ? 2 ** -7 : checkpointDtype === 'float16' ? 2 ** -10 : 0;
  for (const d of diffs) {
    const m = ACTIVATION_SCALE.exec(d);
    if (!m) {
      other.push(d);
      continue;
    }
    const ours = Buffer.from(m[2]!, 'hex');
    const theirs = Buffer.from(m[3]!, 'hex');
    const [a, b] = [ours.readFloatLE(0), theirs.readFloatLE(0)];
    const ulps = Math.abs(ours.readInt32LE(0) - theirs.readInt32LE(0));
    const within = rel === 0 ? ulps <= F32_SCALE_ULPS : Math.abs(a - b) <= rel * Math.max(a, b) * (1 + 1e-6);
    scales.push({ tensor: m[1]!, ours: a, golden: b, ulps, within });
  }
  return [scales, other];
}
