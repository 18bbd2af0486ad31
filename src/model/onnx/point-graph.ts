/**
 * The building blocks shared by layer graphs: weights as named inputs, RMSNorm, QuantLinear (input point,
 * Gemm with transB, output point) and quantizer points that return a tensor in full, reduce it on-graph
 * to amax values, or cut the graph there so JS can replace it.
 */
import type { Dim } from './graph-builder.js';
import { SegmentedBuilder } from './segmented-builder.js';

export interface PointRequest {
  /** Point name inside the graph (slot suffix, e.g. `self_attn.q_proj.input_quantizer`). */
  point: string;
  /** Return the whole tensor. */
  full?: boolean;
  /** End a segment here: the tensor comes back and the caller feeds its (possibly replaced) value on. */
  cut?: boolean;
  /** max|x| over the tensor (a scalar output). */
  amax?: boolean;
  /** max|x| per last-dim channel. */
  channelAmax?: boolean;
  /** Reductions skip padding rows (uses the row-valid input). */
  validRowsOnly?: boolean;
}

/** Where a point's results are: output names (and the segment producing them). */
export interface PointOutputs {
  segment: number;
  full?: string;
  amax?: string;
  channelAmax?: string;
  /** For a cut point: the next segment's input that receives the (replaced) tensor. */
  replacedInput?: string;
  /** [rows, channels] for linear points, [batch, heads, seq, headDim] for the bmm points. */
  layout: 'rows' | 'heads';
  heads: number;
  channels: number;
}

export interface PointGraphResult {
  /** Segment models in execution order (one unless points were cut). */
  segments: Uint8Array[];
  /** Weight input names, in graph order. */
  weightNames: string[];
  points: Map<string, PointOutputs>;
}

export interface PointGraphOptions {
  points: readonly PointRequest[];
  /** Element type of the 2-D projection weights (cast to float32 inside). */
  weightType: 'float' | 'float16';
  /** The float 1/0 real-row input, declared only if a reduction needs it. */
  rowValid: { name: string; dims: Dim[] };
}

export class PointGraph {
  readonly g: SegmentedBuilder;
  private readonly weightNames: string[] = [];
  private readonly points = new Map<string, PointOutputs>();
  private readonly requested: Map<string, PointRequest>;
  private readonly fullOutputs = new Map<string, string>();
  private rowValid: string | undefined;

  constructor(
    name: string,
    private readonly options: PointGraphOptions,
  ) {
    this.g = new SegmentedBuilder(name);
    this.requested = new Map(options.points.map((r) => [r.point, r]));
  }

  /** A weight input named by its checkpoint suffix; projections may arrive as float16. */
  weight(name: string, dims: number[], projection = false): string {
    this.weightNames.push(name);
    const dtype = projection ? this.options.weightType : 'float';
    const input = this.g.input(name, dtype, dims);
    return dtype === 'float' ? input : this.g.op('Cast', [input], { to: 1 });
  }

  /** HF RMSNorm in float32 over the last dim: w · x / sqrt(mean(x²) + eps). */
  rmsNorm(x: string, w: string, eps: number): string {
    const g = this.g;
    const variance = g.op('ReduceMean', [g.op('Mul', [x, x]), g.ints([-1])], { keepdims: 1 });
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(eps)])])]);
    return g.op('Mul', [w, g.op('Mul', [x, inv])]);
  }

  /** A QuantLinear on x [rows, inp]: input point, x·Wᵀ + b, output point. */
  linear(x: string, module: string, out: number, inp: number, bias: boolean): string {
    const xIn = this.point(`${module}.input_quantizer`, x, 'rows', 1, inp);
    const w = this.weight(`${module}.weight`, [out, inp], true);
    const inputs = bias ? [xIn, w, this.weight(`${module}.bias`, [out])] : [xIn, w];
    const y = this.g.op('Gemm', inputs, { transB: 1 }, module.split('.').pop());
    return this.point(`${module}.output_quantizer`, y, 'rows', 1, out);
  }

  private validMask(layout: 'rows' | 'heads'): string {
    const g = this.g;
    this.rowValid ??= g.input(this.options.rowValid.name, 'float', this.options.rowValid.dims);
    return layout === 'rows'
      ? g.op('Reshape', [this.rowValid, g.ints([-1, 1])])
      : g.op('Unsqueeze', [this.rowValid, g.ints([1, 3])]);
  }

  /** Emits what was asked for point `name` and returns the value the computation continues with. */
  point(name: string, value: string, layout: 'rows' | 'heads', heads: number, channels: number): string {
    const req = this.requested.get(name);
    if (!req) return value;
    const g = this.g;
    const dims = layout === 'rows' ? ['tokens', channels] : ['batch', heads, 'seq', channels];
    const out: PointOutputs = { segment: g.segmentIndex, layout, heads, channels };
    if (req.amax || req.channelAmax) {
      const x = req.validRowsOnly ? g.op('Mul', [value, this.validMask(layout)]) : value;
      const abs = g.op('Abs', [x]);
      if (req.amax) out.amax = g.output(g.op('ReduceMax', [abs], { keepdims: 0 }), [], `${name}.amax`);
      if (req.channelAmax) {
        const axes = g.ints(dims.slice(0, -1).map((_, i) => i));
        const ch = g.op('ReduceMax', [abs, axes], { keepdims: 0 });
        out.channelAmax = g.output(ch, [channels], `${name}.channel_amax`);
      }
    }
    this.points.set(name, out);
    if (req.cut) {
      out.full = name;
      out.replacedInput = g.cut(value, name, dims);
      return out.replacedInput;
    }
    if (req.full) {
      // Points that share a tensor (q/k/v inputs) return it once.
      out.full = this.fullOutputs.get(value) ?? g.output(value, dims, name);
      this.fullOutputs.set(value, out.full);
    }
    return value;
  }

  result(): PointGraphResult {
    return { segments: this.g.build(), weightNames: this.weightNames, points: this.points };
  }
}
