/**
 * Where ModelOpt's save_pretrained puts each tensor: shards are filled in state-dict order (10 GB
 * each), then the safetensors library writes every file ordered by dtype (its enum order, highest
 * first: F32, BF16, F8_E4M3, U8, ...) and then by name. mopt writes the same layout.
 */
import { join } from 'node:path';
import { MoptError } from '../errors.js';
import {
  INDEX_FILE,
  planShards,
  shardFileName,
  tensorByteLength,
  writeJsonFile,
  writeSafetensors,
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

/**
 * Shards `specs` (given in state-dict order) as save_pretrained does and writes each shard in
 * safetensors order; `produce` is called once per tensor in file order.
 */
export function writeExportShards(
  dir: string,
  specs: TensorSpec[],
  produce: (spec: TensorSpec) => TensorBytes,
  maxShardBytes: number,
): WrittenCheckpoint {
  const shards = planShards(specs, maxShardBytes).map(safetensorsOrder);
  const names =
    shards.length === 1 ? ['model.safetensors'] : shards.map((_, i) => shardFileName(i, shards.length));
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    writeSafetensors(join(dir, names[i]!), shard, (spec) => produce(spec));
    for (const spec of shard) weightMap[spec.name] = names[i]!;
  });
  const totalBytes = specs.reduce((sum, s) => sum + tensorByteLength(s), 0);
  if (shards.length === 1) return { files: names, indexFile: undefined, totalBytes };
  const sortedMap = Object.fromEntries(
    Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  writeJsonFile(join(dir, INDEX_FILE), { metadata: { total_size: totalBytes }, weight_map: sortedMap });
  return { files: names, indexFile: INDEX_FILE, totalBytes };
}

/** The order in which `writeExportShards` asks for tensors (to know which produced bytes are still needed). */
export function fileOrder(specs: TensorSpec[], maxShardBytes: number): TensorSpec[] {
  return planShards(specs, maxShardBytes).flatMap(safetensorsOrder);
}
