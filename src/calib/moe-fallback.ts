/**
 * MoE amax rules after the forward passes (quant-engine §3.1 step 6, §4.1 step 2): every expert's input
 * quantizer gets the max over all experts of its layer (ModelOpt max-syncs them), and an expert quantizer that
 * saw no token takes the max over its siblings that did, or 0.5 when none did. Each fallback is reported.
 */
import type { ActivationTarget } from './targets.js';

/** ModelOpt's input amax for an expert when no expert of its layer saw a token. */
export const NO_TOKEN_FALLBACK_AMAX = 0.5;

/** `model.layers.3.mlp.experts.5.gate_proj.input_quantizer` → `model.layers.3.mlp.experts.*.gate_proj.input_quantizer`. */
function siblingKey(name: string): string | null {
  const m = /^(.*\.experts)\.\d+\.(.+)$/.exec(name);
  return m ? `${m[1]}.*.${m[2]}` : null;
}

export interface ExpertFallback {
  amax: number;
  reason: string;
}

/**
 * Applies the sync and fallbacks in place. Returns the quantizers that got a fallback (they saw no data).
 */
export function finishExpertAmax(
  targets: readonly ActivationTarget[],
  amax: Map<string, number>,
  channelAmax: Map<string, Float32Array>,
): Map<string, ExpertFallback> {
  const groups = new Map<string, ActivationTarget[]>();
  for (const t of targets) {
    if (t.expert === undefined) continue;
    const key = siblingKey(t.name);
    if (key === null) continue;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const fallbacks = new Map<string, ExpertFallback>();
  for (const [key, members] of groups) {
    const seen = members.filter((t) => amax.has(t.name));
    let max: number | undefined;
    for (const t of seen) {
      const v = amax.get(t.name)!;
      if (max === undefined || v > max || v !== v) max = v;
    }
    let ch: Float32Array | undefined;
    for (const t of seen) {
      const c = channelAmax.get(t.name);
      if (!c) continue;
      if (!ch) ch = c.slice();
      else for (let i = 0; i < ch.length; i++) if (c[i]! > ch[i]! || c[i] !== c[i]) ch[i] = c[i]!;
    }
    const syncAll = members[0]!.kind === 'input';
    for (const t of members) {
      const has = amax.has(t.name);
      if (has && !syncAll) continue;
      if (!has) {
        const value = max ?? NO_TOKEN_FALLBACK_AMAX;
        const reason =
          max === undefined
            ? `no expert of ${key} received a token; using ${NO_TOKEN_FALLBACK_AMAX}`
            : `expert received no token; using the max over the ${seen.length} experts that did (${max})`;
        fallbacks.set(t.name, { amax: value, reason });
      }
      amax.set(t.name, max ?? NO_TOKEN_FALLBACK_AMAX);
      if (ch) channelAmax.set(t.name, ch.slice());
    }
  }
  return fallbacks;
}
