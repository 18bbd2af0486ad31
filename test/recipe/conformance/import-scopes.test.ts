/** Conformance: import cycles, diamonds and per-file scoping (recipes.md §2.6, §2.7 C, §7.2 #17). */
import { runCases, S, type Case } from './harness.js';

const fp8 = S.attr + 'num_bits: e4m3\naxis: null\n';
const nvfp4 = S.attr + 'num_bits: e2m1\n';
const config = (path = 'a.yaml') => ({ fn: 'config' as const, path });

const cases: Case[] = [
  // --- cycles
  {
    name: 'two files importing each other',
    files: {
      'a.yaml': S.attr + 'imports:\n  other: b\n$import: other\n',
      'b.yaml': S.attr + 'imports:\n  other: a\n$import: other\n',
    },
    call: config(),
    error: {
      code: 'E_IMPORT_CYCLE',
      message: [
        "Circular import detected: 'b' (resolves to '",
        "b.yaml') is already being loaded. Import chain: ['",
        "a.yaml', '",
        "b.yaml']",
      ],
      at: 'a.yaml:3:10',
      chain: ['b.yaml:3:3', 'a.yaml:3:3'],
    },
  },
  {
    name: 'a self-import with a schema is a cycle one level down',
    files: { 'a.yaml': S.attr + 'imports:\n  me: a\nnum_bits: 8\n' },
    call: config(),
    error: { code: 'E_IMPORT_CYCLE', message: ["Circular import detected: 'a'", "Import chain: ['"] },
  },
  {
    name: 'a self-import without a schema reports the missing schema',
    files: { 'a.yaml': 'imports:\n  me: a\nx: 1\n' },
    call: config(),
    error: { code: 'E_IMPORT_NO_SCHEMA', message: "Import 'me'" },
  },
  {
    name: 'the cycle key is the real path (./ alias)',
    files: {
      'a.yaml': S.attr + 'imports:\n  other: b\n$import: other\n',
      'b.yaml': S.attr + 'imports:\n  other: ./b.yaml\n$import: other\n',
    },
    call: config(),
    error: { code: 'E_IMPORT_CYCLE', message: ["'./b.yaml' (resolves to '", "b.yaml')"] },
  },
  {
    name: 'the cycle key follows symlinks',
    files: {
      'a.yaml': 'imports:\n  other: b\nx:\n  $import: other\n',
      'b.yaml': S.attr + 'imports:\n  other: c\n$import: other\n',
    },
    links: { 'c.yaml': 'b.yaml' },
    call: config(),
    error: { code: 'E_IMPORT_CYCLE', message: ["'c' (resolves to '", "b.yaml')"] },
  },
  {
    name: 'diamond imports are fine',
    files: {
      'a.yaml': 'imports:\n  b: b\n  c: c\nx:\n  $import: [b, c]\n',
      'b.yaml': S.attr + 'imports:\n  d: d\n$import: d\nunsigned: true\n',
      'c.yaml': S.attr + 'imports:\n  d: d\n$import: d\nnarrow_range: true\n',
      'd.yaml': S.attr + 'num_bits: 4\n',
    },
    call: config(),
    value: "{'x': {'num_bits': 4, 'unsigned': True, 'narrow_range': True}}",
  },
  // --- scoping
  {
    name: "a parent cannot use a child's import name",
    files: {
      'a.yaml': 'imports:\n  child: child\nx:\n  $import: inner\n',
      'child.yaml': S.attr + 'imports:\n  inner: fp8\n$import: inner\n',
      'fp8.yaml': fp8,
    },
    call: config(),
    error: {
      code: 'E_IMPORT_UNKNOWN',
      message: "Unknown $import reference 'inner' in dict value at root.x. Available imports: ['child']",
      at: 'a.yaml:4:3',
    },
  },
  {
    name: 'the same name means different files in different files',
    files: {
      'a.yaml': 'imports:\n  fmt: fp8\n  child: child\nparent:\n  $import: fmt\nchild:\n  $import: child\n',
      'child.yaml': S.attr + 'imports:\n  fmt: nvfp4\n$import: fmt\n',
      'fp8.yaml': fp8,
      'nvfp4.yaml': nvfp4,
    },
    call: config(),
    value: "{'parent': {'num_bits': (4, 3), 'axis': None}, 'child': {'num_bits': (2, 1)}}",
  },
  {
    name: "a child cannot use its parent's names",
    files: {
      'a.yaml': 'imports:\n  fmt: fp8\n  child: child\n',
      'child.yaml': S.attr + 'imports:\n  other: nvfp4\n$import: fmt\n',
      'fp8.yaml': fp8,
      'nvfp4.yaml': nvfp4,
    },
    call: config(),
    error: {
      code: 'E_IMPORT_UNKNOWN',
      message: "Available imports: ['other']",
      at: 'child.yaml:4:1',
      chain: ['a.yaml:3:3'],
    },
  },
  {
    name: 'a snippet mapping without imports keeps its markers (rejected by validation)',
    files: {
      'a.yaml': 'imports:\n  s: s\n  fp8: fp8\nx:\n  $import: s\n',
      's.yaml': S.attr + '$import: fp8\n',
      'fp8.yaml': fp8,
    },
    call: config(),
    error: { code: 'E_SCHEMA_MISMATCH', message: ['s.yaml does not match', '$import'] },
  },
  {
    name: 'a snippet with a null imports key scans its own markers',
    files: { 'a.yaml': 'imports:\n  s: s\n', 's.yaml': S.attr + 'imports:\n$import: fp8\n' },
    call: config(),
    error: {
      code: 'E_IMPORT_UNKNOWN_NODECL',
      message: "'fp8' in root. No imports are declared.",
      chain: ['a.yaml:2:3'],
    },
  },
  {
    name: 'a two-document list snippet without imports still scans its markers',
    files: {
      'a.yaml': 'imports:\n  s: s\n',
      's.yaml': S.list + 'x: 1\n---\n- quantizer_name: a\n  enable: false\n- $import: other\n',
    },
    call: config(),
    error: { code: 'E_IMPORT_UNKNOWN_NODECL', message: "'other' in root[1]." },
  },
  {
    name: 'a one-document list snippet keeps a marker item literally (then fails validation)',
    files: { 'a.yaml': 'imports:\n  s: s\n', 's.yaml': S.list + '- $import: other\n' },
    call: config(),
    error: { code: 'E_SCHEMA_MISMATCH', message: 's.yaml does not match' },
  },
];

runCases('import cycles and scopes', cases);
