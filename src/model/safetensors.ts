/**
 * Safetensors reader: validates the whole header up front, then reads single tensors lazily at their offsets.
 * Layout: u64 LE header length N, N bytes of JSON, then raw little-endian tensor data.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MoptError } from '../errors.js';
import { type Dtype, DTYPE_BYTES, isDtype } from './dtypes.js';

/** Where one tensor lives; offsets are relative to the start of the data section. */
export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** [begin, end) inside the data section. */
  dataOffsets: [number, number];
  byteLength: number;
  file: string;
}

/** Safetensors keeps headers well under this; anything larger is a corrupt length field. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export class SafetensorsFile {
  readonly file: string;
  readonly metadata: Record<string, string>;
  /** Tensors in header order. */
  readonly tensors: Map<string, TensorInfo>;
  /** Absolute file offset of the data section (8 + header length). */
  readonly dataStart: number;
  readonly fileSize: number;
  private fd: number | undefined;

  private constructor(file: string, fd: number, header: ParsedHeader) {
    this.file = file;
    this.fd = fd;
    this.metadata = header.metadata;
    this.tensors = header.tensors;
    this.dataStart = header.dataStart;
    this.fileSize = header.fileSize;
  }

  /** Opens and validates a file; only the header is read. */
  static open(file: string): SafetensorsFile {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (err) {
      throw new MoptError(
        'file-not-found',
        `cannot open safetensors file ${file}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    try {
      return new SafetensorsFile(file, fd, readHeader(file, fd));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (!info) throw new MoptError('tensor-not-found', `${this.file}: no tensor named "${name}"`);
    return info;
  }

  /**
   * The raw bytes of one tensor: into a fresh, exactly sized buffer, or into `into` (reused by the caller;
   * the result is then a view of its first byteLength bytes).
   */
  readTensor(name: string, into?: Uint8Array): Uint8Array {
    const info = this.info(name);
    return this.readRange(info, 0, info.byteLength, into);
  }

  /** `length` bytes starting `start` bytes into a tensor, for streaming tensors larger than one buffer. */
  readRange(info: TensorInfo, start: number, length: number, into?: Uint8Array): Uint8Array {
    if (start < 0 || length < 0 || start + length > info.byteLength) {
      throw new MoptError(
        'bad-range',
        `${this.file}: range ${start}+${length} is outside tensor "${info.name}"`,
        {
          exitCode: 1,
        },
      );
    }
    if (into && into.byteLength < length) {
      throw new MoptError('buffer-too-small', `buffer of ${into.byteLength} bytes cannot hold ${length}`, {
        exitCode: 1,
      });
    }
    const out = into ? into.subarray(0, length) : new Uint8Array(new ArrayBuffer(length));
    readFully(this.file, this.openFd(), out, this.dataStart + info.dataOffsets[0] + start);
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private openFd(): number {
    if (this.fd === undefined) this.fd = openSync(this.file, 'r');
    return this.fd;
  }
}

/** Node rejects single reads or writes above 2 GiB - 1; larger tensors go in pieces. */
export const MAX_IO_BYTES = 1 << 30;

/** Fills `out` from file offset `position`, looping because readSync may return fewer bytes. */
export function readFully(file: string, fd: number, out: Uint8Array, position: number): void {
  let done = 0;
  while (done < out.byteLength) {
    const n = readSync(fd, out, done, Math.min(out.byteLength - done, MAX_IO_BYTES), position + done);
    if (n === 0) {
      throw new MoptError('file-truncated', `${file}: unexpected end of file at byte ${position + done}`);
    }
    done += n;
  }
}

interface ParsedHeader {
  metadata: Record<string, string>;
  tensors: Map<string, TensorInfo>;
  dataStart: number;
  fileSize: number;
}

function readHeader(file: string, fd: number): ParsedHeader {
  const bad = (what: string): MoptError => new MoptError('bad-safetensors', `${file}: ${what}`);
  const fileSize = fstatSync(fd).size;
  if (fileSize < 8) throw bad(`file is ${fileSize} bytes, too short for the 8-byte header length`);
  const lenBytes = new Uint8Array(8);
  readFully(file, fd, lenBytes, 0);
  const headerLen = Number(new DataView(lenBytes.buffer).getBigUint64(0, true));
  if (headerLen > fileSize - 8) {
    throw bad(`header length ${headerLen} runs past the end of the file (${fileSize} bytes)`);
  }
  if (headerLen > MAX_HEADER_BYTES) throw bad(`header length ${headerLen} is larger than 100 MiB`);
  const headerBytes = new Uint8Array(headerLen);
  readFully(file, fd, headerBytes, 8);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw bad('header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad(`header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw bad('header is not a JSON object');
  const duplicate = firstDuplicateTopLevelKey(text);
  if (duplicate !== undefined) throw bad(`tensor "${duplicate}" appears twice in the header`);

  const dataStart = 8 + headerLen;
  const dataSize = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorInfo>();
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        throw bad('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw bad(`__metadata__ value "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    tensors.set(name, parseEntry(file, name, entry, dataSize));
  }
  checkNoOverlap(file, [...tensors.values()]);
  return { metadata, tensors, dataStart, fileSize };
}

function parseEntry(file: string, name: string, entry: unknown, dataSize: number): TensorInfo {
  const bad = (what: string): MoptError =>
    new MoptError('bad-safetensors', `${file}: tensor "${name}": ${what}`);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw bad('entry is not an object');
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (!isDtype(dtype)) throw bad(`unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape)) throw bad('shape is not a list');
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw bad(`shape ${JSON.stringify(shape)} has a dimension that is not a non-negative integer`);
    }
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  ) {
    throw bad(`data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw bad(`data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataSize)
    throw bad(`data_offsets end at ${end}, past the end of the data section (${dataSize} bytes)`);
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  const expected = numel * DTYPE_BYTES[dtype];
  if (expected !== end - begin) {
    throw bad(
      `shape ${JSON.stringify(shape)} × ${dtype} needs ${expected} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype, shape: shape as number[], dataOffsets: [begin, end], byteLength: end - begin, file };
}

function checkNoOverlap(file: string, infos: TensorInfo[]): void {
  const sorted = infos.filter((t) => t.byteLength > 0).sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0]);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.dataOffsets[0] < prev.dataOffsets[1]) {
      throw new MoptError(
        'bad-safetensors',
        `${file}: tensor "${cur.name}" [${cur.dataOffsets.join(', ')}] overlaps tensor "${prev.name}" [${prev.dataOffsets.join(', ')}]`,
      );
    }
  }
}

/** JSON.parse keeps the last of two equal keys silently; this finds the first repeated key of the top-level object. */
export function firstDuplicateTopLevelKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}
