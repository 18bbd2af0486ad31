/**
 * Worker side of the quantization pool: fake-quant tasks run fakeQuantSpec on their slice of a
 * shared tensor and write into the shared output; 'real-quant-bf16' tasks export a row slice;
 * 'byte-table' tasks map a range of shared bf16 bits to per-tensor FP8 codes.
 */

import { parentPort } from 'node:worker_threads';
import { fakeQuantSpec } from './fake-quant.js';
import type { PoolTask } from './pool.js';
import {
  runByteTable,
  runRealQuantSlice,
  type ByteTableTask,
  type RealQuantSliceTask,
} from './real-quant-slice.js';

parentPort?.on('message', (message: PoolTask | RealQuantSliceTask | ByteTableTask) => {
  if ('kind' in message && message.kind === 'byte-table') {
    try {
      runByteTable(message);
      parentPort?.postMessage({ id: message.id, error: null, result: null });
    } catch (err) {
      parentPort?.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  if ('kind' in message) {
    try {
      const { result, transfer } = runRealQuantSlice(message);
      parentPort?.postMessage({ id: message.id, error: null, result }, transfer);
    } catch (err) {
      parentPort?.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  const task = message;
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
