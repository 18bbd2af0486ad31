/**
 * A small worker_threads pool for fake-quantizing large tensors: amax is resolved once on the main
 * thread, then dim-0 row ranges (aligned to 2-D tiles) are quantized in parallel over a
 * SharedArrayBuffer. The result is bit-identical to fakeQuant because every element's arithmetic
 * depends only on its own value and its group's amax.
 */

import { availableParallelism } from 'node:os';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { MoptError } from '../../errors.js';
import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { amaxShape, checkShape, numel, reduceAmax } from './amax.js';
import { fakeQuant, resolveAmax, scalarAmax, type AmaxInput, type FakeQuantOptions } from './fake-quant.js';
import { quantSpec, type QuantSpec } from './spec.js';

export interface PoolTask {
  id: number;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
  offset: number;
  length: number;
  shape: number[];
  spec: QuantSpec;
  amax: Float32Array | null;
  globalAmax: number | null;
}

export interface PoolOptions {
  /** Worker count (default: available cores - 1, at most 8). */
  threads?: number;
  /** Tensors smaller than this run on the calling thread (default 1M elements). */
  minElements?: number;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (e: Error) => void;
}

let workers: Worker[] = [];
const pending = new Map<number, Pending>();
let nextId = 0;

function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pool-worker.js', import.meta.url));
  // running the TS sources (tests under tsx): a worker does not inherit tsx's loader, so register it first
  const href = new URL('./pool-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(href)}); });`;
  return new Worker(boot, { eval: true });
}

function ensureWorkers(n: number): Worker[] {
  while (workers.length < n) {
    const w = spawnWorker();
    w.on('message', (m: { id: number; error: string | null; result?: unknown }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) for (const x of workers) x.unref(); // idle workers must not keep the process alive
      if (!p) return;
      if (m.error === null) p.resolve(m.result);
      else p.reject(new MoptError('QUANT_POOL', `quantization worker failed: ${m.error}`, { exitCode: 1 }));
    });
    // a dead worker fails every task in flight and leaves the pool, so the next call starts a fresh one
    const fail = (e: Error) => {
      workers = workers.filter((x) => x !== w);
      for (const p of pending.values())
        p.reject(
          new MoptError('QUANT_POOL', `quantization worker failed: ${e.message}`, { exitCode: 1, cause: e }),
        );
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    w.unref();
    workers.push(w);
  }
  return workers.slice(0, n);
}

/** Stops the pool's workers (they are unref'd, so this is only needed for a clean shutdown). */
export async function closeQuantPool(): Promise<void> {
  const ws = workers;
  workers = [];
  await Promise.all(ws.map((w) => w.terminate()));
}

/** The default worker count: available cores - 1, at least 1, at most 8. */
export function defaultThreads(): number {
  return Math.min(8, Math.max(1, availableParallelism() - 1));
}

/**
 * Runs one task (a message the worker script understands, with a fresh `id`) on worker `slot` of
 * a pool of `threads`; resolves with the worker's result. `transfer` moves buffers instead of copying.
 */
export function runOnPool<T>(
  threads: number,
  slot: number,
  task: { kind: string } & Record<string, unknown>,
  transfer: TransferListItem[] = [],
): Promise<T> {
  const ws = ensureWorkers(threads);
  const id = nextId++;
  const done = new Promise<T>((resolve, reject) =>
    pending.set(id, { resolve: (r) => resolve(r as T), reject }),
  );
  const w = ws[slot % ws.length]!;
  w.ref();
  w.postMessage({ ...task, id }, transfer);
  return done;
}

/** Rows of dim 0 that must stay together (2-D tiles on a 2-D tensor) and the amax slice of a range. */
function amaxSlicer(
  spec: QuantSpec,
  shape: readonly number[],
  amax: Float32Array,
): { align: number; slice: (r0: number, r1: number) => Float32Array } {
  const g = spec.granularity;
  const rows0 = shape[0]!;
  const whole = { align: 1, slice: () => amax };
  if (g.kind === 'tensor' || (g.kind === 'axis' && !g.keep.includes(0))) return whole;
  if (g.kind === 'block2d' && shape.length === 2) {
    const nbC = amaxShape(g, shape)[2]!;
    return {
      align: g.rows,
      slice: (r0, r1) => amax.subarray((r0 / g.rows) * nbC, Math.ceil(r1 / g.rows) * nbC),
    };
  }
  const per = amax.length / rows0; // amax entries per dim-0 index (dim 0 is outermost in every layout)
  return { align: 1, slice: (r0, r1) => amax.subarray(r0 * per, r1 * per) };
}

/** fakeQuant, split across worker threads for large tensors (single-stage configs). */
export async function fakeQuantPooled(
  x: Float32Array,
  shape: readonly number[],
  cfg: QuantizerAttributeConfig,
  amax?: AmaxInput,
  opts: FakeQuantOptions = {},
  pool: PoolOptions = {},
): Promise<Float32Array> {
  checkShape(x, shape);
  const threads = pool.threads ?? defaultThreads();
  if (!cfg.enable || shape.length === 0 || x.length < (pool.minElements ?? 1 << 20) || threads < 2) {
    return fakeQuant(x, shape, cfg, amax, opts);
  }
  const spec = quantSpec(cfg, shape);
  const f = spec.format;
  // a 1-D tensor's dim 0 is its block axis: splitting it would cut blocks, so stay on this thread
  if (shape.length === 1 && spec.granularity.kind !== 'tensor') return fakeQuant(x, shape, cfg, amax, opts);
  let resolved: Float32Array | null = null;
  let globalAmax: number | null = null;
  if (f.kind === 'nvfp4' && f.dynamic) {
    const a =
      spec.constantAmax ??
      (amax === undefined ? reduceAmax(x, shape, { kind: 'tensor' })[0]! : scalarAmax(amax));
    resolved = Float32Array.of(a);
  } else if (f.kind !== 'mx') {
    resolved = Float32Array.from(resolveAmax(x, shape, spec, amax));
    if (f.kind === 'nvfp4') globalAmax = opts.globalAmax ?? maxOf(resolved);
  }
  // the amax is now explicit: workers must not recompute it from their slice
  const fixedSpec: QuantSpec = { ...spec, dynamic: false, constantAmax: null };
  const slicer =
    resolved === null || (f.kind === 'nvfp4' && f.dynamic) ? null : amaxSlicer(spec, shape, resolved);
  const align = slicer?.align ?? 1;
  const rows0 = shape[0]!;
  const inner = numel(shape) / rows0;
  const input = new SharedArrayBuffer(x.length * 4);
  new Float32Array(input).set(x);
  const output = new SharedArrayBuffer(x.length * 4);
  const units = Math.ceil(rows0 / align);
  const perChunk = Math.ceil(units / threads) * align;
  const ws = ensureWorkers(threads);
  const jobs: Promise<void>[] = [];
  for (let r0 = 0, t = 0; r0 < rows0; r0 += perChunk, t++) {
    const r1 = Math.min(rows0, r0 + perChunk);
    const task: PoolTask = {
      id: nextId++,
      input,
      output,
      offset: r0 * inner,
      length: (r1 - r0) * inner,
      shape: [r1 - r0, ...shape.slice(1)],
      spec: fixedSpec,
      amax: resolved === null ? null : slicer === null ? resolved : Float32Array.from(slicer.slice(r0, r1)),
      globalAmax,
    };
    jobs.push(
      new Promise<void>((resolve, reject) => pending.set(task.id, { resolve: () => resolve(), reject })),
    );
    ws[t % ws.length]!.ref();
    ws[t % ws.length]!.postMessage(task);
  }
  await Promise.all(jobs);
  return new Float32Array(output);
}

function maxOf(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > m || a[i]! !== a[i]!) m = a[i]!;
  return m;
}
