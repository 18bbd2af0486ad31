/**
 * Builds one computation as a chain of ONNX graphs ("segments") cut at chosen values, so JS code can replace
 * a tensor mid-computation (a quantizer transform) and the next segment continues from the replacement.
 * Values a later segment uses are passed along automatically: the producing segment exports them and the
 * consuming segment imports them under the same name. With no cuts it is a single ordinary graph.
 */
import { DEFAULT_OPSET, type OnnxDtype } from './proto.js';
import { type AttrValue, type Dim, GraphBuilder, NameRegistry, type NodeOptions } from './graph-builder.js';

/** Suffix of the input name under which a cut value re-enters the next segment. */
export const REPLACED_SUFFIX = '.replaced';

export class SegmentedBuilder {
  private readonly registry = new NameRegistry();
  private readonly segments: GraphBuilder[] = [];
  /** Segment that defines each non-constant value. */
  private readonly owner = new Map<string, number>();
  /** Values fed from outside (graph inputs); a later segment simply declares them again. */
  private readonly external = new Map<string, OnnxDtype>();

  constructor(
    private readonly baseName: string,
    private readonly opset = DEFAULT_OPSET,
  ) {
    this.segments.push(new GraphBuilder(`${baseName}_0`, opset, this.registry));
  }

  private get g(): GraphBuilder {
    return this.segments[this.segments.length - 1]!;
  }

  get segmentIndex(): number {
    return this.segments.length - 1;
  }

  /** Makes `value` available in the current segment. */
  private bring(value: string): void {
    if (value === '') return;
    const ext = this.external.get(value);
    if (ext) {
      this.g.importValue(value, ext);
      return;
    }
    const from = this.owner.get(value);
    if (from === undefined || from === this.segmentIndex) return;
    const producer = this.segments[from]!;
    producer.output(value);
    this.g.importValue(value, producer.dtypeOf(value)!);
  }

  input(name: string, dtype: OnnxDtype, dims: readonly Dim[]): string {
    this.external.set(name, dtype);
    return this.g.input(name, dtype, dims);
  }

  ints(values: readonly number[]): string {
    return this.g.ints(values);
  }

  scalar(value: number): string {
    return this.g.scalar(value);
  }

  node(
    op: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    options: NodeOptions = {},
  ): string[] {
    for (const i of inputs) this.bring(i);
    const outs = this.g.node(op, inputs, attrs, options);
    for (const o of outs) this.owner.set(o, this.segmentIndex);
    return outs;
  }

  op(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, label?: string): string {
    return this.node(op, inputs, attrs, label === undefined ? {} : { label })[0]!;
  }

  /** A graph output of the current segment. */
  output(value: string, dims: readonly Dim[] | undefined, name: string = value): string {
    this.bring(value);
    const out = this.g.output(value, dims, name);
    this.owner.set(out, this.segmentIndex);
    return out;
  }

  /**
   * Ends the current segment with `value` as output `name`; the next segment starts from an input
   * `name + REPLACED_SUFFIX` (which the caller feeds, possibly replaced) and the returned name refers to it.
   */
  cut(value: string, name: string, dims: readonly Dim[] | undefined): string {
    this.output(value, dims, name);
    const dtype = this.g.dtypeOf(name)!;
    this.segments.push(
      new GraphBuilder(`${this.baseName}_${this.segments.length}`, this.opset, this.registry),
    );
    const replaced = this.g.input(`${name}${REPLACED_SUFFIX}`, dtype, dims);
    this.owner.set(replaced, this.segmentIndex);
    return replaced;
  }

  /** Every segment's model bytes, in execution order. */
  build(): Uint8Array[] {
    return this.segments.map((s) => s.build());
  }

  /** Output names of every segment (for tests and the runner's bookkeeping). */
  outputNames(): string[][] {
    return this.segments.map((s) => s.outputNames);
  }
}
