/**
 * ModelOpt unified HF export: streams the source tensor by tensor (a fused
 * group at a time), writes safetensors shards, config.json with quantization_config,
 * hf_quant_config.json and the tokenizer files into a staged folder, then renames it into place.
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MoptError, isMoptError } from '../errors.js';
import type { Checkpoint } from '../model/checkpoint.js';
import { tensorByteLength, type TensorSpec } from '../model/safetensors-writer.js';
import type { QuantizeConfig } from '../recipe/types.js';
import type { ModuleExport } from './export-plan.js';
import { checkExportTarget, stageExportDir } from './output-dir.js';
import { prepareExport, type PreparedExport } from './prepare.js';
import { configJsonQuantization, hasQuantization, type HfQuantConfig } from './quant-config.js';
import { pyJsonDumps } from './py-json.js';
import { OutputBuffers, sharedOutputBuffers } from './output-buffers.js';
import { quantizeGroup, quantizeGroupPooled } from './quantize-group.js';
import {
  COPY_CHUNK_BYTES,
  exportDtype,
  groupReader,
  isFloat,
  plainTensor,
  type FloatDtype,
} from './tensor-reads.js';
import { writeExportShardSteps, type Produced, type WriteStep } from './safetensors-order.js';

/** save_pretrained(max_shard_size="10GB") as ModelOpt's export calls it. */
export const EXPORT_MAX_SHARD_BYTES = 10_000_000_000;

export interface ExportProgress {
  /** The source tensor just finished. */
  tensor?: string;
  done: number;
  total: number;
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
}

export interface ExportOptions {
  modelDir: string;
  quantize: QuantizeConfig;
  exportPath: string;
  force?: boolean;
  maxShardBytes?: number;
  onProgress?: (p: ExportProgress) => void;
  /**
   * Called before each tensor's bytes reach the writer (large pass-through tensors: once per piece);
   * a throw (e.g. a simulated ENOSPC) aborts the export. The bytes are reused once written: copy to keep.
   */
  writeHook?: (tensor: string, bytes: Uint8Array) => void;
  /**
   * Calibrated activation statistics (calibrateActivations with the same model and recipe): their amaxes
   * become the input_scale / k_scale / v_scale of the quantizers that need data.
   */
  activationStats?: { amax: ReadonlyMap<string, number> };
  /** Tensors passed through unchanged are copied in pieces of at most this many bytes (default 32 MiB). */
  copyChunkBytes?: number;
}

export interface AsyncExportOptions extends ExportOptions {
  /** Aborting stops the export at the next tensor: nothing is left behind and E_INTERRUPTED is thrown. */
  signal?: AbortSignal;
  /**
   * Worker threads that share the quantization of each large bf16 weight (default 2; 1 keeps it on
   * the calling thread). Per-tensor FP8 always stays on the calling thread. The bytes are the same.
   */
  threads?: number;
}

export interface ExportSummary {
  exportPath: string;
  tensors: number;
  sourceBytes: number;
  exportBytes: number;
  files: string[];
  /** Quantized modules per quant_algo. */
  formats: Record<string, number>;
  hfQuantConfig: HfQuantConfig;
  elapsedMs: number;
}

function outputSpecs(
  ck: Checkpoint,
  prepared: PreparedExport,
  dtype: FloatDtype | undefined,
): { specs: TensorSpec[]; owner: Map<string, ModuleExport>; sources: string[] } {
  const { modules, kvScales } = prepared.exportPlan;
  const specs: TensorSpec[] = [];
  const owner = new Map<string, ModuleExport>();
  const sources: string[] = [];
  // tied weights share one tensor; HF drops lm_head.weight on save even if the source kept a copy
  const tied = ck.config.tie_word_embeddings === true && ck.tensors.has('model.embed_tokens.weight');
  for (const t of ck.tensors.values()) {
    if (tied && t.name === 'lm_head.weight' && !modules.has(t.name)) continue;
    sources.push(t.name);
    const m = modules.get(t.name);
    if (m) {
      for (const s of m.outputs) owner.set(s.name, m);
      specs.push(...m.outputs);
    } else {
      specs.push({ name: t.name, dtype: dtype && isFloat(t.dtype) ? dtype : t.dtype, shape: t.shape });
    }
    const kv = kvScales.get(t.name);
    if (kv) specs.push(kv.spec);
  }
  return { specs, owner, sources };
}

/** transformers saves config.json with sorted keys; ModelOpt then re-dumps it with indent 4 and no newline. */
function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (typeof v !== 'object' || v === null) return v;
  const keys = Object.keys(v).sort();
  return Object.fromEntries(keys.map((k) => [k, sortKeysDeep((v as Record<string, unknown>)[k])]));
}

function fsFailure(err: unknown, target: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (isMoptError(err) || typeof code !== 'string') return err;
  if (code === 'ENOSPC') {
    return new MoptError(
      'E_DISK_FULL',
      `no space left on the device while writing ${target}; nothing was exported`,
      { exitCode: 1, cause: err },
    );
  }
  return new MoptError('E_EXPORT_IO', `writing ${target} failed: ${(err as Error).message}`, {
    exitCode: 1,
    cause: err,
  });
}

/** Exports in one go (blocking); see exportCheckpointAsync for an interruptible export. */
export function exportCheckpoint(options: ExportOptions): ExportSummary {
  const steps = exportSteps(options, null);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** How long the async export works before it lets the event loop run (signal handlers, timers). */
const SLICE_MS = 25;

/**
 * The same export, yielding to the event loop between tensors so that an AbortSignal (Ctrl-C) can
 * stop it; its writes run in the background while the next tensors are quantized.
 */
export async function exportCheckpointAsync(options: AsyncExportOptions): Promise<ExportSummary> {
  const steps = exportSteps(options, { threads: options.threads ?? 2 });
  let sliceStart = performance.now();
  let interrupted = false;
  for (;;) {
    let r: IteratorResult<WriteStep, ExportSummary>;
    if (options.signal?.aborted && !interrupted) {
      interrupted = true;
      // thrown inside the export: queued writes finish, then the staging folder and any unfinished shard are removed
      r = steps.throw(
        new MoptError('E_INTERRUPTED', `interrupted during the export to ${options.exportPath}`, {
          exitCode: 1,
        }),
      );
    } else r = steps.next();
    if (r.done) return r.value;
    if (r.value) {
      await r.value;
      sliceStart = performance.now();
    } else if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** `queued` (the async export): writes in the background, weights quantized on `threads` workers. */
function* exportSteps(
  options: ExportOptions,
  queued: { threads: number } | null,
): Generator<WriteStep, ExportSummary, void> {
  const t0 = performance.now();
  const prepared = prepareExport(
    options.modelDir,
    options.quantize,
    options.activationStats ? { activationAmax: options.activationStats.amax } : {},
  );
  const ck = prepared.checkpoint;
  let staged: ReturnType<typeof stageExportDir> | undefined;
  let weights: ReturnType<typeof groupReader> | undefined;
  try {
    checkExportTarget(options.modelDir, options.exportPath, options.force === true);
    const dtype = exportDtype(ck.config);
    const { specs, owner, sources } = outputSpecs(ck, prepared, dtype);
    const kvByName = new Map([...prepared.exportPlan.kvScales.values()].map((k) => [k.spec.name, k.value]));
    // a group's other outputs wait here for their turn (tensors are produced in source order)
    const pending = new Map<string, Uint8Array>();
    const pooled = queued !== null && queued.threads > 1;
    // quantized outputs return here once written, for the next tensor of the same size
    const outputs = pooled ? sharedOutputBuffers() : new OutputBuffers();
    const reader = groupReader(ck, dtype, pooled);
    weights = reader;
    const { read } = reader;
    // a group quantized on the pool: its outputs land in `pending`, or its error waits here
    let failed: { err: unknown } | undefined;
    const quantizeLater = (group: ModuleExport[]): Promise<void> =>
      quantizeGroupPooled(
        group,
        read,
        prepared.calibration,
        dtype,
        { threads: queued!.threads },
        outputs.take,
      ).then(
        (outs) => {
          for (const [k, v] of outs) pending.set(k, v);
        },
        (err: unknown) => {
          failed = { err };
        },
      );
    let copyBuf: Uint8Array | undefined;
    const chunk = (): Uint8Array =>
      (copyBuf ??= new Uint8Array(2 * (options.copyChunkBytes ?? COPY_CHUNK_BYTES)));
    const total = sources.length;
    const totalBytes = sources.reduce((a, n) => a + ck.tensor(n).byteLength, 0);
    let done = 0;
    let bytesRead = 0;
    const advance = (source: string): void => {
      done += 1;
      bytesRead += ck.tensor(source).byteLength;
      options.onProgress?.({
        tensor: source,
        done,
        total,
        bytesRead,
        totalBytes,
        elapsedMs: performance.now() - t0,
      });
    };
    const hooked = function* (name: string, pieces: Iterable<Uint8Array>): Generator<Uint8Array> {
      for (const piece of pieces) {
        options.writeHook?.(name, piece);
        yield piece;
      }
      advance(name);
    };
    const produce = (spec: TensorSpec): Produced => {
      if (failed) throw failed.err;
      const m = owner.get(spec.name);
      if (!m && !pending.has(spec.name) && !kvByName.has(spec.name))
        return hooked(spec.name, plainTensor(ck, spec.name, dtype, chunk));
      let bytes = pending.get(spec.name);
      if (bytes) pending.delete(spec.name);
      else if (m) {
        const members = prepared.exportPlan.groups.get(m.group)!;
        reader.reset();
        if (pooled) return quantizeLater(members);
        for (const [k, v] of quantizeGroup(members, read, prepared.calibration, dtype, outputs.take))
          pending.set(k, v);
        bytes = pending.get(spec.name)!;
        pending.delete(spec.name);
      } else bytes = new Uint8Array(Float32Array.of(kvByName.get(spec.name)!).buffer);
      if (m && spec === m.outputs[0]) advance(m.tensor);
      options.writeHook?.(spec.name, bytes);
      return bytes;
    };
    staged = stageExportDir(options.exportPath);
    const written = yield* writeExportShardSteps(
      staged.dir,
      specs,
      produce,
      options.maxShardBytes ?? EXPORT_MAX_SHARD_BYTES,
      queued !== null,
      outputs.release,
    );
    const hf = prepared.exportPlan.hfQuantConfig;
    const config = sortKeysDeep(ck.config) as Record<string, unknown>;
    if (hasQuantization(hf)) {
      config.quantization_config = configJsonQuantization(hf);
      writeFileSync(join(staged.dir, 'hf_quant_config.json'), pyJsonDumps(hf));
    }
    writeFileSync(join(staged.dir, 'config.json'), pyJsonDumps(config));
    for (const f of [...ck.tokenizerFiles, 'generation_config.json']) {
      if (existsSync(join(ck.dir, f))) copyFileSync(join(ck.dir, f), join(staged.dir, f));
    }
    staged.commit();
    const formats: Record<string, number> = {};
    for (const m of prepared.exportPlan.modules.values()) {
      const algo = String(
        hf.quantization.quant_algo === 'MIXED_PRECISION'
          ? m.format
          : (hf.quantization.quant_algo ?? m.format),
      );
      formats[algo] = (formats[algo] ?? 0) + 1;
    }
    return {
      exportPath: options.exportPath,
      tensors: total,
      sourceBytes: totalBytes,
      exportBytes: specs.reduce((a, s) => a + tensorByteLength(s), 0),
      files: written.indexFile ? [...written.files, written.indexFile] : written.files,
      formats,
      hfQuantConfig: hf,
      elapsedMs: performance.now() - t0,
    };
  } catch (err) {
    staged?.abort();
    throw fsFailure(err, options.exportPath);
  } finally {
    weights?.close();
    ck.close();
  }
}
