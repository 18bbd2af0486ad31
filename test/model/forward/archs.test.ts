import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNTH_ARCHS } from '../../../src/model/synth-presets.js';
import { CaptureObserver, someIds, synthTiny } from './helpers.js';
import { ReferenceModel, positionsFromMask } from '../../../src/model/forward/index.js';
import { scratchDir } from '../helpers.js';

const scratch = scratchDir('fwd-archs');
const dirs = new Map<string, string>();

before(() => {
  for (const arch of SYNTH_ARCHS) dirs.set(arch, synthTiny(arch, scratch.dir));
});
after(() => scratch.cleanup());

for (const arch of SYNTH_ARCHS) {
  test(`${arch} tiny: finite logits [batch·seq, vocab]; padded row equals the unpadded run`, () => {
    const model = ReferenceModel.open(dirs.get(arch)!);
    try {
      const ids = someIds(10, 384, arch.length);
      const logits = model.forward(ids, { batch: 2, seq: 5 });
      assert.equal(logits.length, 10 * 384);
      assert.ok(logits.every(Number.isFinite));
      assert.ok(logits.some((v) => v !== 0));
      const mask = Uint8Array.from([0, 0, 1, 1, 1]);
      const padded = model.forward(ids.slice(0, 5), {
        batch: 1,
        seq: 5,
        attentionMask: mask,
        positionIds: positionsFromMask(mask, 1, 5),
      });
      const alone = model.forward(ids.slice(2, 5), { batch: 1, seq: 3 });
      assert.deepEqual(padded.subarray(2 * 384), alone);
    } finally {
      model.close();
    }
  });
}

test('qwen2 loads q/k/v biases, qwen3 applies q_norm/k_norm: the weights matter', () => {
  const qwen2 = ReferenceModel.open(dirs.get('qwen2')!);
  try {
    assert.ok(qwen2.arch.qkvBias && !qwen2.arch.oBias);
    assert.ok(qwen2.layerWeights(0).attn.q.bias!.length === 64);
  } finally {
    qwen2.close();
  }
  const qwen3 = ReferenceModel.open(dirs.get('qwen3')!);
  try {
    assert.ok(qwen3.arch.qkNorm);
    assert.equal(qwen3.arch.headDim, 16);
    assert.equal(qwen3.layerWeights(1).attn.qNorm!.length, 16);
    const cap = new CaptureObserver((n) => n === 'model.layers.0.self_attn.q_bmm_quantizer');
    qwen3.forward([5, 6, 7], { batch: 1, seq: 3, observer: cap });
    // position 0 is unrotated: each head of q_bmm is q_norm'ed, i.e. has RMS 1 (norm weights are ones)
    const q = cap.seen[0]!.x;
    for (let h = 0; h < 4; h++) {
      let ss = 0;
      for (let i = 0; i < 16; i++) ss += q[h * 3 * 16 + i]! ** 2;
      assert.ok(Math.abs(ss / 16 - 1) < 1e-3, `head ${h}: mean square ${ss / 16}`);
    }
  } finally {
    qwen3.close();
  }
});

test('MoE points: router and per-expert names; expert inputs hold only routed rows unless moeAllExperts', () => {
  const cases = [
    ['mixtral', 'block_sparse_moe', 'w1', 'w2'],
    ['qwen3_moe', 'mlp', 'gate_proj', 'down_proj'],
  ] as const;
  for (const [arch, block, first, down] of cases) {
    const model = ReferenceModel.open(dirs.get(arch)!);
    try {
      const p = `model.layers.1.${block}`;
      const cap = new CaptureObserver((n) => n.startsWith(p) && n.endsWith('input_quantizer'));
      model.forward(someIds(6, 384), { batch: 1, seq: 6, observer: cap });
      assert.deepEqual(cap.seen[0]!.shape, [6, 64]);
      assert.equal(cap.seen[0]!.name, `${p}.gate.input_quantizer`);
      const firsts = cap.seen.filter((c) => c.name.endsWith(`.${first}.input_quantizer`));
      // top-2 of 4 experts: 12 routed rows over the experts
      assert.equal(
        firsts.reduce((s, c) => s + c.shape[0]!, 0),
        12,
      );
      assert.ok(
        firsts.every(
          (c) =>
            c.info.expert !== undefined &&
            c.name === `${p}.experts.${c.info.expert}.${first}.input_quantizer`,
        ),
      );
      const downs = cap.seen.filter((c) => c.name.endsWith(`.${down}.input_quantizer`));
      assert.ok(downs.every((c) => c.shape[1] === (arch === 'mixtral' ? 128 : 32)));
      const all = new CaptureObserver((n) => n.startsWith(p) && n.endsWith(`${first}.input_quantizer`));
      const plain = model.forward(someIds(6, 384), { batch: 1, seq: 6 });
      const withAll = model.forward(someIds(6, 384), {
        batch: 1,
        seq: 6,
        observer: all,
        moeAllExperts: true,
      });
      assert.deepEqual(withAll, plain);
      assert.deepEqual(
        all.seen.map((c) => c.shape[0]),
        [6, 6, 6, 6],
      );
    } finally {
      model.close();
    }
  }
});

test('qwen3_moe: mlp_only_layers and decoder_sparse_step pick the dense MLP', () => {
  const dir = dirs.get('qwen3_moe')!;
  const cfgFile = join(dir, 'config.json');
  const original = readFileSync(cfgFile, 'utf8');
  try {
    writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(original), mlp_only_layers: [0] }));
    const model = ReferenceModel.open(dir);
    try {
      assert.equal(model.arch.moe[0], null);
      assert.equal(model.arch.moe[1]!.numExperts, 4);
      assert.throws(() => model.layerWeights(0), { code: 'tensor-not-found' });
    } finally {
      model.close();
    }
  } finally {
    writeFileSync(cfgFile, original);
  }
});

test('bf16 synthetic weights load and give finite logits', () => {
  const dir = synthTiny('qwen3', scratch.dir, 'bf16');
  const model = ReferenceModel.open(dir);
  try {
    assert.ok(model.forward([1, 2, 3], { batch: 1, seq: 3 }).every(Number.isFinite));
  } finally {
    model.close();
  }
});
