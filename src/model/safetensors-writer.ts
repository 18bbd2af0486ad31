/**
 * Streaming safetensors writer (header first, then tensors appended in order) and sharded checkpoints with
 * `model.safetensors.index.json`. Nothing holds more than the chunk being written.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { MoptError } from '../errors.js';
import { type Dtype, DTYPE_BYTES } from './dtypes.js';
import { MAX_IO_BYTES } from './safetensors.js';

export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: number[];
}

export function tensorByteLength(spec: TensorSpec): number {
  return spec.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[spec.dtype];
}

/** The 8-byte length plus the JSON header, padded with spaces so the data section starts 8-byte aligned. */
export function encodeHeader(
  specs: TensorSpec[],
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const seen = new Set<string>();
  let offset = 0;
  for (const spec of specs) {
    if (seen.has(spec.name) || spec.name === '__metadata__') {
      throw new MoptError('duplicate-tensor', `tensor "${spec.name}" is listed twice`, { exitCode: 1 });
    }
    seen.add(spec.name);
    const size = tensorByteLength(spec);
    header[spec.name] = { dtype: spec.dtype, shape: spec.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}

/** Chunks of one tensor's bytes: a single buffer or any iterable of buffers (e.g. a generator). */
export type TensorBytes = Uint8Array | Iterable<Uint8Array>;

/** Writes one file to `<file>.partial` and renames it into place on finish(). */
export class SafetensorsWriter {
  readonly file: string;
  private readonly specs: TensorSpec[];
  private readonly tmp: string;
  private fd: number | undefined;
  private next = 0;

  constructor(file: string, specs: TensorSpec[], metadata?: Record<string, string>) {
    this.file = file;
    this.specs = specs;
    this.tmp = `${file}.partial`;
    const header = encodeHeader(specs, metadata);
    this.fd = openSync(this.tmp, 'w');
    this.writeAll(header);
  }

  /** Appends the next tensor; names must come in the order given to the constructor. */
  writeTensor(name: string, data: TensorBytes): void {
    const spec = this.specs[this.next];
    if (!spec || spec.name !== name) {
      throw new MoptError(
        'writer-order',
        `${this.file}: expected tensor "${spec?.name ?? '(none)'}", got "${name}"`,
        {
          exitCode: 1,
        },
      );
    }
    const expected = tensorByteLength(spec);
    let written = 0;
    for (const chunk of data instanceof Uint8Array ? [data] : data) {
      written += chunk.byteLength;
      if (written > expected) break;
      this.writeAll(chunk);
    }
    if (written !== expected) {
      throw new MoptError(
        'writer-size',
        `${this.file}: tensor "${name}" (${spec.dtype} ${JSON.stringify(spec.shape)}) needs ${expected} bytes, got ${written}`,
        { exitCode: 1 },
      );
    }
    this.next++;
  }

  finish(): void {
    if (this.next !== this.specs.length) {
      throw new MoptError(
        'writer-incomplete',
        `${this.file}: only ${this.next} of ${this.specs.length} tensors written`,
        {
          exitCode: 1,
        },
      );
    }
    this.closeFd();
    renameSync(this.tmp, this.file);
  }

  /** Drops the partial file (after an error). */
  abort(): void {
    this.closeFd();
    rmSync(this.tmp, { force: true });
  }

  private writeAll(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.byteLength) {
      done += writeSync(this.fd!, bytes, done, Math.min(bytes.byteLength - done, MAX_IO_BYTES));
    }
  }

  private closeFd(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Writes one whole file; `produce` is called once per spec, in order, and may stream chunks. */
export function writeSafetensors(
  file: string,
  specs: TensorSpec[],
  produce: (spec: TensorSpec, index: number) => TensorBytes,
  metadata?: Record<string, string>,
): void {
  const writer = new SafetensorsWriter(file, specs, metadata);
  try {
    specs.forEach((spec, i) => writer.writeTensor(spec.name, produce(spec, i)));
    writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

export const INDEX_FILE = 'model.safetensors.index.json';
/** Hugging Face's default `max_shard_size` ("5GB", decimal). */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

/** Groups tensors, in order, into shards of at most maxShardBytes (a larger tensor gets a shard of its own). */
export function planShards(specs: TensorSpec[], maxShardBytes: number): TensorSpec[][] {
  const shards: TensorSpec[][] = [];
  let current: TensorSpec[] = [];
  let size = 0;
  for (const spec of specs) {
    const bytes = tensorByteLength(spec);
    if (current.length > 0 && size + bytes > maxShardBytes) {
      shards.push(current);
      current = [];
      size = 0;
    }
    current.push(spec);
    size += bytes;
  }
  if (current.length > 0 || shards.length === 0) shards.push(current);
  return shards;
}

export function shardFileName(index: number, count: number): string {
  const pad = (n: number): string => String(n).padStart(5, '0');
  return `model-${pad(index + 1)}-of-${pad(count)}.safetensors`;
}

export interface WrittenCheckpoint {
  /** Shard file names relative to the directory. */
  files: string[];
  /** The index file name, when there is more than one shard. */
  indexFile: string | undefined;
  totalBytes: number;
}

/**
 * Writes `model.safetensors`, or `model-0000i-of-0000n.safetensors` plus the index when the tensors do not fit
 * one shard. Tensors are produced in spec order.
 */
export function writeShardedSafetensors(
  dir: string,
  specs: TensorSpec[],
  produce: (spec: TensorSpec, index: number) => TensorBytes,
  options: { maxShardBytes?: number; metadata?: Record<string, string> } = {},
): WrittenCheckpoint {
  const shards = planShards(specs, options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES);
  const names =
    shards.length === 1 ? ['model.safetensors'] : shards.map((_, i) => shardFileName(i, shards.length));
  const weightMap: Record<string, string> = {};
  let index = 0;
  shards.forEach((shard, i) => {
    writeSafetensors(join(dir, names[i]!), shard, (spec) => produce(spec, index++), options.metadata);
    for (const spec of shard) weightMap[spec.name] = names[i]!;
  });
  const totalBytes = specs.reduce((sum, s) => sum + tensorByteLength(s), 0);
  if (shards.length === 1) return { files: names, indexFile: undefined, totalBytes };
  writeJsonFile(join(dir, INDEX_FILE), { metadata: { total_size: totalBytes }, weight_map: weightMap });
  return { files: names, indexFile: INDEX_FILE, totalBytes };
}

/** Reads `weight_map` of a sharded checkpoint's index: tensor name → shard file name. */
export function readSafetensorsIndex(file: string): Map<string, string> {
  const bad = (what: string): MoptError => new MoptError('bad-index', `${file}: ${what}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw bad(existsSync(file) ? `not valid JSON (${(err as Error).message})` : 'file not found');
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw bad('has no "weight_map" object');
  }
  const out = new Map<string, string>();
  for (const [name, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard === '' || basename(shard) !== shard) {
      throw bad(`weight_map["${name}"] is not a file name in the same folder: ${JSON.stringify(shard)}`);
    }
    out.set(name, shard);
  }
  return out;
}

/** Writes pretty JSON the way HF does (2-space indent, trailing newline), via a temporary file. */
export function writeJsonFile(file: string, value: unknown): void {
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Makes `dir` ready for a new checkpoint: created when missing; a non-empty folder is refused unless
 * `overwrite`, which then removes old weight shards and the index so no stale tensor survives.
 */
export function prepareOutputDir(dir: string, overwrite = false): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    return;
  }
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!overwrite) {
    throw new MoptError('output-exists', `output folder ${dir} is not empty`, {
      hint: 'choose a new folder, or allow overwriting',
    });
  }
  for (const name of entries) {
    if (name.endsWith('.safetensors') || name === INDEX_FILE) rmSync(join(dir, name), { force: true });
  }
}
