/**
 * Loading onnxruntime-node lazily (its native binary may be missing on some platforms) and creating CPU
 * sessions from model bytes. Callers fall back to the TS reference forward when loading fails.
 */
import type * as Ort from 'onnxruntime-node';
import { MoptError } from '../../errors.js';

export type OrtModule = typeof Ort;
export type OrtSession = Ort.InferenceSession;
export type OrtTensor = Ort.Tensor;

let loaded: Promise<OrtModule> | undefined;

/** The onnxruntime-node module, or a MoptError('onnxruntime-unavailable') saying why it did not load. */
export function loadOrt(): Promise<OrtModule> {
  loaded ??= ortFromImport(import('onnxruntime-node')).catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

/** The module from a dynamic import of onnxruntime-node, or the MoptError a failed import becomes. */
export function ortFromImport(imported: Promise<unknown>): Promise<OrtModule> {
  return imported.then(
    // The CommonJS package may arrive as a namespace or wrapped in `default`, depending on the loader.
    (mod: unknown) => {
      const wrapped = (mod as { default?: OrtModule }).default;
      return wrapped?.InferenceSession ? wrapped : (mod as OrtModule);
    },
    (err: unknown) => {
      throw new MoptError(
        'onnxruntime-unavailable',
        `onnxruntime-node could not be loaded: ${(err as Error)?.message ?? String(err)}`,
        {
          exitCode: 1,
          cause: err,
          hint: 'reinstall with `npm ci`, or use the TypeScript reference forward (slower)',
        },
      );
    },
  );
}

export interface SessionOptions {
  /** Threads inside one op (default 2). */
  intraOpNumThreads?: number;
}

/** A CPU session over in-memory model bytes; ORT failures become MoptErrors naming the graph. */
export async function createSession(
  model: Uint8Array,
  what: string,
  options: SessionOptions = {},
): Promise<OrtSession> {
  const ort = await loadOrt();
  try {
    return await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.intraOpNumThreads ?? 2,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // The arena keeps every layer's peak buffers for the process's life; without it, memory follows use.
      enableCpuMemArena: false,
    });
  } catch (err) {
    throw new MoptError(
      'onnx-session-failed',
      `onnxruntime rejected the ${what} graph: ${(err as Error).message}`,
      {
        exitCode: 1,
        cause: err,
      },
    );
  }
}

/** Runs a session, turning ORT failures into MoptErrors naming the graph. */
export async function runSession(
  session: OrtSession,
  feeds: Record<string, OrtTensor>,
  what: string,
  fetches?: readonly string[],
): Promise<Record<string, OrtTensor>> {
  try {
    return fetches ? await session.run(feeds, fetches) : await session.run(feeds);
  } catch (err) {
    throw new MoptError(
      'onnx-run-failed',
      `onnxruntime failed running the ${what} graph: ${(err as Error).message}`,
      {
        exitCode: 1,
        cause: err,
      },
    );
  }
}
