/**
 * The quantizer slots of a HF causal LM as ModelOpt names them after `mtq.quantize`: one entry per
 * TensorQuantizer, in PyTorch `named_modules()` order (parents before children, registration order).
 */

export type QuantizerKind = 'input' | 'weight' | 'output' | 'q_bmm' | 'k_bmm' | 'v_bmm' | 'p_bmm';

/** Where the MoE experts live: one nn.Linear per expert (transformers < 5) or 3-D fused params (>= 5). */
export type ExpertLayout = 'sequential' | 'fused';

export interface QuantizerSlot {
  /** Full dotted quantizer name, e.g. `model.layers.0.self_attn.q_proj.weight_quantizer`. */
  name: string;
  kind: QuantizerKind;
  /** The quantized module that owns the quantizer (linear, embedding, attention, fused experts). */
  module: string;
  /** Module-independent layer label for summaries, e.g. `self_attn.q_proj`, `mlp.experts.*.gate_proj`. */
  layerType: string;
  /** Class of the immediate parent module (`nn.Linear`, `LlamaAttention`, `nn.ModuleList`, ...). */
  parentClass: string;
  /** QuantModuleRegistry keys the immediate parent is an instance of (what `parent_class` matches). */
  parentKeys: string[];
  /** Decoder layer index, when the slot sits inside `model.layers.<i>`. */
  layer?: number;
  /** Expert index for per-expert slots. */
  expert?: number;
  /** True for nn.Embedding's input quantizer: configs are absorbed but it always stays disabled. */
  alwaysDisabled?: boolean;
  /** Weight slots: the checkpoint tensors this quantizer sees (two for a fused gate+up pair). */
  weightTensors?: string[];
  /** Weight slots: the shape the quantizer sees (`[out, in]`; fused gate_up is `[2I, H]`). */
  shape?: number[];
  /**
   * Modules, named as in the exported (hub-named) checkpoint, whose quantization format this slot
   * decides: a linear's own name; for fused experts the per-expert split `experts.E.gate_proj` etc.
   */
  exportModules: string[];
}

/** A checkpoint tensor as the planner needs it: its name and shape. */
export interface TensorInfo {
  name: string;
  shape: number[];
}

export interface ModelSlots {
  modelType: string;
  architecture: string;
  expertLayout: ExpertLayout | null;
  slots: QuantizerSlot[];
  /** Every checkpoint tensor (the planner sizes unquantized ones from here). */
  tensors: TensorInfo[];
  /** Whether `lm_head` shares the embedding table (one tensor in the checkpoint). */
  tiedEmbeddings: boolean;
  /**
   * Modules that own no quantizer but that ModelOpt's export lists as excluded (transformers >= 5
   * MoE routers), in model order, hub-named.
   */
  quantizerlessExcluded: string[];
  /**
   * QuantModuleRegistry keys the HF plugins register for this model (attention class, sparse-MoE
   * block or fused-experts class), so `parent_class` may name them even where no slot's parent is one.
   */
  registryKeys: string[];
}
