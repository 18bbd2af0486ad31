/**
 * Calibration algorithm configs (recipes.md §4.6): one class per `method`, LayerwiseConfig, and
 * `validateAlgorithm` that checks an `algorithm` value on demand (ModelOpt does it at quantize time).
 */
import * as z from 'zod';
import { isDict, pyRepr, type PyKey, type PyValue } from '../pyvalue.js';
import type { AlgorithmConfig, LayerwiseConfig } from '../types.js';
import type { ValidationIssue, ValidationResult } from './api.js';
import { didYouMean, valueError, type ValidationContext } from './issues.js';
import { pyStr } from './attribute.js';
import { sharedStatesField } from './shared-states.js';
import { dumpSparse } from './dump.js';
import {
  defineModel,
  fieldsSetOf,
  isConfigObject,
  markSet,
  validateModel,
  type FieldSpec,
  type Model,
} from './model.js';

const MODULE = 'modelopt.torch.quantization.config';
const d = (v: PyValue) => () => v;

export const LayerwiseConfigModel = defineModel<LayerwiseConfig>({
  name: 'LayerwiseConfig',
  module: MODULE,
  fields: {
    enable: { type: z.boolean(), default: d(false) },
    get_qdq_activations_from_prev_layer: { type: z.boolean(), default: d(false) },
    checkpoint_dir: { type: z.string().nullable(), default: d(null) },
    save_every: { type: z.int().gte(1), default: d(1) },
    calib_mutates_weights: { type: z.boolean(), default: d(true) },
  },
});

const AMAX_ONLY = ['max', 'mse', 'local_hessian', 'nvfp4_act_headroom'];

function baseFields(method: string | null): Record<string, FieldSpec> {
  return {
    method: { type: method === null ? z.null() : z.literal(method), default: d(method) },
    moe_calib_experts_ratio: { type: z.number().gt(0).lte(1).nullable(), default: d(null) },
    layerwise: {
      type: LayerwiseConfigModel.zod,
      default: () => new Map(),
      // A given LayerwiseConfig is rebuilt from its set fields, so validators never alter the caller's.
      before: (v) => (v === null ? new Map() : isConfigObject(v) ? dumpSparse(v) : v),
    },
  };
}

function algorithmClass(
  name: string,
  method: string | null,
  fields: Record<string, FieldSpec>,
  after?: (c: AlgorithmConfig, set: Set<string>) => void,
): Model<AlgorithmConfig> {
  return defineModel<AlgorithmConfig>({
    name,
    module: MODULE,
    fields: { ...baseFields(method), ...fields },
    after: (c, set) => {
      // Checked by the algorithm class, not LayerwiseConfig: a lone LayerwiseConfig may hold any mix.
      if (c.layerwise.checkpoint_dir !== null && !c.layerwise.enable)
        valueError(
          'layerwise.checkpoint_dir requires layerwise.enable=True. ' +
            'Set layerwise.enable=True or remove layerwise.checkpoint_dir.',
        );
      if (!c.layerwise.calib_mutates_weights && !AMAX_ONLY.includes(String(c.method)))
        valueError(
          `Algorithm '${pyStr(c.method as PyValue)}' mutates layer weights in-place; calib_mutates_weights=False would lose ` +
            'those updates on resume. Only max/mse/local_hessian (amax-only) support this flag.',
        );
      after?.(c, set);
    },
  });
}

const positive = (v: number): FieldSpec => ({ type: z.number().gt(0).nullable(), default: d(v) });
const flag = (v: boolean): FieldSpec => ({ type: z.boolean().nullable(), default: d(v) });

export const QuantizeAlgorithmConfigModel = algorithmClass('QuantizeAlgorithmConfig', null, {});
export const MaxCalibConfigModel = algorithmClass('MaxCalibConfig', 'max', {
  shared_states: sharedStatesField,
  distributed_sync: flag(true),
  sync_expert_weight_amax: { type: z.boolean(), default: d(false) },
  skip_forward_without_activation_calib: { type: z.boolean(), default: d(false) },
});
const mseFields = (sweep: boolean): Record<string, FieldSpec> => ({
  shared_states: sharedStatesField,
  step_size: positive(0.1),
  start_multiplier: positive(0.25),
  stop_multiplier: positive(4.0),
  fp8_scale_sweep: flag(sweep),
  distributed_sync: flag(true),
});
export const MseCalibConfigModel = algorithmClass('MseCalibConfig', 'mse', mseFields(false));
const { distributed_sync: mseSync, ...mseSearch } = mseFields(true);
export const LocalHessianCalibConfigModel = algorithmClass('LocalHessianCalibConfig', 'local_hessian', {
  ...mseSearch,
  block_size: { type: z.int().gt(0).nullable(), default: d(16) },
  distributed_sync: mseSync!,
  debug: flag(false),
});
export const SmoothQuantCalibConfigModel = algorithmClass('SmoothQuantCalibConfig', 'smoothquant', {
  alpha: { type: z.number().gte(0).lte(1).nullable(), default: d(1.0) },
});
const liteFields: Record<string, FieldSpec> = {
  alpha_step: { type: z.number().gt(0).lte(1).nullable(), default: d(0.1) },
  debug: flag(false),
};
const clipFields: Record<string, FieldSpec> = {
  max_co_batch_size: { type: z.int().nullable(), default: d(1024) },
  max_tokens_per_batch: { type: z.int().nullable(), default: d(64) },
  min_clip_ratio: { type: z.number().gt(0).lt(1).nullable(), default: d(0.5) },
  shrink_step: { type: z.number().gt(0).lte(1).nullable(), default: d(0.05) },
  debug: flag(false),
};
export const AWQLiteCalibConfigModel = algorithmClass('AWQLiteCalibConfig', 'awq_lite', liteFields);
export const AWQClipCalibConfigModel = algorithmClass('AWQClipCalibConfig', 'awq_clip', clipFields);
export const AWQFullCalibConfigModel = algorithmClass('AWQFullCalibConfig', 'awq_full', {
  ...clipFields,
  ...liteFields,
});
export const SVDQuantConfigModel = algorithmClass('SVDQuantConfig', 'svdquant', {
  lowrank: { type: z.int().nullable(), default: d(32) },
  skip_layers: { type: z.array(z.string()).nullable(), default: d(null) },
});
export const GPTQCalibConfigModel = algorithmClass(
  'GPTQCalibConfig',
  'gptq',
  {
    perc_damp: { type: z.number().gt(0).lte(1).nullable(), default: d(0.01) },
    block_size: { type: z.int().nullable(), default: d(128) },
    fused: { type: z.boolean(), default: d(false) },
  },
  // GPTQ feeds each layer the quantized outputs of the previous one unless told otherwise; the
  // injected value counts as set (ModelOpt assigns a copy with the field updated).
  (c) => {
    if (fieldsSetOf(c.layerwise).includes('get_qdq_activations_from_prev_layer')) return;
    c.layerwise.get_qdq_activations_from_prev_layer = true;
    markSet(c.layerwise, 'get_qdq_activations_from_prev_layer');
    markSet(c, 'layerwise');
  },
);
/** A plain union in ModelOpt (no discriminator): a mismatch reports every member's refusal. */
const scaleAlgorithm = () =>
  z.union([MaxCalibConfigModel.zod, MseCalibConfigModel.zod, LocalHessianCalibConfigModel.zod]);
/** ModelOpt serialises a scale algorithm as its method plus the fields set, even in full dumps. */
const methodAndSetFields = (v: unknown): PyValue => {
  if (v === null) return null;
  const rest = dumpSparse(v) as Map<PyKey, PyValue>;
  rest.delete('method');
  return new Map<PyKey, PyValue>([['method', (v as AlgorithmConfig).method as PyValue], ...rest]);
};
export const NVFP4ActHeadroomCalibConfigModel = algorithmClass(
  'NVFP4ActHeadroomCalibConfig',
  'nvfp4_act_headroom',
  {
    anchor_percentile: { type: z.number().gt(0).lte(100), default: d(1.0) },
    upper_percentile: { type: z.number().gt(0).lte(100), default: d(99.99) },
    rho: { type: z.number().gt(0).lt(28672), default: d(16384.0) },
    weight_scale_algorithm: {
      type: scaleAlgorithm(),
      default: () => new Map([['method', 'max']]),
      serialize: methodAndSetFields,
    },
  },
);
const amaxSide = () => z.enum(['pre', 'post']);
export const LSQConfigModel = algorithmClass(
  'LSQConfig',
  'lsq',
  {
    learnable_amax: { type: z.union([z.array(amaxSide()), amaxSide()]), default: () => ['post'] },
    tied_amax: { type: z.boolean(), default: d(false) },
    quantize_pre_scale: { type: z.boolean(), default: d(true) },
    scale_algorithm: { type: scaleAlgorithm().nullable(), default: d(null), serialize: methodAndSetFields },
  },
  (c) => {
    const sides = new Set(
      typeof c.learnable_amax === 'string' ? [c.learnable_amax] : (c.learnable_amax as string[]),
    );
    if (c.tied_amax && !(sides.size === 0 || (sides.has('pre') && sides.has('post'))))
      valueError(
        `tied_amax=True requires learnable_amax to be [] or ['pre', 'post'], got ${pyStr(c.learnable_amax as PyValue)}`,
      );
  },
);

/** Algorithm classes by `method`, as ModelOpt's CalibrateModeRegistry knows them. */
export const ALGORITHM_MODELS: ReadonlyMap<string, Model<AlgorithmConfig>> = new Map(
  [
    MaxCalibConfigModel,
    MseCalibConfigModel,
    LocalHessianCalibConfigModel,
    SmoothQuantCalibConfigModel,
    AWQLiteCalibConfigModel,
    AWQClipCalibConfigModel,
    AWQFullCalibConfigModel,
    SVDQuantConfigModel,
    GPTQCalibConfigModel,
    NVFP4ActHeadroomCalibConfigModel,
    LSQConfigModel,
  ].map((m) => [String(m.fields.method!.default!()), m]),
);

function notFound(name: PyValue, path: PyKey[]): ValidationIssue[] {
  const hint = didYouMean(name, [...ALGORITHM_MODELS.keys()]);
  return [
    {
      path,
      message: `Algorithm ${typeof name === 'string' ? name : pyRepr(name)} not found in CalibrateModeRegistry!${hint}`,
    },
  ];
}

function validateOne(
  spec: PyValue,
  path: PyKey[],
  ctx: ValidationContext,
): { value?: unknown; issues: ValidationIssue[] } {
  if (spec === null) return { value: null, issues: [] };
  const name = typeof spec === 'string' ? spec : isDict(spec) ? (spec.get('method') ?? null) : undefined;
  if (name === undefined)
    return {
      issues: [
        {
          path,
          message: `Invalid algorithm ${pyRepr(spec)}: expected a method name, a mapping with 'method', or None`,
        },
      ],
    };
  const model = name === null ? QuantizeAlgorithmConfigModel : ALGORITHM_MODELS.get(String(name));
  if (!model || (name !== null && typeof name !== 'string'))
    return { issues: notFound(name, isDict(spec) ? [...path, 'method'] : path) };
  const r = validateModel(model, typeof spec === 'string' ? new Map() : spec, path, ctx);
  return r.ok ? { value: r.value, issues: [] } : { issues: r.issues };
}

/**
 * Checks a QuantizeConfig `algorithm` value against its method's class: a name, a mapping with
 * `method`, null, or a flat list of those. Returns algorithm config objects (null stays null).
 */
export function validateAlgorithm(
  spec: PyValue,
  ctx: ValidationContext = { warnings: [] },
): ValidationResult {
  if (!Array.isArray(spec)) {
    const r = validateOne(spec, [], ctx);
    return r.issues.length ? { ok: false, issues: r.issues } : { ok: true, value: r.value };
  }
  const values: unknown[] = [];
  const issues: ValidationIssue[] = [];
  spec.forEach((item, i) => {
    if (Array.isArray(item)) issues.push({ path: [i], message: 'Nested algorithm lists are not supported' });
    else {
      const r = validateOne(item, [i], ctx);
      if (r.issues.length) issues.push(...r.issues);
      else values.push(r.value);
    }
  });
  return issues.length ? { ok: false, issues } : { ok: true, value: values };
}
