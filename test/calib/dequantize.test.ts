/**
 * Exported checkpoints read back dequantized: for each data-free format the dequantized weights equal the
 * simulated (fake-quantized) weights — bit for bit where both compute the same float32 products (NVFP4 with the
 * fused group's amax, MXFP8), within one rounding step at a handful of near-tie elements elsewhere (the export
 * divides by the scale, fake quant multiplies by its reciprocal; MXFP4 export rounds ties down).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDequantized } from '../../src/calib/dequantize.js';
import { simulatedWeights } from '../../src/calib/simulate.js';
import { exportCheckpoint, loadQuantizeInput } from '../../src/export/index.js';
import { slotConfig } from '../../src/model/forward/observers/fake-quant.js';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { fakeQuant } from '../../src/quant/quantizer/fake-quant.js';
import { planFor, scratch, tinyModel } from './helpers.js';

const tmp = scratch('dequantize');
after(() => tmp.cleanup());
const model = tinyModel(tmp.dir, 'qwen3', 'oracle-w256', 3);

const maxAbs = (w: Float32Array): number => w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
/** The export shares one per-tensor amax across q/k/v and gate/up (quant-engine §4.3). */
function groupOf(module: string): string[] {
  const m = /^(.*)\.(q_proj|k_proj|v_proj|gate_proj|up_proj)$/.exec(module);
  if (!m) return [module];
  return (
    m[2] === 'gate_proj' || m[2] === 'up_proj' ? ['gate_proj', 'up_proj'] : ['q_proj', 'k_proj', 'v_proj']
  ).map((p) => `${m[1]}.${p}`);
}

interface Case {
  recipe: string;
  format: string;
  /** Largest share of elements allowed to differ by more than 1e-6 relative. */
  nearTieShare: number;
  groupAmax?: boolean;
}

/** Weight-only static NVFP4 on the MLP: its global amax is shared by gate/up (quant-engine §3.1 step 8). */
const staticRecipe = join(tmp.dir, 'nvfp4_static_mlp.yaml');
writeFileSync(
  staticRecipe,
  [
    '# modelopt-schema: modelopt.torch.quantization.config.QuantizeConfig',
    'imports:',
    '  base_disable_all: configs/ptq/units/base_disable_all',
    '  nvfp4_static: configs/numerics/nvfp4_static',
    'algorithm: max',
    'quant_cfg:',
    '  - $import: base_disable_all',
    "  - quantizer_name: '*mlp*weight_quantizer'",
    '    cfg:',
    '      $import: nvfp4_static',
    '',
  ].join('\n'),
);

const cases: Case[] = [
  { recipe: staticRecipe, format: 'nvfp4', nearTieShare: 0 },
  { recipe: 'general/ptq/nvfp4_weight_only-kv_fp8_cast', format: 'nvfp4', nearTieShare: 0, groupAmax: true },
  { recipe: 'configs/ptq/presets/model/mxfp8', format: 'mxfp8', nearTieShare: 0 },
  {
    recipe: 'configs/ptq/presets/model/fp8_2d_blockwise_weight_only',
    format: 'fp8_block2d',
    nearTieShare: 0,
  },
  {
    recipe: 'configs/ptq/presets/model/fp8_per_channel_per_token',
    format: 'fp8_per_channel',
    nearTieShare: 1e-3,
  },
  { recipe: 'configs/ptq/presets/model/int8_weight_only', format: 'int8', nearTieShare: 1e-3 },
  { recipe: 'configs/ptq/presets/model/int4_blockwise_weight_only', format: 'int4_awq', nearTieShare: 2e-3 },
  { recipe: 'configs/ptq/presets/model/mxfp4_mlp_weight_only', format: 'mxfp4', nearTieShare: 1e-2 },
];

for (const c of cases) {
  test(`${c.recipe}: dequantized ${c.format} weights equal the fake-quantized ones`, () => {
    const out = join(tmp.dir, c.recipe.replace(/\//g, '_'));
    const quantize = loadQuantizeInput(c.recipe).quantize;
    exportCheckpoint({ modelDir: model, quantize, exportPath: out, force: true });
    const plan = planFor(model, c.recipe);
    const configs = new Map(plan.slots.map((p) => [p.slot.name, p]));
    const src = openCheckpoint(model);
    const simulate = simulatedWeights(plan, { method: 'max' }, (t) => src.readTensorF32(t));
    const d = openDequantized(out);
    try {
      assert.ok(d.linears.size > 0);
      for (const [m, lin] of d.linears) {
        assert.equal(lin.format, c.format, m);
        const w = src.readTensorF32(`${m}.weight`);
        const info = {
          tensor: `${m}.weight`,
          quantizer: `${m}.weight_quantizer`,
          shape: lin.shape,
          layer: 0,
        };
        const want = c.groupAmax
          ? fakeQuant(
              w,
              lin.shape,
              slotConfig(configs.get(info.quantizer)!)!,
              Math.max(...groupOf(m).map((g) => maxAbs(src.readTensorF32(`${g}.weight`)))),
            )
          : simulate(w, info)!;
        const got = d.checkpoint.readTensorF32(`${m}.weight`);
        assert.deepEqual(d.checkpoint.tensor(`${m}.weight`).shape, lin.shape);
        let far = 0;
        for (let i = 0; i < got.length; i++)
          if (Math.abs(got[i]! - want[i]!) > 1e-6 * Math.abs(want[i]!)) far++;
        assert.ok(far <= c.nearTieShare * got.length, `${m}: ${far} of ${got.length} elements differ`);
        if (c.nearTieShare === 0 && c.format !== 'fp8_block2d') assert.deepEqual(got, want, m);
      }
    } finally {
      d.checkpoint.close();
      src.close();
    }
  });
}

test('the FP8-cast KV cache of an export is simulated with amax 448; weight-only layers get no input quantizer', () => {
  const d = openDequantized(join(tmp.dir, 'general_ptq_nvfp4_weight_only-kv_fp8_cast'));
  try {
    assert.equal(d.quantAlgo, 'W4A16_NVFP4');
    assert.deepEqual(
      d.activations.names.sort(),
      [0, 1]
        .flatMap((l) => [
          `model.layers.${l}.self_attn.k_bmm_quantizer`,
          `model.layers.${l}.self_attn.v_bmm_quantizer`,
        ])
        .sort(),
    );
    const x = Float32Array.of(1, 0.3, 500);
    const y = d.activations.transform('model.layers.0.self_attn.k_bmm_quantizer', x, [1, 1, 1, 3], {
      kind: 'k_bmm',
      layer: 0,
      rowValid: null,
    });
    assert.deepEqual([...y], [1, 0.3125, 448]);
  } finally {
    d.checkpoint.close();
  }
});

test('a folder that is not a ModelOpt export is refused with a clear error', () => {
  assert.throws(() => openDequantized(model), { code: 'not-quantized' });
});
