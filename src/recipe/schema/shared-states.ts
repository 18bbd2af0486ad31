/**
 * The `shared_states` field of max / mse / local_hessian calibration (which quantizer states are
 * shared, grouped by module-name regexes) and its mixin class `_SharedStatesConfig`.
 */
import * as z from 'zod';
import { pyRepr } from '../pyvalue.js';
import { valueError } from './issues.js';
import { defineModel, type FieldSpec } from './model.js';

const SHARED_STATES = ['weight_global_amax'];
const sortedRepr = (names: Iterable<string>) => pyRepr([...new Set(names)].sort());

/** Python `re` syntax JS lacks: named groups `(?P<n>`/`(?P=n)` and leading global flags `(?i)`. */
function asJsRegex(pattern: string): string {
  return pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/^\(\?[aiLmsux]+\)/, '');
}

/** Only `weight_global_amax`, only its `patterns` list, each a valid regex. */
function checkSharedStates(v: unknown): unknown {
  if (v === null) return v;
  const states = v as Map<string, Map<string, string[]>>;
  const unknown = [...states.keys()].filter((k) => !SHARED_STATES.includes(k));
  if (unknown.length)
    valueError(
      `shared_states has unsupported state(s) ${sortedRepr(unknown)}; expected keys from ${sortedRepr(SHARED_STATES)}.`,
    );
  for (const [state, spec] of states) {
    const fields = [...spec.keys()].filter((k) => k !== 'patterns');
    if (fields.length)
      valueError(
        `shared_states[${pyRepr(state)}] has unsupported field(s) ${sortedRepr(fields)}; expected ['patterns'].`,
      );
    for (const p of spec.get('patterns') ?? []) {
      try {
        new RegExp(asJsRegex(p));
      } catch (e) {
        // The reason is the JS engine's wording; ModelOpt shows Python's re error there.
        valueError(
          `shared_states[${pyRepr(state)}]['patterns'] has an invalid regex ${pyRepr(p)}: ${(e as Error).message}`,
        );
      }
    }
  }
  return v;
}

export const sharedStatesField: FieldSpec = {
  type: z.record(z.string(), z.record(z.string(), z.array(z.string()))).nullable(),
  default: () => null,
  after: checkSharedStates,
};

/** `_SharedStatesConfig`, the mixin of max / mse / local_hessian, is a schema name of its own. */
export const SharedStatesConfigModel = defineModel<{ shared_states: unknown }>({
  name: '_SharedStatesConfig',
  module: 'modelopt.torch.quantization.config',
  fields: { shared_states: sharedStatesField },
});
