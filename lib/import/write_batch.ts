/**
 * Gathers a transfer's chunks into one buffer and writes it when full, instead of one write per
 * chunk. A camera sends its object in Data packets of about 64 KiB, and on the serving thread each
 * file write costs about the same whatever its size (measured with Deno 2 here: 300 MB took ~430 ms
 * of writes as 64 KiB pieces, ~130 ms as 1 MiB ones); the photo sink answers searches on that same
 * thread. The buffers come from a small pool, so a long import allocates nothing per chunk and a
 * stream of photos nothing per photo.
 *
 * @module
 */

import type { FileWriter } from "./fs.ts";
import { writeAll } from "../util/checked_write.ts";

/** Bytes gathered before one write. */
export const WRITE_BATCH_BYTES = 1024 * 1024;

/** Idle buffers kept for the next transfers (one per camera importing at once is typical). */
const POOL_SIZE = 2;
const pool: Uint8Array[] = [];

/**
 * A file writer that writes in batches of `WRITE_BATCH_BYTES`. Chunks are copied, so a caller may
 * lend a buffer it reuses. Nothing is on the disk until `flush` (or a full batch) resolves; call
 * `release` once done with it, after which it must not be used.
 */
export class BatchedWriter {
  readonly #file: FileWriter;
  #buffer: Uint8Array | undefined;
  #used = 0;

  /** Writes to `file`, with a buffer from the pool (or a new one when it is empty). */
  constructor(file: FileWriter) {
    this.#file = file;
    this.#buffer = pool.pop() ?? new Uint8Array(WRITE_BATCH_BYTES);
  }

  /** Bytes held, not yet written. */
  get pending(): number {
    return this.#used;
  }

  /** Takes a copy of `chunk`, writing each batch that fills; a write's error is thrown. */
  async add(chunk: Uint8Array): Promise<void> {
    const buffer = this.#live();
    for (let at = 0; at < chunk.length;) {
      const take = Math.min(buffer.length - this.#used, chunk.length - at);
      buffer.set(chunk.subarray(at, at + take), this.#used);
      this.#used += take;
      at += take;
      if (this.#used === buffer.length) await this.flush();
    }
  }

  /**
   * Writes what is held. On an error the error is thrown and the bytes are no longer held: the file
   * has an unknown part of them, so writing them again could only put some twice.
   */
  async flush(): Promise<void> {
    const used = this.#used;
    if (used === 0) return;
    this.#used = 0;
    await writeAll(this.#file, this.#live().subarray(0, used));
  }

  /** Gives the buffer back to the pool (held bytes are dropped). Releasing twice is harmless. */
  release(): void {
    const buffer = this.#buffer;
    this.#buffer = undefined;
    this.#used = 0;
    if (buffer && pool.length < POOL_SIZE) pool.push(buffer);
  }

  #live(): Uint8Array {
    if (!this.#buffer) throw new Error("the batched writer was released");
    return this.#buffer;
  }
}
