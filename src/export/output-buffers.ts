/**
 * Reused output buffers for quantized tensors. A fresh large ArrayBuffer costs a page fault on
 * every 4 KiB the kernel writes (as much as the FP8 lookup itself); a buffer whose bytes are on
 * disk is handed to the next tensor of the same size instead. Memory stays bounded: at most
 * `keepBytes` of finished buffers wait for reuse, the rest go to the garbage collector.
 */

/** Default bound on buffers kept for reuse. */
export const KEEP_OUTPUT_BYTES = 128 * 1024 * 1024;

export class OutputBuffers {
  private readonly free = new Map<number, Uint8Array[]>();
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private kept = 0;

  /** `shared`: buffers live in SharedArrayBuffers, so pool workers can fill them in place. */
  constructor(
    private readonly shared = false,
    private readonly keepBytes: number = KEEP_OUTPUT_BYTES,
  ) {}

  /** A buffer of exactly `bytes` bytes; its old contents are garbage the caller overwrites. */
  take = (bytes: number): Uint8Array => {
    const reused = this.free.get(bytes)?.pop();
    if (reused) {
      this.kept -= bytes;
      return reused;
    }
    const fresh = new Uint8Array(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.owned.add(fresh.buffer);
    return fresh;
  };

  /** `bytes` has been written and is no longer read; ignored unless it is a whole buffer from take(). */
  release = (bytes: Uint8Array): void => {
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    if (!whole || !this.owned.has(bytes.buffer) || this.kept + bytes.byteLength > this.keepBytes) return;
    const list = this.free.get(bytes.byteLength) ?? [];
    if (list.some((b) => b.buffer === bytes.buffer)) return; // released twice
    list.push(new Uint8Array(bytes.buffer));
    this.free.set(bytes.byteLength, list);
    this.kept += bytes.byteLength;
  };
}

let sharedPool: OutputBuffers | undefined;

/**
 * The process-wide shared buffers of pooled exports. Workers hold on to the SharedArrayBuffers they
 * were handed until their own garbage collection runs, so fresh buffers for every export would
 * pile up; one long-lived set keeps handing out the same memory instead.
 */
export function sharedOutputBuffers(): OutputBuffers {
  sharedPool ??= new OutputBuffers(true);
  return sharedPool;
}
