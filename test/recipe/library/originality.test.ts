// Provenance checks: the library's prose is our own and carries no third-party licence headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commentLines, firstDocument, isMapping, listBuiltinFiles, readBuiltin } from './builtin-tree.js';

// Descriptions and comments seen in ModelOpt's own library; none of ours may repeat them.
const MODELOPT_PHRASES = [
  'Composes W8A8 FP8 E4M3 model quantization with FP8 KV-cache quantization; uses max calibration.',
  'Applies dynamic NVFP4 only to expert-layer weight and input quantizers, plus FP8 KV-cache quantization',
  'Applies dynamic NVFP4 to output-projection and MLP/MoE weight and input quantizers',
  'Applies static NVFP4 weight scales from MSE FP8-scale sweep and dynamic NVFP4 inputs',
  'Applies NVFP4 W4A4 with static weight scales, dynamic inputs, KV quantizers disabled',
  'NVFP4 W4A16 weight-only, BF16 activations, max calibration. No calibration forward pass required.',
  'INT4 blockwise weight-only (W4A16, block size 128), max calibration.',
  'Mixed NVFP4 + FP8 per-layer search at 5.4 effective bits.',
  'Mixed FP8 + NVFP4-weight-only per-layer search at 6.0 effective bits',
  'EAGLE3 training recipe (model/data/training/eagle bundled).',
  'DSpark training recipe (DFlash backbone + Markov head + confidence head).',
  'Gemma INT8 SmoothQuant recipe with FP8 KV-cache cast',
  'Step3.5-Flash PTQ recipe that enables dynamic NVFP4 on MoE/MLP weight and input quantizers',
  'Ultra NVFP4 with Four-Over-Six (4/6) MSE-selected weights on routed experts',
  'Disable all quantizers by default (deny-all-then-configure pattern).',
  'QuantizerCfgList snippet for standard module patterns that should remain unquantized.',
  'Composed PTQ recipe for',
  'Equivalent to the hardcoded',
];
const LICENCE_MARKERS = [
  'SPDX',
  'Licensed under',
  'NVIDIA CORPORATION',
  'Apache License',
  'All rights reserved',
];

const FILES = listBuiltinFiles();
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

function prose(file: string): string {
  const data = firstDocument(file);
  const meta = isMapping(data) && isMapping(data['metadata']) ? data['metadata'] : {};
  const description = typeof meta['description'] === 'string' ? meta['description'] : '';
  return squash([description, ...commentLines(readBuiltin(file))].join(' '));
}

test('no description or comment repeats a known ModelOpt sentence', () => {
  for (const file of FILES) {
    const text = prose(file);
    for (const phrase of MODELOPT_PHRASES)
      assert.ok(!text.includes(squash(phrase)), `${file} repeats: ${phrase}`);
  }
});

test('no file carries a licence header', () => {
  for (const file of FILES) {
    const text = readBuiltin(file);
    for (const marker of LICENCE_MARKERS) assert.ok(!text.includes(marker), `${file} contains '${marker}'`);
  }
});

test('every file opens with a one-line comment saying what it is', () => {
  for (const file of FILES) {
    const first = readBuiltin(file).split('\n')[0] ?? '';
    assert.match(first, /^# \S.{10,}/, `${file}: first line is not a descriptive comment`);
  }
});

test('every recipe description is our own prose of reasonable length', () => {
  for (const file of FILES) {
    const data = firstDocument(file);
    if (!isMapping(data) || !isMapping(data['metadata']) || !('description' in data['metadata'])) continue;
    const d = data['metadata']['description'];
    assert.ok(typeof d === 'string' && d.trim().length >= 30, `${file}: description too short`);
  }
});
