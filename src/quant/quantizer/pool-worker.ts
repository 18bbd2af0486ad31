/**
 * Worker side of the fake-quant pool: runs fakeQuantSpec on its slice of a shared tensor and
 * writes into the shared output.
 */

import { parentPort } from 'node:worker_threads';
import { fakeQuantSpec } from './fake-quant.js';
import type { PoolTask } from './pool.js';

parentPort?.on('message', (task: PoolTask) => {
  try {
    const x = new Float32Array(task.input, task.offset * 4, task.length);
    const out = new Float32Array(task.output, task.offset * 4, task.length);
    const amax = task.amax === null ? undefined : task.amax;
    fakeQuantSpec(
      x,
      task.shape,
      task.spec,
      amax,
      task.globalAmax === null ? {} : { globalAmax: task.globalAmax },
      out,
    );
    parentPort?.postMessage({ id: task.id, error: null });
  } catch (err) {
    parentPort?.postMessage({ id: task.id, error: err instanceof Error ? err.message : String(err) });
  }
});
