/**
 * The HF decoder-only architectures whose module trees mopt knows: class names (they become
 * QuantModuleRegistry keys for `parent_class`) and the child order of each block, which fixes
 * the `named_modules()` order of the quantizers.
 */

export interface ProjectionSpec {
  /** Attribute name of the nn.Linear inside its parent. */
  name: string;
  /** Which weight dimension must equal `hidden_size` (`in` = dim 1, `out` = dim 0). */
  hidden: 'in' | 'out';
}

export interface MoeSpec {
  /** Attribute of the decoder layer holding the sparse block in the hub (transformers < 5) layout. */
  hubBlock: string;
  /** Attribute of the decoder layer holding the sparse block with fused experts (transformers >= 5). */
  fusedBlock: string;
  sparseBlockClass: string;
  fusedExpertsClass: string;
  /** Per-expert linears in registration order (hub layout). */
  expertProjections: ProjectionSpec[];
  /** Which per-expert linears make the fused `gate_up_proj` (gate rows first) and `down_proj`. */
  gate: string;
  up: string;
  down: string;
  /** config.json keys holding the expert count, first present wins. */
  expertCountKeys: string[];
  /** True when every decoder layer is sparse (otherwise layers without experts use the dense MLP). */
  allLayersSparse: boolean;
}

export interface ArchSpec {
  modelType: string;
  causalLmClass: string;
  attentionClass: string;
  /** Per-head RMSNorms inside attention (Qwen3), registered after o_proj; they hold no quantizer. */
  attentionNorms: string[];
  moe?: MoeSpec;
}

const ATTENTION_PROJECTIONS: ProjectionSpec[] = [
  { name: 'q_proj', hidden: 'in' },
  { name: 'k_proj', hidden: 'in' },
  { name: 'v_proj', hidden: 'in' },
  { name: 'o_proj', hidden: 'out' },
];

const GATED_MLP: ProjectionSpec[] = [
  { name: 'gate_proj', hidden: 'in' },
  { name: 'up_proj', hidden: 'in' },
  { name: 'down_proj', hidden: 'out' },
];

export const attentionProjections = ATTENTION_PROJECTIONS;
export const denseMlpProjections = GATED_MLP;

function dense(modelType: string, prefix: string, attentionNorms: string[] = []): ArchSpec {
  return {
    modelType,
    causalLmClass: `${prefix}ForCausalLM`,
    attentionClass: `${prefix}Attention`,
    attentionNorms,
  };
}

const ARCHITECTURES: Record<string, ArchSpec> = {
  llama: dense('llama', 'Llama'),
  mistral: dense('mistral', 'Mistral'),
  qwen2: dense('qwen2', 'Qwen2'),
  qwen3: dense('qwen3', 'Qwen3', ['q_norm', 'k_norm']),
  mixtral: {
    ...dense('mixtral', 'Mixtral'),
    moe: {
      hubBlock: 'block_sparse_moe',
      fusedBlock: 'mlp',
      sparseBlockClass: 'MixtralSparseMoeBlock',
      fusedExpertsClass: 'MixtralExperts',
      expertProjections: [
        { name: 'w1', hidden: 'in' },
        { name: 'w2', hidden: 'out' },
        { name: 'w3', hidden: 'in' },
      ],
      gate: 'w1',
      up: 'w3',
      down: 'w2',
      expertCountKeys: ['num_local_experts'],
      allLayersSparse: true,
    },
  },
  qwen3_moe: {
    ...dense('qwen3_moe', 'Qwen3Moe', ['q_norm', 'k_norm']),
    moe: {
      hubBlock: 'mlp',
      fusedBlock: 'mlp',
      sparseBlockClass: 'Qwen3MoeSparseMoeBlock',
      fusedExpertsClass: 'Qwen3MoeExperts',
      expertProjections: GATED_MLP,
      gate: 'gate_proj',
      up: 'up_proj',
      down: 'down_proj',
      expertCountKeys: ['num_experts'],
      allLayersSparse: false,
    },
  },
};

export const SUPPORTED_MODEL_TYPES: readonly string[] = Object.keys(ARCHITECTURES);

export function architectureFor(modelType: string): ArchSpec | undefined {
  return Object.hasOwn(ARCHITECTURES, modelType) ? ARCHITECTURES[modelType] : undefined;
}
