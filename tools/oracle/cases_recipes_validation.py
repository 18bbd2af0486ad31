"""Conformance cases, part 2: path resolution, recipes, directory recipes, legacy quant_cfg,
QuantizerCfgEntry rules and QuantizerAttributeConfig validation (R1-R8 of recipes.md §4.3).
Same case shape as cases_yaml_imports.py.
"""

from cases_yaml_imports import ATTR, DENY, ENTRY, LIST, QCFG

PTQ_HEAD = "metadata:\n  recipe_type: ptq\n"


def recipe(name, text, overrides=None):
    """A single-file recipe r.yaml loaded with load_recipe('r')."""
    call = ("load_recipe", "r") if overrides is None else ("load_recipe", "r", overrides)
    return (name, {"r.yaml": text}, call)


def attr(name, body):
    """A QuantizerAttributeConfig snippet c.yaml loaded with load_config('c')."""
    return (name, {"c.yaml": ATTR + body}, ("load_config", "c"))


def entry(name, body):
    return (name, {"e.yaml": ENTRY + body}, ("load_config", "e"))


def quant_cfg(name, body):
    """A QuantizeConfig snippet q.yaml (legacy conversion runs only here)."""
    return (name, {"q.yaml": QCFG + body}, ("load_config", "q"))


PATHS = [
    ("path_no_cross_suffix_probe", {"c.yaml": "a: 1\n"}, ("load_config", "c.yml")),
    ("path_explicit_suffix", {"c.yaml": "a: 1\n"}, ("load_config", "c.yaml")),
    ("path_directory_never_matches", {"c.yaml/x": "a: 1\n"}, ("load_config", "c")),
    ("path_builtin_config_by_name", {}, ("load_config", "configs/numerics/fp8")),
    ("path_recipe_not_found", {}, ("load_recipe", "nowhere/r")),
    ("path_recipe_without_yaml_suffix", {"plain": PTQ_HEAD + "quantize: {}\n"}, ("load_recipe", "plain")),
    ("path_local_recipe_does_not_shadow_builtin",
     {"general/ptq/fp8_default-kv_fp8.yaml": PTQ_HEAD + "  description: local\nquantize: {}\n"},
     ("load_recipe", "general/ptq/fp8_default-kv_fp8")),
    ("path_huggingface_models_alias_for_recipes", {},
     ("load_recipe", "huggingface/models/nvidia/NVIDIA-Nemotron-3-Nano-4B-BF16/ptq/nvfp4_w4a16")),
    ("path_no_models_alias_for_configs", {},
     ("load_config", "huggingface/models/nvidia/NVIDIA-Nemotron-3-Nano-4B-BF16/ptq/nvfp4_w4a16")),
    ("path_directory_wins_over_file",
     {"r/metadata.yaml": "recipe_type: ptq\ndescription: from dir\n", "r/quantize.yaml": "",
      "r.yaml": PTQ_HEAD + "  description: from file\nquantize: {}\n"}, ("load_recipe", "r")),
]

RECIPES = [
    recipe("recipe_minimal_ptq_defaults", PTQ_HEAD + "quantize: {}\n"),
    recipe("recipe_missing_recipe_type", "metadata: {description: x}\nquantize: {}\n"),
    recipe("recipe_unknown_type", "metadata: {recipe_type: qat}\nquantize: {}\n"),
    recipe("recipe_type_wrong_case", "metadata: {recipe_type: PTQ}\nquantize: {}\n"),
    recipe("recipe_empty_file", ""),
    recipe("recipe_missing_quantize", PTQ_HEAD),
    recipe("recipe_null_quantize", PTQ_HEAD + "quantize:\n"),
    recipe("recipe_list_quantize", PTQ_HEAD + "quantize: []\n"),
    recipe("recipe_two_documents", PTQ_HEAD + "---\nquantize: {}\n"),
    recipe("recipe_missing_auto_quantize_section", "metadata: {recipe_type: auto_quantize}\n"),
    recipe("recipe_auto_quantize_needs_candidates",
           "metadata: {recipe_type: auto_quantize}\nauto_quantize: {constraints: {}}\n"),
    recipe("recipe_eagle_minimal", "metadata: {recipe_type: speculative_eagle}\neagle: {}\n"),
    recipe("recipe_dflash_offline_data",
           "metadata: {recipe_type: speculative_dflash}\ndata: {offline_data_path: /d}\ndflash: {}\n"),
    recipe("recipe_medusa_minimal", "metadata: {recipe_type: speculative_medusa}\nmedusa: {}\n"),
    recipe("recipe_missing_eagle_section", "metadata: {recipe_type: speculative_eagle}\n"),
    recipe("recipe_extra_top_level_key", PTQ_HEAD + "quantize: {}\nextra: 1\n"),
    recipe("recipe_extra_metadata_key", PTQ_HEAD + "  owner: me\nquantize: {}\n"),
    recipe("recipe_int_description", PTQ_HEAD + "  description: 5\nquantize: {}\n"),
    recipe("recipe_metadata_from_import",
           "imports: {m: m}\nmetadata: {$import: m}\nquantize: {}\n"),
    recipe("recipe_schema_comment_bad_namespace",
           "# modelopt-schema: os.path.join\n" + PTQ_HEAD + "quantize: {}\n"),
    recipe("recipe_splice_builtin_units",
           PTQ_HEAD + "imports:\n  deny: configs/ptq/units/base_disable_all\n"
           "  kv: configs/ptq/units/kv_fp8\n  fp8: configs/numerics/fp8\nquantize:\n  quant_cfg:\n"
           "    - $import: deny\n    - quantizer_name: '*weight_quantizer'\n      cfg: {$import: fp8}\n"
           "    - $import: kv\n  algorithm: {method: max, layerwise: {enable: false}}\n"),
    recipe("recipe_algorithm_not_validated", PTQ_HEAD + "quantize: {algorithm: {method: foo, x: 1}}\n"),
    recipe("recipe_algorithm_number_rejected", PTQ_HEAD + "quantize: {algorithm: 5}\n"),
    recipe("recipe_overrides_on_local_file", PTQ_HEAD + "quantize: {}\n",
           ["quantize.algorithm=null", "metadata.description=x"]),
    recipe("recipe_overrides_load_error_first", PTQ_HEAD, ["no-equals"]),
]

DIRECTORY = [
    ("dir_recipe_with_imports",
     {"d/metadata.yaml": "recipe_type: ptq\ndescription: dir recipe\n",
      "d/quantize.yaml": "imports: {deny: configs/ptq/units/base_disable_all}\n"
      "quant_cfg:\n  - $import: deny\nalgorithm: null\n", "d/notes.txt": "ignored\n"}, ("load_recipe", "d")),
    ("dir_metadata_root_import",
     {"m.yaml": "# modelopt-schema: modelopt.recipe.config.RecipeMetadataConfig\nrecipe_type: ptq\n",
      "d/metadata.yaml": "imports: {m: m}\n$import: m\ndescription: via import\n",
      "d/quantize.yaml": ""}, ("load_recipe", "d")),
    ("dir_missing_quantize", {"d/metadata.yaml": "recipe_type: ptq\n"}, ("load_recipe", "d")),
    ("dir_missing_metadata_v1_style",
     {"d/recipe.yaml": PTQ_HEAD, "d/quantize.yaml": ""}, ("load_recipe", "d")),
    ("dir_non_ptq_unsupported",
     {"d/metadata.yaml": "recipe_type: speculative_eagle\n"}, ("load_recipe", "d")),
    ("dir_with_overrides", {"d/metadata.yaml": "recipe_type: ptq\n", "d/quantize.yaml": ""},
     ("load_recipe", "d", ["metadata.description=x"])),
    ("dir_nested_metadata_key", {"d/metadata.yaml": PTQ_HEAD, "d/quantize.yaml": ""}, ("load_recipe", "d")),
    ("dir_imports_are_per_file",
     {"d/metadata.yaml": "imports: {deny: configs/ptq/units/base_disable_all}\nrecipe_type: ptq\n",
      "d/quantize.yaml": "quant_cfg:\n  - $import: deny\n"}, ("load_recipe", "d")),
]

LEGACY = [
    quant_cfg("legacy_flat_mapping",
              "quant_cfg:\n  default: {enable: false}\n  '*weight_quantizer': {num_bits: 8, axis: 0}\n"),
    quant_cfg("legacy_single_key_items",
              "quant_cfg:\n  - '*lm_head*': {enable: false}\n  - '*input_quantizer': {num_bits: 8, axis: null}\n"
              "  - nn.Linear: {'*weight_quantizer': {enable: false}, '*input_quantizer': {num_bits: 8}}\n"),
    quant_cfg("legacy_multi_key_nn_item",
              "quant_cfg:\n  - nn.Linear: {'*a': {enable: false}}\n    nn.Conv2d: {'*b': {enable: false}}\n"),
    quant_cfg("legacy_nn_value_not_mapping", "quant_cfg:\n  - nn.Linear: 5\n"),
    quant_cfg("legacy_forgotten_quantizer_name", "quant_cfg:\n  - cfg: {num_bits: 8}\n"),
    quant_cfg("legacy_enable_only_item", "quant_cfg:\n  - enable: false\n"),
    quant_cfg("legacy_string_item_rejected", "quant_cfg:\n  - '*weight_quantizer'\n"),
    quant_cfg("legacy_multi_key_item_rejected", "quant_cfg:\n  - a: 1\n    b: 2\n"),
    quant_cfg("quant_cfg_null_rejected", "quant_cfg:\n"),
    quant_cfg("quant_cfg_empty_flat_mapping", "quant_cfg: {}\n"),
    ("legacy_item_in_entry_list_snippet", {"l.yaml": LIST + "- '*lm_head*': {enable: false}\n"},
     ("load_config", "l")),
    quant_cfg("quantize_effective_bits_range", "effective_bits: 16.5\n"),
]

ENTRIES = [
    entry("entry_empty_cfg_disabled_becomes_null", "quantizer_name: a\ncfg: {}\nenable: false\n"),
    entry("entry_empty_cfg_enabled_rejected", "quantizer_name: a\ncfg: {}\n"),
    entry("entry_empty_cfg_list_rejected", "quantizer_name: a\ncfg: [{}, {}]\n"),
    entry("entry_mixed_cfg_list_accepted", "quantizer_name: a\ncfg: [{}, {num_bits: 8}]\n"),
    entry("entry_name_only_rejected", "quantizer_name: a\n"),
    entry("entry_null_cfg_counts_as_given", "quantizer_name: a\ncfg: null\n"),
    entry("entry_null_enable_rejected", "quantizer_name: a\nenable: null\n"),
    entry("entry_sequential_cfg", "quantizer_name: '*weight_quantizer'\ncfg:\n"
          "  - {num_bits: 4, block_sizes: {-1: 128, type: static}}\n  - {num_bits: e4m3}\n"),
    entry("entry_cfg_enable_ignored_but_kept", "quantizer_name: a\ncfg: {enable: false, num_bits: 8}\n"),
    ("entry_base_disable_all_builtin", {"x.yaml": DENY}, ("load_config", "x")),
]

VALIDATION = [
    attr("r1_enable_only", "enable: true\n"),
    attr("r1_enable_only_nested", "num_bits: e2m1\nblock_sizes: {-1: 16, type: dynamic, "
         "scale_bits: e4m3, scale_block_sizes: {enable: true}}\n"),
    attr("r1_rotate_enable_allowed", "num_bits: 4\nrotate: {enable: true}\n"),
    attr("r1_enable_false_alone_ok", "enable: false\n"),
    attr("r2_effective_bits_too_big", "effective_bits: 17\n"),
    attr("r2_effective_bits_zero", "effective_bits: 0\n"),
    attr("r3_axis_with_block_sizes", "axis: 0\nblock_sizes: {-1: 16}\n"),
    attr("r3_dynamic_two_axes", "num_bits: 4\nblock_sizes: {-1: 16, -2: 16, type: dynamic}\n"),
    attr("r3_unknown_string_key", "num_bits: 4\nblock_sizes: {-1: 16, foo: 1}\n"),
    attr("r3_string_axis_key", "num_bits: 4\nblock_sizes: {'-1': 16}\n"),
    attr("r3_four_over_six_bool_becomes_int",
         "num_bits: e2m1\nblock_sizes: {-1: 16, type: static, scale_bits: e4m3, four_over_six: true}\n"),
    attr("r3_type_not_checked", "num_bits: 4\nblock_sizes: {-1: 128, type: weird}\n"),
    attr("r4_bias_ok", "num_bits: e4m3\nbias: {-2: null, -4: null, type: static}\n"),
    attr("r4_bias_bad_type", "bias: {-1: null, type: sometimes}\n"),
    attr("r4_bias_bad_method", "bias: {-1: null, method: median}\n"),
    attr("r4_bias_type_from_other_literal", "bias: {-1: null, type: mean}\n"),
    attr("r4_bias_method_from_other_literal", "bias: {-1: null, method: static}\n"),
    attr("r4_bias_no_axis", "bias: {type: static}\n"),
    attr("r4_bias_enable_key", "bias: {-1: null, enable: true, type: static}\n"),
    attr("r5_calibrator_unknown", "calibrator: foo\n"),
    attr("r5_calibrator_list_is_tuple", "calibrator: [histogram, [1, 2]]\n"),
    attr("r6_constant_amax_zero", "constant_amax: 0\n"),
    attr("r7_num_bits_zero", "num_bits: 0\n"),
    attr("r7_num_bits_e0m3", "num_bits: e0m3\n"),
    attr("r7_num_bits_unsupported_format", "num_bits: e3m3\n"),
    attr("r7_num_bits_e3m2_needs_dynamic_blocks", "num_bits: e3m2\n"),
    attr("r7_num_bits_e3m2_dynamic_blocks_ok", "num_bits: e3m2\nblock_sizes: {-1: 32, type: dynamic, "
         "scale_bits: e8m0}\n"),
    attr("r7_num_bits_quoted_string_kept", "num_bits: '8'\n"),
    attr("r7_num_bits_float_integral", "num_bits: 4.0\n"),
    attr("r7_num_bits_float_fraction", "num_bits: 4.5\n"),
    attr("r7_num_bits_true", "num_bits: true\n"),
    attr("r7_num_bits_three_elements", "num_bits: [4, 3, 1]\n"),
    attr("r7_backend_skips_num_bits", "num_bits: 0\nbackend: my_backend\n"),
    attr("r8_constant_amax_exclusive", "use_constant_amax: true\nconstant_amax: 448.0\n"),
    attr("attr_learn_amax_true", "learn_amax: true\n"),
    attr("attr_trt_dtype_case", "trt_high_precision_dtype: float\n"),
    attr("attr_type_case", "type: Dynamic\n"),
    attr("attr_axis_coercions", "axis: [0, 1]\nfake_quant: 1\nunsigned: 'yes'\n"),
    attr("attr_axis_true", "axis: true\n"),
    attr("attr_extra_key", "num_bitz: 8\n"),
    attr("attr_rotate_mapping", "num_bits: 4\nrotate: {enable: true, mode: rotate_back, block_size: 4}\n"),
    attr("attr_rotate_block_size_bool", "rotate: {enable: true, block_size: true}\n"),
]

CASES = PATHS + RECIPES + DIRECTORY + LEGACY + ENTRIES + VALIDATION
