/**
 * The export's memory-bounded paths: pass-through tensors copied in small pieces and, in the async
 * export, writes queued behind the quantization. Both must give the blocking export's bytes, and a
 * failing write must still leave nothing behind.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMoptError } from '../../src/errors.js';
import { exportCheckpoint, exportCheckpointAsync, loadQuantizeInput } from '../../src/export/index.js';
import { WriteQueue } from '../../src/export/write-queue.js';
import { hashDir, scratch, writeCustomModel, writeRecipe } from './helpers.js';

let work: { dir: string; cleanup: () => void };
let model: string;
const W4A16 = 'general/ptq/nvfp4_weight_only-kv_fp8_cast';

before(() => {
  work = scratch('streamed');
  model = join(work.dir, 'model');
  writeCustomModel(model);
});
after(() => work.cleanup());

const options = (exportPath: string, extra: Record<string, unknown> = {}) => ({
  modelDir: model,
  quantize: loadQuantizeInput(W4A16).quantize,
  exportPath,
  ...extra,
});

describe('streamed export writes', () => {
  it('pass-through tensors copied 100 bytes at a time give the same files, blocking and async', async () => {
    const whole = join(work.dir, 'whole');
    exportCheckpoint(options(whole));
    const pieces: string[] = [];
    const small = join(work.dir, 'small');
    exportCheckpoint(options(small, { copyChunkBytes: 100, writeHook: (n: string) => pieces.push(n) }));
    const embed = pieces.filter((n) => n === 'model.embed_tokens.weight').length;
    assert.ok(embed > 2, `the embedding arrives in pieces (${embed})`);
    const queued = join(work.dir, 'queued');
    await exportCheckpointAsync(options(queued, { copyChunkBytes: 100 }));
    assert.equal(hashDir(small), hashDir(whole));
    assert.equal(hashDir(queued), hashDir(whole));
  });

  it('a full disk during the async export waits for the queued writes, then removes everything', async () => {
    const parent = join(work.dir, 'full');
    let calls = 0;
    await assert.rejects(
      exportCheckpointAsync(
        options(join(parent, 'export'), {
          copyChunkBytes: 64,
          writeHook: () => {
            calls += 1;
            if (calls === 40)
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          },
        }),
      ),
      (e: unknown) => isMoptError(e) && e.code === 'E_DISK_FULL' && e.exitCode === 1,
    );
    assert.deepEqual(existsSync(parent) ? readdirSync(parent) : [], []);
  });
});

describe('WriteQueue', () => {
  it('writes every piece at its position and waits while more than the bound is queued', async () => {
    const file = join(work.dir, 'queue.bin');
    const fd = openSync(file, 'w');
    const q = new WriteQueue(fd, 4);
    q.start(Uint8Array.of(5, 6, 7), 2);
    assert.equal(q.full, false);
    q.start(Uint8Array.of(1, 2), 0);
    assert.equal(q.full, true);
    await q.drained();
    q.check();
    assert.equal(q.full, false);
    closeSync(fd);
    assert.deepEqual([...readFileSync(file)], [1, 2, 5, 6, 7]);
  });

  it('keeps a failed write and rethrows it from check()', async () => {
    const file = join(work.dir, 'readonly.bin');
    writeFileSync(file, 'x');
    const fd = openSync(file, 'r');
    const q = new WriteQueue(fd);
    q.start(Uint8Array.of(1), 0);
    await q.drained();
    assert.throws(
      () => q.check(),
      (e: NodeJS.ErrnoException) => e.code === 'EBADF',
    );
    closeSync(fd);
  });
});

describe('per-tensor FP8 of large bf16 weights (split across the pool, output buffers reused)', () => {
  it('gives the blocking export byte for byte', async () => {
    const big = join(work.dir, 'big-model');
    // 1M-element projections: the pool splits them, and same-sized outputs reuse written buffers
    writeCustomModel(big, {
      hidden_size: 1024,
      intermediate_size: 1024,
      num_attention_heads: 8,
      num_key_value_heads: 8,
      head_dim: 128,
      num_hidden_layers: 2,
    });
    const recipe = writeRecipe(
      join(work.dir, 'fp8-big.yaml'),
      `    - quantizer_name: '*weight_quantizer'
      cfg: {$import: fp8}`,
    );
    const opts = (exportPath: string) => ({
      modelDir: big,
      quantize: loadQuantizeInput(recipe).quantize,
      exportPath,
    });
    const blocking = join(work.dir, 'big-blocking');
    exportCheckpoint(opts(blocking));
    const queued = join(work.dir, 'big-queued');
    await exportCheckpointAsync({ ...opts(queued), threads: 2 });
    assert.equal(hashDir(queued), hashDir(blocking));
  });
});
