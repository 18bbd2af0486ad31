/**
 * Calibration algorithm configs (recipes.md §4.6): one class per `method`, LayerwiseConfig, and
 * `validateAlgorithm` that checks an `algorithm` value on demand (ModelOpt does it at quantize time).
 */
import * as z from 'zod';
import { isDict, pyRepr, type PyKey, type PyValue } from '../pyvalue.js';
import type { AlgorithmConfig, LayerwiseConfig } from '../types.js';
import type { ValidationIssue, ValidationResult } from './api.js';
import { didYouMean, valueError, type ValidationContext } from './issues.js';
import { defineModel, fieldsSetOf, validateModel, type FieldSpec, type Model } from './model.js';

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
  after: (c) => {
    if (c.checkpoint_dir !== null && !c.enable)
      valueError(
        'layerwise.checkpoint_dir requires layerwise.enable=True. ' +
          'Set layerwise.enable=True or remove layerwise.checkpoint_dir.',
      );
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
      before: (v) => (v === null ? new Map() : v),
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
      if (!c.layerwise.calib_mutates_weights && !AMAX_ONLY.includes(String(c.method)))
        valueError(
          `Algorithm '${String(c.method)}' mutates layer weights in-place; calib_mutates_weights=False would lose ` +
            'those updates on resume. Only max/mse/local_hessian (amax-only) support this flag.',
        );
      after?.(c, set);
    },
  });
}

const SHARED_STATES = ['weight_global_amax'];
/** `shared_states`: only `weight_global_amax`, only its `patterns` list, each a valid regex. */
function checkSharedStates(v: unknown): unknown {
  if (v === null) return v;
  for (const [state, spec] of v as Map<string, Map<string, string[]>>) {
    if (!SHARED_STATES.includes(state))
      valueError(
        `shared_states has unsupported state ${pyRepr(state)}; expected one of ['weight_global_amax'].`,
      );
    for (const [key, patterns] of spec) {
      if (key !== 'patterns')
        valueError(`shared_states[${pyRepr(state)}] supports only the key 'patterns', got ${pyRepr(key)}.`);
      for (const p of patterns) {
        try {
          new RegExp(p);
        } catch (e) {
          valueError(
            `shared_states[${pyRepr(state)}] has an invalid regex ${pyRepr(p)}: ${(e as Error).message}`,
          );
        }
      }
    }
  }
  return v;
}
const sharedStates: FieldSpec = {
  type: z.record(z.string(), z.record(z.string(), z.array(z.string()))).nullable(),
  default: d(null),
  after: checkSharedStates,
};
const positive = (v: number): FieldSpec => ({ type: z.number().gt(0).nullable(), default: d(v) });
const flag = (v: boolean): FieldSpec => ({ type: z.boolean().nullable(), default: d(v) });

export const QuantizeAlgorithmConfigModel = algorithmClass('QuantizeAlgorithmConfig', null, {});
export const MaxCalibConfigModel = algorithmClass('MaxCalibConfig', 'max', {
  shared_states: sharedStates,
  distributed_sync: flag(true),
  sync_expert_weight_amax: { type: z.boolean(), default: d(false) },
  skip_forward_without_activation_calib: { type: z.boolean(), default: d(false) },
});
const mseFields = (sweep: boolean): Record<string, FieldSpec> => ({
  shared_states: sharedStates,
  step_size: positive(0.1),
  start_multiplier: positive(0.25),
  stop_multiplier: positive(4.0),
  fp8_scale_sweep: flag(sweep),
  distributed_sync: flag(true),
});
export const MseCalibConfigModel = algorithmClass('MseCalibConfig', 'mse', mseFields(false));
export const LocalHessianCalibConfigModel = algorithmClass('LocalHessianCalibConfig', 'local_hessian', {
  ...mseFields(true),
  block_size: { type: z.int().gt(0).nullable(), default: d(16) },
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
  // GPTQ feeds each layer the quantized outputs of the previous one unless told otherwise.
  (c) => {
    if (!fieldsSetOf(c.layerwise).includes('get_qdq_activations_from_prev_layer'))
      c.layerwise.get_qdq_activations_from_prev_layer = true;
  },
);
const scaleAlgorithm = () =>
  z.discriminatedUnion('method', [
    MaxCalibConfigModel.zod,
    MseCalibConfigModel.zod,
    LocalHessianCalibConfigModel.zod,
  ]);
export const NVFP4ActHeadroomCalibConfigModel = algorithmClass(
  'NVFP4ActHeadroomCalibConfig',
  'nvfp4_act_headroom',
  {
    anchor_percentile: { type: z.number().gt(0).lte(100), default: d(1.0) },
    upper_percentile: { type: z.number().gt(0).lte(100), default: d(99.99) },
    rho: { type: z.number().gt(0).lt(28672), default: d(16384.0) },
    weight_scale_algorithm: { type: scaleAlgorithm(), default: () => new Map([['method', 'max']]) },
  },
);
const amaxSide = () => z.enum(['pre', 'post']);
export const LSQCalibConfigModel = algorithmClass(
  'LSQCalibConfig',
  'lsq',
  {
    learnable_amax: { type: z.union([amaxSide(), z.array(amaxSide())]), default: () => ['post'] },
    tied_amax: { type: z.boolean(), default: d(false) },
    quantize_pre_scale: { type: z.boolean(), default: d(true) },
    scale_algorithm: { type: scaleAlgorithm().nullable(), default: d(null) },
  },
  (c) => {
    const sides = new Set(
      typeof c.learnable_amax === 'string' ? [c.learnable_amax] : (c.learnable_amax as string[]),
    );
    if (c.tied_amax && !(sides.size === 0 || (sides.has('pre') && sides.has('post'))))
      valueError(
        `tied_amax=True requires learnable_amax to be [] or ['pre', 'post'], got ${pyRepr(c.learnable_amax as PyValue)}`,
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
    LSQCalibConfigModel,
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
