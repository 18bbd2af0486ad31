/**
 * Positional writes to one file that run on libuv's threads while the caller goes on quantizing
 * the next tensor (the async export). Bytes in flight are bounded; a failed write is kept and
 * rethrown by check() so the export fails with it.
 */
import { write } from 'node:fs';
import { MAX_IO_BYTES } from '../model/safetensors.js';

/**
 * Default bound on queued bytes: enough to overlap a tensor's write with the next group's work, and
 * small, since every queued byte is an output buffer that cannot be reused yet (fresh pages are slow).
 */
export const WRITE_QUEUE_BYTES = 64 * 1024 * 1024;

/** Writes all of `bytes` at `position`, in pieces no larger than one I/O call takes. */
function writeAll(
  fd: number,
  bytes: Uint8Array,
  position: number,
  done: (err: NodeJS.ErrnoException | null) => void,
): void {
  let at = 0;
  const next = (): void => {
    if (at >= bytes.byteLength) return done(null);
    const n = Math.min(bytes.byteLength - at, MAX_IO_BYTES);
    write(fd, bytes, at, n, position + at, (err, written) => {
      if (err) return done(err);
      at += written;
      next();
    });
  };
  next();
}

export class WriteQueue {
  private readonly inFlight = new Set<Promise<void>>();
  private queued = 0;
  private failed: { err: unknown } | undefined;

  constructor(
    private readonly fd: number,
    private readonly limitBytes: number = WRITE_QUEUE_BYTES,
  ) {}

  /** Starts writing `bytes` (which must stay untouched until the returned promise settles; it never rejects). */
  start(bytes: Uint8Array, position: number): Promise<void> {
    this.queued += bytes.byteLength;
    const p = new Promise<void>((resolve) => {
      writeAll(this.fd, bytes, position, (err) => {
        if (err && !this.failed) this.failed = { err };
        this.queued -= bytes.byteLength;
        this.inFlight.delete(p);
        resolve();
      });
    });
    this.inFlight.add(p);
    return p;
  }

  /** Throws the first failed write's error. */
  check(): void {
    if (this.failed) throw this.failed.err;
  }

  /** More bytes are queued than the bound allows. */
  get full(): boolean {
    return this.queued > this.limitBytes;
  }

  /** Settles when one queued write finishes. */
  any(): Promise<void> {
    return Promise.race(this.inFlight);
  }

  /** Settles when every queued write has finished. */
  drained(): Promise<void> {
    return Promise.all(this.inFlight).then(() => undefined);
  }
}
