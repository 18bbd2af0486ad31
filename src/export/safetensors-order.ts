/**
 * Where ModelOpt's save_pretrained puts each tensor: shards are filled in state-dict order (10 GB
 * each), then the safetensors library writes every file ordered by dtype (its enum order, highest
 * first: F32, BF16, F8_E4M3, U8, ...) and then by name. mopt writes the same layout.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MoptError } from '../errors.js';
import { WriteQueue } from './write-queue.js';
import { MAX_IO_BYTES } from '../model/safetensors.js';
import {
  encodeHeader,
  INDEX_FILE,
  planShards,
  shardFileName,
  tensorByteLength,
  writeJsonFile,
  type TensorBytes,
  type TensorSpec,
  type WrittenCheckpoint,
} from '../model/safetensors-writer.js';

/** The safetensors crate's Dtype enum, in declaration order (its derived Ord). */
const DTYPE_ENUM_ORDER = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
];

function dtypeRank(spec: TensorSpec): number {
  const r = DTYPE_ENUM_ORDER.indexOf(spec.dtype);
  if (r < 0)
    throw new MoptError('E_EXPORT_INTERNAL', `tensor "${spec.name}": unknown dtype ${spec.dtype}`, {
      exitCode: 1,
    });
  return r;
}

/** Highest dtype first, then by name (byte order of the UTF-8 names, as Rust compares strings). */
export function safetensorsOrder(specs: readonly TensorSpec[]): TensorSpec[] {
  const byteCmp = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
  return [...specs].sort((a, b) => dtypeRank(b) - dtypeRank(a) || byteCmp(a.name, b.name));
}

/** pwrite of a whole buffer, in pieces no larger than one I/O call takes. */
function writeAt(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) {
    const n = Math.min(bytes.byteLength - done, MAX_IO_BYTES);
    done += writeSync(fd, bytes, done, n, position + done);
  }
}

/** Writes every chunk of one tensor from `position` on; returns the byte count written. */
function writeChunks(fd: number, data: TensorBytes, position: number): number {
  if (data instanceof Uint8Array) {
    writeAt(fd, data, position);
    return data.byteLength;
  }
  let n = 0;
  for (const chunk of data) {
    writeAt(fd, chunk, position + n);
    n += chunk.byteLength;
  }
  return n;
}

/**
 * What the shard writer yields: undefined after each tensor (a point to pause or stop at), or a
 * promise the caller must await before resuming (queued writes; it never rejects).
 */
export type WriteStep = Promise<void> | undefined;

/**
 * A tensor's bytes, or (queued writes only) a promise that settles, never rejecting, once they can
 * be produced: the writer awaits it and asks again.
 */
export type Produced = TensorBytes | Promise<void>;

/**
 * Queues the chunks of one tensor. A chunked source may refill a buffer two pulls later (double
 * buffering), so the chunk from two pulls back must be on disk before the next pull.
 */
function* queueChunks(
  q: WriteQueue,
  data: TensorBytes,
  position: number,
  written?: (bytes: Uint8Array) => void,
): Generator<WriteStep, number> {
  if (data instanceof Uint8Array) {
    const done = q.start(data, position);
    if (written) void done.then(() => written(data));
    return data.byteLength;
  }
  let n = 0;
  let older: Promise<void> | undefined;
  let last: Promise<void> | undefined;
  const it = data[Symbol.iterator]();
  for (;;) {
    if (older) yield older;
    const r = it.next();
    if (r.done) return n;
    older = last;
    last = q.start(r.value, position + n);
    n += r.value.byteLength;
  }
}

/**
 * One safetensors file whose header lists `specs` in safetensors order while `produce` is called in
 * the given order (each tensor lands at its offset, whole or as a sequence of chunks), so a fused
 * group is quantized once and written whole. Written to `<file>.partial` and renamed on success.
 * With `queued`, writes overlap the production of the next tensors. `written` hears of every
 * whole-tensor buffer once its bytes are in the file (so the buffer may be reused).
 */
function* writeShard(
  file: string,
  specs: TensorSpec[],
  produce: (spec: TensorSpec) => Produced,
  queued: boolean,
  written?: (bytes: Uint8Array) => void,
): Generator<WriteStep, void, void> {
  const sorted = safetensorsOrder(specs);
  const header = encodeHeader(sorted);
  const offsets = new Map<string, number>();
  let at = header.byteLength;
  for (const spec of sorted) {
    offsets.set(spec.name, at);
    at += tensorByteLength(spec);
  }
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  const q = queued ? new WriteQueue(fd) : null;
  try {
    writeAt(fd, header, 0);
    for (const spec of specs) {
      const at = offsets.get(spec.name)!;
      let data = produce(spec);
      while (data instanceof Promise) {
        if (!q) throw new MoptError('E_EXPORT_INTERNAL', 'a blocking export cannot wait', { exitCode: 1 });
        yield data;
        data = produce(spec);
      }
      const n = q ? yield* queueChunks(q, data, at, written) : writeChunks(fd, data, at);
      if (!q && written && data instanceof Uint8Array) written(data);
      if (n !== tensorByteLength(spec)) {
        throw new MoptError(
          'writer-size',
          `${file}: tensor "${spec.name}" (${spec.dtype} [${spec.shape.join(', ')}]) needs ${tensorByteLength(spec)} bytes, got ${n}`,
          { exitCode: 1 },
        );
      }
      while (q?.full) yield q.any();
      q?.check();
      yield;
    }
    if (q) {
      yield q.drained();
      q.check();
    }
  } catch (err) {
    if (q) yield q.drained(); // the descriptor must outlive every queued write
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/**
 * Shards `specs` (given in state-dict order) as save_pretrained does and writes each shard in
 * safetensors order; `produce` is called once per tensor, in the given order.
 */
export function writeExportShards(
  dir: string,
  specs: TensorSpec[],
  produce: (spec: TensorSpec) => TensorBytes,
  maxShardBytes: number,
): WrittenCheckpoint {
  const steps = writeExportShardSteps(dir, specs, produce, maxShardBytes, false);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * writeExportShards one tensor at a time: it pauses after each tensor, so a caller can yield to the
 * event loop (signals) or stop it with `throw()`, which removes the unfinished shard file. With
 * `queued` the writes run in the background and some steps yield a promise to await before resuming.
 */
export function* writeExportShardSteps(
  dir: string,
  specs: TensorSpec[],
  produce: (spec: TensorSpec) => Produced,
  maxShardBytes: number,
  queued: boolean,
  written?: (bytes: Uint8Array) => void,
): Generator<WriteStep, WrittenCheckpoint, void> {
  const shards = planShards(specs, maxShardBytes);
  const names =
    shards.length === 1 ? ['model.safetensors'] : shards.map((_, i) => shardFileName(i, shards.length));
  const weightMap: Record<string, string> = {};
  for (const [i, shard] of shards.entries()) {
    yield* writeShard(join(dir, names[i]!), shard, produce, queued, written);
    for (const spec of shard) weightMap[spec.name] = names[i]!;
  }
  const totalBytes = specs.reduce((sum, s) => sum + tensorByteLength(s), 0);
  if (shards.length === 1) return { files: names, indexFile: undefined, totalBytes };
  const sortedMap = Object.fromEntries(
    Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  writeJsonFile(join(dir, INDEX_FILE), { metadata: { total_size: totalBytes }, weight_map: sortedMap });
  return { files: names, indexFile: INDEX_FILE, totalBytes };
}
