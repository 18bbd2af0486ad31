// The exact set of files in the built-in library (recipes/), one entry per file, with its suffix.
// Built-in names are these paths without `.yaml` / `.yml`; keep this list in step with docs/recipes.md.
export const EXPECTED_BUILTIN_FILES: readonly string[] = [
  // configs/auto_quantize/units
  'configs/auto_quantize/units/base_cost_excluded_layers.yaml',
  'configs/auto_quantize/units/base_disabled_layers.yaml',
  // configs/numerics
  'configs/numerics/fp8.yaml',
  'configs/numerics/int4_per_block.yaml',
  'configs/numerics/int8.yaml',
  'configs/numerics/int8_per_channel.yaml',
  'configs/numerics/mxfp4.yaml',
  'configs/numerics/mxfp6.yaml',
  'configs/numerics/mxfp8.yaml',
  'configs/numerics/mxint8.yaml',
  'configs/numerics/nvfp4.yaml',
  'configs/numerics/nvfp4_bs32.yaml',
  'configs/numerics/nvfp4_dynamic.yml',
  'configs/numerics/nvfp4_four_over_six.yaml',
  'configs/numerics/nvfp4_static.yaml',
  // configs/ptq
  'configs/ptq/base_disable_all.yaml',
  'configs/ptq/default_disabled_quantizers.yaml',
  'configs/ptq/fp8_kv.yaml',
  // configs/ptq/presets
  'configs/ptq/presets/diffusers/fp8.yaml',
  'configs/ptq/presets/diffusers/int8.yaml',
  'configs/ptq/presets/diffusers/nvfp4.yaml',
  'configs/ptq/presets/diffusers/nvfp4_fp8_conv.yaml',
  'configs/ptq/presets/diffusers/nvfp4_fp8_mha.yaml',
  'configs/ptq/presets/kv/fp8.yaml',
  'configs/ptq/presets/kv/fp8_affine.yaml',
  'configs/ptq/presets/kv/fp8_cast.yaml',
  'configs/ptq/presets/kv/nvfp4.yaml',
  'configs/ptq/presets/kv/nvfp4_affine.yaml',
  'configs/ptq/presets/kv/nvfp4_cast.yaml',
  'configs/ptq/presets/kv/nvfp4_rotate.yaml',
  'configs/ptq/presets/model/fp8.yaml',
  'configs/ptq/presets/model/fp8_2d_blockwise_weight_only.yaml',
  'configs/ptq/presets/model/fp8_per_channel_per_token.yaml',
  'configs/ptq/presets/model/int4_awq.yaml',
  'configs/ptq/presets/model/int4_blockwise_weight_only.yaml',
  'configs/ptq/presets/model/int8.yaml',
  'configs/ptq/presets/model/int8_smoothquant.yaml',
  'configs/ptq/presets/model/int8_weight_only.yaml',
  'configs/ptq/presets/model/mamba_moe_fp8_aggressive.yaml',
  'configs/ptq/presets/model/mamba_moe_fp8_conservative.yaml',
  'configs/ptq/presets/model/mamba_moe_nvfp4_aggressive.yaml',
  'configs/ptq/presets/model/mamba_moe_nvfp4_conservative.yaml',
  'configs/ptq/presets/model/mxfp4.yaml',
  'configs/ptq/presets/model/mxfp4_mlp_weight_only.yaml',
  'configs/ptq/presets/model/mxfp6.yaml',
  'configs/ptq/presets/model/mxfp8.yaml',
  'configs/ptq/presets/model/mxint8.yaml',
  'configs/ptq/presets/model/nvfp4.yaml',
  'configs/ptq/presets/model/nvfp4_awq_clip.yaml',
  'configs/ptq/presets/model/nvfp4_awq_full.yaml',
  'configs/ptq/presets/model/nvfp4_awq_lite.yaml',
  'configs/ptq/presets/model/nvfp4_experts_only.yaml',
  'configs/ptq/presets/model/nvfp4_four_over_six.yaml',
  'configs/ptq/presets/model/nvfp4_fp8_mha.yaml',
  'configs/ptq/presets/model/nvfp4_mlp_only.yaml',
  'configs/ptq/presets/model/nvfp4_mlp_weight_only.yaml',
  'configs/ptq/presets/model/nvfp4_omlp_only.yaml',
  'configs/ptq/presets/model/nvfp4_svdquant.yaml',
  'configs/ptq/presets/model/nvfp4_w4a4_weight_local_hessian.yaml',
  'configs/ptq/presets/model/nvfp4_w4a4_weight_mse_fp8_sweep.yaml',
  'configs/ptq/presets/model/w4a16_nvfp4.yaml',
  'configs/ptq/presets/model/w4a8_awq_beta.yaml',
  'configs/ptq/presets/model/w4a8_mxfp4_fp8.yaml',
  'configs/ptq/presets/model/w4a8_nvfp4_fp8.yaml',
  // configs/ptq/units
  'configs/ptq/units/attention_qkv_fp8.yaml',
  'configs/ptq/units/base_disable_all.yaml',
  'configs/ptq/units/block_sparse_moe_nvfp4.yaml',
  'configs/ptq/units/default_disabled_quantizers.yaml',
  'configs/ptq/units/experts_nvfp4.yaml',
  'configs/ptq/units/kv_fp8.yaml',
  'configs/ptq/units/kv_fp8_affine.yaml',
  'configs/ptq/units/kv_fp8_cast.yaml',
  'configs/ptq/units/kv_nvfp4.yaml',
  'configs/ptq/units/kv_nvfp4_affine.yaml',
  'configs/ptq/units/kv_nvfp4_cast.yaml',
  'configs/ptq/units/kv_nvfp4_rotate.yaml',
  'configs/ptq/units/mamba_moe_disabled_quantizers.yaml',
  'configs/ptq/units/mixer_mlp_nvfp4.yaml',
  'configs/ptq/units/w4_nvfp4.yaml',
  'configs/ptq/units/w4a4_nvfp4_nvfp4.yaml',
  'configs/ptq/units/w4a4_nvfp4_nvfp4_four_over_six.yaml',
  'configs/ptq/units/w8a8_fp8_fp8.yaml',
  // general/auto_quantize
  'general/auto_quantize/nvfp4_fp8_at_5p4bits.yaml',
  'general/auto_quantize/nvfp4_fp8_kl_div_at_5p4bits.yaml',
  'general/auto_quantize/nvfp4_mse_fp8_at_6p0bits.yaml',
  'general/auto_quantize/w4a16_nvfp4_fp8_at_6p0bits-active_moe.yaml',
  'general/auto_quantize/w4a8_awq_beta_fp8_at_6p0bits.yaml',
  // general/distillation
  'general/distillation/dmd2_qwen_image.yaml',
  // general/ptq
  'general/ptq/fp8_default-fp8_kv.yaml',
  'general/ptq/fp8_default-kv_fp8.yaml',
  'general/ptq/fp8_default-kv_fp8_cast.yaml',
  'general/ptq/int4_blockwise_weight_only.yaml',
  'general/ptq/mxfp4_mlp_weight_only.yaml',
  'general/ptq/nvfp4_act_headroom-kv_fp8_cast.yaml',
  'general/ptq/nvfp4_default-fp8_kv.yaml',
  'general/ptq/nvfp4_default-kv_fp8.yaml',
  'general/ptq/nvfp4_default-kv_fp8_cast.yaml',
  'general/ptq/nvfp4_default-kv_none-gptq.yaml',
  'general/ptq/nvfp4_default-kv_nvfp4_cast.yaml',
  'general/ptq/nvfp4_default-none_kv_gptq.yaml',
  'general/ptq/nvfp4_experts_only-fp8_kv.yaml',
  'general/ptq/nvfp4_experts_only-kv_fp8.yaml',
  'general/ptq/nvfp4_experts_only-kv_fp8_cast.yaml',
  'general/ptq/nvfp4_experts_only-kv_fp8_layerwise.yaml',
  'general/ptq/nvfp4_experts_only-kv_fp8_layerwise_offload.yaml',
  'general/ptq/nvfp4_experts_only_input_scale1-kv_fp8_cast.yaml',
  'general/ptq/nvfp4_experts_only_mse-kv_fp8_cast.yaml',
  'general/ptq/nvfp4_mlp_only-fp8_kv.yaml',
  'general/ptq/nvfp4_mlp_only-kv_fp8.yaml',
  'general/ptq/nvfp4_mlp_only-kv_fp8_cast.yaml',
  'general/ptq/nvfp4_mlp_only-novit-kv_fp8.yaml',
  'general/ptq/nvfp4_mlp_only_mse-kv_fp8_cast.yaml',
  'general/ptq/nvfp4_mlp_weight_only.yaml',
  'general/ptq/nvfp4_omlp_only-fp8_kv.yaml',
  'general/ptq/nvfp4_omlp_only-kv_fp8.yaml',
  'general/ptq/nvfp4_omlp_only-kv_fp8_cast.yaml',
  'general/ptq/nvfp4_weight_only-kv_fp16.yaml',
  'general/ptq/nvfp4_weight_only-kv_fp8_cast.yaml',
  // general/qad
  'general/qad/nvfp4_default-kv_fp8.yaml',
  'general/qad/nvfp4_dual_lsq-mse_init-fp8_kv.yaml',
  'general/qad/nvfp4_lsq-mse_init-fp8_kv.yaml',
  // general/speculative_decoding
  'general/speculative_decoding/dflash.yaml',
  'general/speculative_decoding/domino.yaml',
  'general/speculative_decoding/dspark.yaml',
  'general/speculative_decoding/eagle3.yaml',
  // huggingface/diffusion_gemma
  'huggingface/diffusion_gemma/ptq/disabled_quantizers.yaml',
  'huggingface/diffusion_gemma/ptq/nvfp4_experts_only.yaml',
  // huggingface/gemma
  'huggingface/gemma/ptq/int8_sq-kv_fp8_cast.yaml',
  'huggingface/gemma/ptq/w4a8_awq-kv_fp8_cast.yaml',
  // huggingface/gemma4
  'huggingface/gemma4/ptq/w4a8_awq-kv_fp8_cast.yaml',
  // huggingface/minimax_m3_vl
  'huggingface/minimax_m3_vl/ptq/mxfp8_nvfp4_experts.yaml',
  'huggingface/minimax_m3_vl/ptq/nvfp4_experts_only.yaml',
  // huggingface/models/mistralai/Mistral-Medium-3.5-128B
  'huggingface/models/mistralai/Mistral-Medium-3.5-128B/ptq/nvfp4-max-calib.yaml',
  // huggingface/models/nvidia/Nemotron-3-Nano-4B-BF16
  'huggingface/models/nvidia/Nemotron-3-Nano-4B-BF16/ptq/nvfp4_w4a16.yaml',
  // huggingface/models/nvidia/Nemotron-3-Super-120B-A12B-BF16
  'huggingface/models/nvidia/Nemotron-3-Super-120B-A12B-BF16/ptq/nvfp4-max-calib.yaml',
  'huggingface/models/nvidia/Nemotron-3-Super-120B-A12B-BF16/ptq/nvfp4-mse.yaml',
  // huggingface/models/nvidia/Nemotron-3-Ultra-550B-A55B-BF16
  'huggingface/models/nvidia/Nemotron-3-Ultra-550B-A55B-BF16/ptq/nvfp4-4o6.yaml',
  // huggingface/models/nvidia/Nemotron-3.5-Lightning-30B-A3B-BF16
  'huggingface/models/nvidia/Nemotron-3.5-Lightning-30B-A3B-BF16/ptq/w4a16_nvfp4_4o6.yaml',
  // huggingface/mpt
  'huggingface/mpt/ptq/w4a8_awq-kv_fp8_cast.yaml',
  // huggingface/nemotron_llama
  'huggingface/nemotron_llama/ptq/fp8_output_quant_proj.yaml',
  'huggingface/nemotron_llama/ptq/nvfp4_output_quant_proj.yaml',
  // huggingface/nemotron_vl
  'huggingface/nemotron_vl/ptq/disabled_quantizers.yaml',
  'huggingface/nemotron_vl/ptq/nvfp4-kv_fp8_cast.yaml',
  // huggingface/qwen3_5
  'huggingface/qwen3_5/ptq/w4a16_nvfp4-fp8_attn-kv_fp8_cast.quant_cfg.yaml',
  'huggingface/qwen3_5/ptq/w4a16_nvfp4-fp8_attn-kv_fp8_cast.yaml',
  'huggingface/qwen3_5/ptq/w4a16_nvfp4_mse-fp8_attn-kv_fp8_cast.quant_cfg.yaml',
  'huggingface/qwen3_5/ptq/w4a16_nvfp4_mse-fp8_attn-kv_fp8_cast.yaml',
  // huggingface/qwen3_5_moe
  'huggingface/qwen3_5_moe/ptq/nvfp4_experts_mse-fp8_rest-kv_fp8.yaml',
  'huggingface/qwen3_5_moe/ptq/w4a16_nvfp4-fp8_attn-kv_fp8_cast.yaml',
  'huggingface/qwen3_5_moe/ptq/w4a16_nvfp4_mse-fp8_attn-kv_fp8_cast.yaml',
  // huggingface/qwen3_6_moe
  'huggingface/qwen3_6_moe/auto_quantize/w4a16_nvfp4_fp8_at_6p0bits-active_moe.yaml',
  'huggingface/qwen3_6_moe/auto_quantize/w4a16_nvfp4_fp8_module_spaces_at_6p0bits-active_moe.yaml',
  // huggingface/step3p5
  'huggingface/step3p5/Step3.5-Flash/ptq/nvfp4-mlp-only.yaml',
  // huggingface/step3p7
  'huggingface/step3p7/ptq/nvfp4_experts_only-kv_fp8_cast.yaml',
  'huggingface/step3p7/ptq/nvfp4_mlp_only-kv_fp8.yaml',
  // huggingface/vit
  'huggingface/vit/ptq/fp8.yaml',
  // models/Step3.5-Flash
  'models/Step3.5-Flash/nvfp4-mlp-only.yaml',
  // models/deepseek-ai/DeepSeek-V4-Pro-0813
  'models/deepseek-ai/DeepSeek-V4-Pro-0813/ptq/nvfp4_experts_only.yaml',
  // models/meta-models/Muse-Glimmer-30B
  'models/meta-models/Muse-Glimmer-30B/auto_quantize/w4a16_nvfp4_4o6_mixed.yaml',
  // models/mistralai/Mistral-Medium-3.5-128B
  'models/mistralai/Mistral-Medium-3.5-128B/ptq/nvfp4-max-calib.yaml',
  // models/moonshotai/Kimi-K3
  'models/moonshotai/Kimi-K3/ptq/nvfp4_experts-fp8_pb_attention.yaml',
  // models/nvidia/NVIDIA-Nemotron-3-Nano-4B-BF16
  'models/nvidia/NVIDIA-Nemotron-3-Nano-4B-BF16/ptq/nvfp4_w4a16.yaml',
  // models/nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16
  'models/nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16/ptq/nvfp4-max-calib.yaml',
  'models/nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16/ptq/nvfp4-mse.yaml',
  // models/nvidia/NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16
  'models/nvidia/NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16/ptq/nvfp4-4o6.yaml',
  // models/nvidia/NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16
  'models/nvidia/NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16/ptq/w4a16_nvfp4_4o6.yaml',
  'models/nvidia/NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16/speculative_decoding/dspark_warmstart.yaml',
  // models/stepfun-ai/Step-3.5-Flash
  'models/stepfun-ai/Step-3.5-Flash/ptq/nvfp4-mlp-only.yaml',
];
