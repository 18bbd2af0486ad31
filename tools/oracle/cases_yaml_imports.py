"""Conformance cases, part 1: PyYAML scalars, ExMy, document shapes, schema comments, imports.

Each case: (name, files {relative path: text}, call). A call is
("load_config", path[, schema_type]) or ("load_recipe", path[, overrides]).
The runner (conformance_golden.py) writes the files into a fresh cwd and records the outcome.
"""

Q = "modelopt.torch.quantization.config."
S = "# modelopt-schema: " + Q
ATTR = S + "QuantizerAttributeConfig\n"
ENTRY = S + "QuantizerCfgEntry\n"
LIST = S + "QuantizerCfgListConfig\n"
QCFG = S + "QuantizeConfig\n"
PATTERNS = "# modelopt-schema: modelopt.recipe.config.LayerPatternList\n"

FP8 = ATTR + "num_bits: e4m3\naxis: null\n"
NVFP4 = ATTR + "num_bits: e2m1\nblock_sizes: {-1: 16, type: dynamic, scale_bits: e4m3}\n"
DENY = ENTRY + "quantizer_name: '*'\nenable: false\n"
TWO_ENTRIES = LIST + ("- quantizer_name: '*weight_quantizer'\n  cfg: {num_bits: 8, axis: 0}\n"
                      "- quantizer_name: '*input_quantizer'\n  enable: false\n")


def plain(name, text):
    """A schemaless file a.yaml loaded with load_config('a')."""
    return (name, {"a.yaml": text}, ("load_config", "a"))


SCALARS = [
    plain("yaml_bool_spellings", "v: [yes, Yes, YES, no, No, on, ON, off, y, n, true, False, TRUE]\n"),
    plain("yaml_null_spellings", "a: ~\nb: null\nc: Null\nd: NULL\ne:\n"),
    plain("yaml_int_forms", "v: [0b101, 017, 0x1F, +12, 1_000, 1:30, 0o17, -1, 0]\n"),
    plain("yaml_float_forms",
          "v: [1e-4, 1.0e-4, 6.0e-4, 2688.0, .5, .inf, -.inf, .NaN, 1e3, 1.5e3, 1.5e+3, 1.0]\n"),
    plain("yaml_date", "d: 2024-01-01\n"),
    plain("yaml_equals_scalar_fails", "a: =\n"),
    plain("yaml_key_types", "-1: a\n'-1': b\n1.5: c\ntrue: d\n7: e\nx: f\n"),
    plain("yaml_duplicates_anchors_merge",
          "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\ndup: 1\ndup: 2\n"),
    plain("yaml_python_tag_rejected", "a: !!python/tuple [1, 2]\n"),
    plain("yaml_flow_equals_block", "f: {-1: 16, type: dynamic}\nb:\n  -1: 16\n  type: dynamic\n"),
]

EXMY = [
    plain("exmy_rules", "num_bits: e4m3\nscale_bits: E8M0\nother: e4m3\nNum_Bits: e4m3\n"
          "nested: [{num_bits: e2m1}]\nin_list: {num_bits: [e4m3]}\nmulti: {num_bits: e10m20}\n"
          "zero: {num_bits: e0m3}\nsuffix: {num_bits: e4m3x}\nspace: {num_bits: 'e4m3 '}\n"
          "number: {num_bits: 8}\nkeylike: {e4m3: x}\nmixed_case: {num_bits: e4M3}\n"),
    plain("exmy_block_scalar_trailing_newline", "num_bits: |\n  e4m3\n"),
    plain("exmy_block_scalar_two_newlines", "num_bits: |+\n  e4m3\n\n"),
    plain("exmy_arabic_indic_digit", "num_bits: e\u0664m3\n"),
    ("exmy_list_becomes_tuple_after_validation", {"a.yaml": ATTR + "num_bits: [4, 3]\n"},
     ("load_config", "a")),
]

DOCUMENTS = [
    plain("doc_empty_file", ""),
    plain("doc_comments_only", "# nothing here\n"),
    plain("doc_explicit_null", "null\n"),
    plain("doc_null_first_discards_second", "---\n---\n- a\n"),
    plain("doc_scalar_root", "5\n"),
    plain("doc_single_list", "- a\n- 2\n"),
    plain("doc_single_list_keeps_import_marker", "- $import: x\n"),
    plain("doc_two_mappings_merge", "a: 1\nb: 1\n---\nb: 2\nc: 3\n"),
    plain("doc_second_null", "a: 1\n---\n"),
    plain("doc_first_not_mapping", "- a\n---\nb: 1\n"),
    plain("doc_second_scalar", "a: 1\n---\nhello\n"),
    plain("doc_list_snippet_drops_header_keys", "other: 1\n---\n- a\n- b\n"),
    plain("doc_three_documents", "a: 1\n---\nb: 2\n---\nc: 3\n"),
    plain("doc_list_snippet_stray_marker", "other: 1\n---\n- $import: x\n"),
]

SCHEMA_COMMENTS = [
    plain("schema_after_licence_header", "# Copyright (c) someone\n#\n" + ATTR + "num_bits: 8\n"),
    plain("schema_without_spaces",
          "#modelopt-schema:modelopt.torch.quantization.config.QuantizerAttributeConfig\nnum_bits: 8\n"),
    plain("schema_two_tokens_ignored", ATTR.rstrip("\n") + " extra\nnum_bits: 8\n"),
    plain("schema_uppercase_ignored", ATTR.upper() + "num_bits: 8\n"),
    plain("schema_after_content_ignored", "num_bits: 8\n" + ATTR),
    plain("schema_after_document_marker_ignored", "---\n" + ATTR + "num_bits: 8\n"),
    plain("schema_multiple", ATTR + ATTR + "num_bits: 8\n"),
    plain("schema_namespace", "# modelopt-schema: os.path.join\na: 1\n"),
    plain("schema_invalid_path", "# modelopt-schema: modelopt.\na: 1\n"),
    plain("schema_unresolved", S + "NoSuchConfig\na: 1\n"),
    plain("schema_module_not_found", "# modelopt-schema: modelopt.no_such_module.Thing\na: 1\n"),
    plain("schema_empty_file_all_defaults", ATTR),
    plain("schema_list_of_entries", TWO_ENTRIES),
    plain("schema_layer_patterns", PATTERNS + "- '*router*'\n- '*visual*'\n"),
    ("schema_label_is_comment_even_with_schema_type", {"a.yaml": ATTR + "num_bits: 0\n"},
     ("load_config", "a", Q + "QuantizeConfig")),
    plain("schema_validation_error_message", ATTR + "num_bits: 0\n"),
]

IMPORTS = [
    ("import_dict_merge_precedence",
     {"f1.yaml": ATTR + "num_bits: 8\naxis: 0\n", "f2.yaml": ATTR + "axis: null\nfake_quant: false\n",
      "a.yaml": "imports: {x: f1, y: f2}\ncfg:\n  $import: [x, y]\n  axis: 1\n"}, ("load_config", "a")),
    ("import_merge_is_shallow",
     {"n.yaml": NVFP4, "a.yaml": "imports: {n: n}\ncfg:\n  $import: n\n  block_sizes: {type: static}\n"},
     ("load_config", "a")),
    ("import_splice_and_append_in_quant_cfg",
     {"deny.yaml": DENY, "two.yaml": TWO_ENTRIES,
      "a.yaml": QCFG + "imports: {deny: deny, two: two}\nquant_cfg:\n  - $import: deny\n"
      "  - $import: two\n  - quantizer_name: '*lm_head*'\n    enable: false\n"}, ("load_config", "a")),
    ("import_list_untyped",
     {"two.yaml": TWO_ENTRIES, "a.yaml": "imports: {two: two}\nitems:\n  - $import: two\n"},
     ("load_config", "a")),
    ("import_list_wrong_schema",
     {"f.yaml": FP8, "a.yaml": QCFG + "imports: {f: f}\nquant_cfg:\n  - $import: f\n"},
     ("load_config", "a")),
    ("import_dict_of_list_snippet",
     {"two.yaml": TWO_ENTRIES, "a.yaml": "imports: {two: two}\ncfg:\n  $import: two\n"},
     ("load_config", "a")),
    ("import_scoping_parent_cannot_use_child_name",
     {"f.yaml": FP8, "child.yaml": LIST + "imports: {fmt: f}\n---\n- quantizer_name: w\n  cfg: {$import: fmt}\n",
      "a.yaml": QCFG + "imports: {child: child}\nquant_cfg:\n  - $import: child\n"
      "  - quantizer_name: x\n    cfg: {$import: fmt}\n"}, ("load_config", "a")),
    ("import_same_name_different_files",
     {"f.yaml": FP8, "n.yaml": NVFP4,
      "child.yaml": LIST + "imports: {fmt: n}\n---\n- quantizer_name: w\n  cfg: {$import: fmt}\n",
      "a.yaml": QCFG + "imports: {child: child, fmt: f}\nquant_cfg:\n  - $import: child\n"
      "  - quantizer_name: x\n    cfg: {$import: fmt}\n"}, ("load_config", "a")),
    ("import_cycle",
     {"c1.yaml": ENTRY + "imports: {o: c2}\nquantizer_name: a\nenable: false\n",
      "c2.yaml": ENTRY + "imports: {o: c1}\nquantizer_name: b\nenable: false\n",
      "a.yaml": "imports: {c: c1}\nv: {$import: c}\n"}, ("load_config", "a")),
    ("import_self_with_schema",
     {"me.yaml": ENTRY + "imports: {me: me}\nquantizer_name: a\nenable: false\n"}, ("load_config", "me")),
    ("import_self_without_schema",
     {"me.yaml": "imports: {me: me}\nquantizer_name: a\n"}, ("load_config", "me")),
    ("import_target_without_schema",
     {"f.yaml": "num_bits: 8\n", "a.yaml": "imports: {f: f}\ncfg: {$import: f}\n"}, ("load_config", "a")),
    ("import_unknown_name",
     {"f.yaml": FP8, "a.yaml": "imports: {f: f}\ncfg: {$import: g}\n"}, ("load_config", "a")),
    plain("import_marker_without_imports", "a:\n  b:\n    - x: 1\n      $import: f\n"),
    plain("import_marker_at_root_without_imports", "$import: f\n"),
    ("import_empty_list_marker",
     {"f.yaml": FP8, "a.yaml": "imports: {f: f}\ncfg: {$import: [], num_bits: 4}\n"}, ("load_config", "a")),
    ("import_null_marker",
     {"f.yaml": FP8, "a.yaml": "imports: {f: f}\ncfg: {$import: null}\n"}, ("load_config", "a")),
    ("import_mapping_marker_unhashable",
     {"f.yaml": FP8, "a.yaml": "imports: {f: f}\ncfg: {$import: {f: 1}}\n"}, ("load_config", "a")),
    ("import_list_marker_in_list_unhashable",
     {"f.yaml": FP8, "a.yaml": QCFG + "imports: {f: f}\nquant_cfg:\n  - $import: [f]\n"}, ("load_config", "a")),
    plain("imports_not_a_dict", "imports: [f]\na: 1\n"),
    plain("imports_empty_path", "imports: {f: ''}\na: 1\n"),
    plain("imports_path_not_found", "imports: {f: nowhere/fp8}\na: 1\n"),
    plain("imports_int_path", "imports: {f: 5}\na: 1\n"),
    plain("imports_falsy_removed", "imports: {}\na: 1\n"),
    ("imports_unused_invalid_snippet_fails",
     {"bad.yaml": ATTR + "num_bits: 0\n", "a.yaml": "imports: {b: bad}\na: 1\n"}, ("load_config", "a")),
    ("imports_builtin_snippet", {"a.yaml": "imports: {f: configs/numerics/nvfp4}\ncfg: {$import: f}\n"},
     ("load_config", "a")),
    ("imports_local_file_shadows_builtin",
     {"configs/numerics/fp8.yaml": ATTR + "num_bits: 8\n",
      "a.yaml": "imports: {f: configs/numerics/fp8}\ncfg: {$import: f}\n"}, ("load_config", "a")),
    plain("imports_nested_key_is_data", "x:\n  imports: {f: g}\n"),
    ("imports_yml_before_yaml", {"f.yml": ATTR + "num_bits: 4\n", "f.yaml": ATTR + "num_bits: 8\n",
                                 "a.yaml": "imports: {f: f}\ncfg: {$import: f}\n"}, ("load_config", "a")),
    ("import_legacy_item_in_list_snippet",
     {"l.yaml": LIST + "- '*lm_head*': {enable: false}\n"}, ("load_config", "l")),
    ("import_layer_patterns_splice_in_auto_quantize",
     {"p.yaml": PATTERNS + "- '*router*'\n", "r.yaml":
      "metadata: {recipe_type: auto_quantize}\nimports: {p: p, fp8: configs/ptq/presets/model/fp8}\n"
      "auto_quantize:\n  constraints: {effective_bits: 6.0}\n  candidate_formats:\n    - $import: fp8\n"
      "  disabled_layers:\n    - $import: p\n    - '*extra*'\n"}, ("load_recipe", "r")),
]

CASES = SCALARS + EXMY + DOCUMENTS + SCHEMA_COMMENTS + IMPORTS
