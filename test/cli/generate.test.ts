/** `mopt generate` on stories260K: the known greedy story, the same with a simulated recipe, and bad flags. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, storiesModel } from '../calib/helpers.js';
import { hasStack, mopt } from '../calib/cli-run.js';

const tmp = scratch('cli-generate');
after(() => tmp.cleanup());
const model = storiesModel(tmp.dir);

test('greedy generation prints the known stories260K text', async () => {
  const r = await mopt(['generate', '--model', model, '--max_new_tokens', '20']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith('Once upon a time, there was a little girl named Lily.'), r.stdout);
  assert.match(r.stderr, /generate: 20 tokens/);
});

test('with FP8 simulated the story still starts the same way', async () => {
  const r = await mopt([
    'generate',
    '--model',
    model,
    '--max_new_tokens',
    '12',
    '--recipe',
    'general/ptq/fp8_default-kv_fp8',
    '--calib_size',
    '4',
    '--calib_seq',
    '64',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith('Once upon a time, there was a little girl'), r.stdout);
  assert.match(r.stderr, /calibrate: 45 quantizers/);
});

test('bad flags: exit 2, a clear message, no stack', async () => {
  for (const [args, msg] of [
    [['--max_new_tokens', '-3'], /--max_new_tokens -3/],
    [['--recipe', 'general/ptq/fp8_default-kv_fp8', '--calib_seq', '1'], /--calib_seq 1/],
    [['--recipe', 'general/ptq/fp8_default-kv_fp8', '--engine', 'gpu'], /--engine gpu/],
  ] as const) {
    const r = await mopt(['generate', '--model', model, ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, msg);
    assert.ok(!hasStack(r.stderr), r.stderr);
  }
});
