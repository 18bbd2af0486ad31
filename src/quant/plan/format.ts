/**
 * Human descriptions of one quantizer's effective settings: a format label ('FP8 per-tensor',
 * 'NVFP4 (block 16, dynamic)', 'INT4 block128', 'MXFP4', ...) and how its scale is obtained.
 */
import type { BlockSizeValue, QuantizerAttributeConfig } from '../../recipe/types.js';
import type { QuantizerState } from './attributes.js';

/**
 * static: amax calibrated (from data for activations, from the weight for weights);
 * dynamic: computed from each input, no calibration (per-token FP8, MX formats);
 * constant: pinned by use_constant_amax / constant_amax; none: quantizer disabled.
 */
export type Scaling = 'static' | 'dynamic' | 'constant' | 'none';

export function isTuple(v: unknown, a: number, b: number): boolean {
  return Array.isArray(v) && v.length === 2 && v[0] === a && v[1] === b;
}

export interface BlockInfo {
  /** Block size along the last axis (-1); null = one block per row (per-token); undefined = absent. */
  last: number | null | undefined;
  /** Block size along axis -2 when present (2-D blocks). */
  second: number | null | undefined;
  type: string;
  scaleBits: BlockSizeValue | undefined;
  fourOverSix: boolean;
}

export function blockInfo(attrs: QuantizerAttributeConfig): BlockInfo | null {
  const bs = attrs.block_sizes;
  if (!bs) return null;
  const num = (k: number): number | null | undefined => {
    const v = bs.get(k);
    return typeof v === 'number' || v === null ? v : undefined;
  };
  const type = bs.get('type');
  return {
    last: num(-1),
    second: num(-2),
    type: typeof type === 'string' ? type : 'static',
    scaleBits: bs.get('scale_bits'),
    fourOverSix: Boolean(bs.get('four_over_six')),
  };
}

/** MX formats: dynamic 32-blocks with E8M0 shared exponents and no tensor-level scale. */
export function isMx(attrs: QuantizerAttributeConfig): boolean {
  const b = blockInfo(attrs);
  return b !== null && isTuple(b.scaleBits, 8, 0);
}

function floatLabel(e: number, m: number, attrs: QuantizerAttributeConfig, b: BlockInfo | null): string {
  if (e === 4 && m === 3 && !b) return attrs.axis === null ? 'FP8 per-tensor' : 'FP8 per-channel';
  if (b && isTuple(b.scaleBits, 8, 0)) {
    const name =
      e === 2 && m === 1 ? 'MXFP4' : e === 4 && m === 3 ? 'MXFP8' : `MXFP${1 + e + m} (E${e}M${m})`;
    return b.last === 32 ? name : `${name} (block ${String(b.last)})`;
  }
  if (e === 2 && m === 1 && b && isTuple(b.scaleBits, 4, 3)) {
    return `NVFP4 (block ${String(b.last)}, ${b.type}${b.fourOverSix ? ', 4/6' : ''})`;
  }
  const base = e === 4 && m === 3 ? 'FP8' : e === 2 && m === 1 ? 'FP4' : `FP E${e}M${m}`;
  if (!b) return `${base} ${attrs.axis === null ? 'per-tensor' : 'per-channel'}`;
  if (b.last === null) return `${base} per-token`;
  if (typeof b.second === 'number') return `${base} block ${String(b.second)}x${String(b.last)}`;
  return `${base} block ${String(b.last)}`;
}

function intLabel(bits: number, attrs: QuantizerAttributeConfig, b: BlockInfo | null): string {
  if (b && isTuple(b.scaleBits, 8, 0)) return `MXINT${bits}`;
  if (b && typeof b.last === 'number')
    return `INT${bits} block${b.last}${b.type === 'dynamic' ? ' (dynamic blocks)' : ''}`;
  if (b && b.last === null) return `INT${bits} per-token`;
  return `INT${bits} ${attrs.axis === null ? 'per-tensor' : 'per-channel'}`;
}

/** Label of one single quantizer (enabled or not). */
export function attributeLabel(attrs: QuantizerAttributeConfig): string {
  const b = blockInfo(attrs);
  let label: string;
  if (attrs.backend !== null) label = `custom backend '${attrs.backend}'`;
  else if (typeof attrs.num_bits === 'string') label = `custom '${attrs.num_bits}'`;
  else if (Array.isArray(attrs.num_bits)) label = floatLabel(attrs.num_bits[0], attrs.num_bits[1], attrs, b);
  else label = intLabel(attrs.num_bits, attrs, b);
  if (attrs.type === 'dynamic' && !label.includes('dynamic')) label += ' (dynamic)';
  if (attrs.use_constant_amax || attrs.constant_amax !== null) label += ' (constant amax)';
  return label;
}

export function stateLabel(state: QuantizerState): string {
  return state.enabled ? attributeLabel(state.attributes) : 'disabled';
}

/** Label of a slot: 'disabled', one format, or the enabled stages of a sequential quantizer. */
export function slotLabel(
  enabled: boolean,
  attrs: QuantizerAttributeConfig | null,
  seq: QuantizerState[] | null,
): string {
  if (!enabled) return 'disabled';
  if (seq)
    return seq
      .filter((c) => c.enabled)
      .map((c) => attributeLabel(c.attributes))
      .join(' + ');
  return attrs ? attributeLabel(attrs) : 'disabled';
}

export function stateScaling(state: QuantizerState): Scaling {
  if (!state.enabled) return 'none';
  const a = state.attributes;
  if (a.use_constant_amax || a.constant_amax !== null) return 'constant';
  if (a.type === 'dynamic' || isMx(a)) return 'dynamic';
  return 'static';
}

/** A sequential slot is static if any enabled stage is, else dynamic/constant as its stages say. */
export function slotScaling(
  enabled: boolean,
  attrs: QuantizerAttributeConfig | null,
  seq: QuantizerState[] | null,
): Scaling {
  if (!enabled) return 'none';
  const states = seq ?? (attrs ? [{ enabled, attributes: attrs }] : []);
  const kinds = states.map(stateScaling).filter((s) => s !== 'none');
  if (kinds.includes('static')) return 'static';
  if (kinds.includes('dynamic')) return 'dynamic';
  return kinds.includes('constant') ? 'constant' : 'none';
}
