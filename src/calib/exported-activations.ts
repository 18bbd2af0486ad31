/**
 * Activation quantization as a runtime applies it to a ModelOpt unified HF export: `pre_quant_scale` first, then
 * the input quantizer rebuilt from `input_scale` and the layer's `quant_algo` (FP8 amax = scale·448, NVFP4
 * global amax = scale·2688, INT8 = scale·127, per-token FP8 and MX formats dynamic), and k/v_bmm from
 * `k_scale`/`v_scale` (FP8 cast with amax 448 when the export carries none).
 */
import type { Checkpoint } from '../model/checkpoint.js';
import type { ForwardObserver, PointInfo } from '../model/forward/observer.js';
import { fp8FakeQuantValue, fp8Scale } from '../quant/formats/fp8.js';
import { intBounds, intFakeQuantValue, intScale } from '../quant/formats/int.js';
import { mxElement, mxFakeQuant } from '../quant/formats/mx.js';
import { nvfp4FakeQuantDynamic } from '../quant/formats/nvfp4.js';

const f = Math.fround;
const INT8 = intBounds(8, false, false);

type InputQuant =
  | { kind: 'fp8'; amax: number }
  | { kind: 'fp8_per_token' }
  | { kind: 'nvfp4'; amax: number; block: number }
  | { kind: 'int8'; amax: number }
  | { kind: 'mx'; element: 'E4M3' | 'E2M1' };

interface PointQuant {
  preQuantScale: Float32Array | null;
  quant: InputQuant | null;
}

function fp8(x: Float32Array, amax: number, rowsOf: number | null): Float32Array {
  const y = new Float32Array(x.length);
  const cols = rowsOf ?? x.length;
  for (let base = 0; base < x.length; base += cols) {
    let a = amax;
    if (rowsOf !== null) {
      a = 0;
      for (let i = 0; i < cols; i++) a = Math.max(a, Math.abs(x[base + i]!));
    }
    const scale = fp8Scale(a);
    const inv = f(1 / scale);
    for (let i = 0; i < cols; i++) y[base + i] = fp8FakeQuantValue(x[base + i]!, scale, inv);
  }
  return y;
}

function applyQuant(q: InputQuant, x: Float32Array, cols: number): Float32Array {
  const rows = x.length / cols;
  switch (q.kind) {
    case 'fp8':
      return fp8(x, q.amax, null);
    case 'fp8_per_token':
      return fp8(x, 0, cols);
    case 'int8': {
      const s = intScale(q.amax, INT8.maxBound);
      return x.map((v) => intFakeQuantValue(v, s, INT8));
    }
    case 'nvfp4': {
      const y = new Float32Array(x.length);
      nvfp4FakeQuantDynamic(x, y, rows, cols, q.block, q.amax);
      return y;
    }
    case 'mx': {
      const y = new Float32Array(x.length);
      mxFakeQuant(x, y, rows, cols, mxElement(q.element), 32);
      return y;
    }
  }
}

/** The input quantizer a layer's quant_algo implies, given its exported input_scale (if any). */
function inputQuant(algo: string, inputScale: number | null, group: number): InputQuant | null {
  const a = algo.toUpperCase();
  if (a === 'FP8_PER_CHANNEL_PER_TOKEN') return { kind: 'fp8_per_token' };
  if (a === 'MXFP8') return { kind: 'mx', element: 'E4M3' };
  if (inputScale === null) return null;
  if (a === 'NVFP4' || a === 'NVFP4_AWQ' || a === 'NVFP4_SVD')
    return { kind: 'nvfp4', amax: f(inputScale * 2688), block: group };
  if (a === 'W8A8_SQ_PER_CHANNEL') return { kind: 'int8', amax: f(inputScale * 127) };
  return { kind: 'fp8', amax: f(inputScale * 448) };
}

export class ExportedActivationQuant implements ForwardObserver {
  private readonly points = new Map<string, PointQuant>();

  /** `layerAlgo(module)`: the module's quant_algo and group size, or null when it is not quantized. */
  constructor(
    ck: Checkpoint,
    modules: readonly string[],
    layerAlgo: (module: string) => { algo: string; group: number } | null,
    kvCacheAlgo: string | null,
  ) {
    const one = (name: string): number | null => (ck.tensors.has(name) ? ck.readTensorF32(name)[0]! : null);
    for (const m of modules) {
      const algo = layerAlgo(m);
      if (algo === null) continue;
      const pqs = ck.tensors.has(`${m}.pre_quant_scale`) ? ck.readTensorF32(`${m}.pre_quant_scale`) : null;
      const quant = inputQuant(algo.algo, one(`${m}.input_scale`), algo.group);
      if (pqs || quant) this.points.set(`${m}.input_quantizer`, { preQuantScale: pqs, quant });
    }
    if (kvCacheAlgo === 'FP8') {
      for (const t of ck.tensors.keys()) {
        const m = /^(.*\.self_attn)\.q_proj\.weight$/.exec(t);
        if (!m) continue;
        for (const [kind, proj] of [
          ['k', 'k_proj'],
          ['v', 'v_proj'],
        ] as const) {
          const s = one(`${m[1]}.${proj}.${kind}_scale`);
          const quant: InputQuant = { kind: 'fp8', amax: s === null ? 448 : f(s * 448) };
          this.points.set(`${m[1]}.${kind}_bmm_quantizer`, { preQuantScale: null, quant });
        }
      }
    }
  }

  /** Quantizer names this export quantizes (for reports and tests). */
  get names(): string[] {
    return [...this.points.keys()];
  }

  wants(name: string): boolean {
    return this.points.has(name);
  }

  transform(name: string, x: Float32Array, shape: readonly number[], _info: PointInfo): Float32Array {
    const p = this.points.get(name)!;
    const cols = shape[shape.length - 1]!;
    let y = x;
    if (p.preQuantScale) {
      const s = p.preQuantScale;
      y = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) y[i] = f(x[i]! * s[i % cols]!);
    }
    return p.quant ? applyQuant(p.quant, y, cols) : y;
  }
}
