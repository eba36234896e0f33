/**
 * The bounded, non-blocking buffer between the log and stderr. It stays, beside the runtime's own
 * writers, because the answer path must never wait on stderr: a stderr nobody reads (a stalled
 * journald, `| less`, a terminal paused with Ctrl+S) would otherwise hold up the answers and a stop
 * signal. Past the bound lines are dropped and then counted in one line; writes are batched, which
 * measured under 1 % of the answers in the open loop (see {@linkcode LOG_BATCH_MS}).
 *
 * @module
 */

import { settlesWithin } from "../util/timeout.ts";
import { sleep } from "../util/timers.ts";

const encoder = new TextEncoder();

/** Where a {@linkcode LogBuffer} writes: `Deno.stderr`, or a fake in tests. */
interface LineWriter {
  /** Writes some of `bytes`, resolving with how many; may take forever when nobody reads. */
  write(bytes: Uint8Array): Promise<number>;
  /** Writes at once, blocking; used only at exit, and only when no write is stuck. */
  writeSync(bytes: Uint8Array): number;
}

/** Lines held while stderr is not taking them; a stalled reader costs this much memory, no more. */
export const LOG_QUEUE_LINES = 2000;

/**
 * At most one write per this many milliseconds: a line after a quiet spell goes out at once, the
 * lines behind it gather and go out in one write. An asynchronous write to stderr is handed to one of
 * the runtime's threads; measured in the open loop at 40k/s, a write every 2 ms cost 6–9 % of the
 * answers, a write every 50 ms under 1 %.
 */
const LOG_BATCH_MS = 50;

/**
 * A bounded queue of log lines, written in batches by one asynchronous writer. `push` never waits:
 * when the queue is full the line is dropped and counted, and the count is reported (through
 * `onDropped`) before the next line that fits.
 */
export class LogBuffer {
  readonly #writer: LineWriter;
  readonly #capacity: number;
  readonly #onDropped: (count: number) => void;
  #queue: string[] = [];
  #dropped = 0;
  #writing: Promise<void> | undefined;
  /** Whether a write is under way (not only waiting for the batch to fill). */
  #inFlight = false;
  /** When the last write started, on `performance.now()`'s clock. */
  #lastWrite = -Infinity;
  readonly #batchMs: number;

  /**
   * Keeps its settings; starts nothing.
   * @param writer the output
   * @param onDropped reports lines dropped (it may push the report itself)
   * @param capacity lines held at most
   * @param batchMs the least time between two writes
   */
  constructor(
    writer: LineWriter,
    onDropped: (count: number) => void,
    capacity: number = LOG_QUEUE_LINES,
    batchMs: number = LOG_BATCH_MS,
  ) {
    this.#writer = writer;
    this.#onDropped = onDropped;
    this.#capacity = capacity;
    this.#batchMs = batchMs;
  }

  /** Lines dropped and not yet reported. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues a line (ending in a newline), or drops it when the queue is full. Never blocks. */
  push(line: string): void {
    if (this.#queue.length >= this.#capacity) {
      this.#dropped++;
      return;
    }
    this.#reportDropped();
    this.#queue.push(line);
    this.#writing ??= this.#drain();
  }

  /** Resolves once everything queued is written, or after `deadlineMs`: whichever comes first. */
  async flush(deadlineMs: number): Promise<void> {
    this.#reportDropped();
    if (this.#writing === undefined) return;
    await settlesWithin(this.#writing, deadlineMs);
  }

  /**
   * Writes what is left synchronously, for the last moment before exit; does nothing while a write
   * is stuck (the reader stalled): blocking then would hang the exit.
   */
  flushSync(): void {
    this.#reportDropped();
    if (this.#inFlight || this.#queue.length === 0) return;
    const bytes = encoder.encode(this.#queue.join(""));
    this.#queue = [];
    try {
      for (let written = 0; written < bytes.length;) {
        written += this.#writer.writeSync(bytes.subarray(written));
      }
    } catch {
      // stderr is gone: there is nobody left to tell
    }
  }

  #reportDropped(): void {
    if (this.#dropped === 0 || this.#queue.length >= this.#capacity) return;
    const count = this.#dropped;
    this.#dropped = 0;
    this.#onDropped(count);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const wait = this.#lastWrite + this.#batchMs - performance.now();
        if (wait > 0) await sleep(wait);
        const bytes = encoder.encode(this.#queue.join(""));
        this.#queue = [];
        this.#inFlight = true;
        this.#lastWrite = performance.now();
        for (let written = 0; written < bytes.length;) {
          written += await this.#writer.write(bytes.subarray(written));
        }
        this.#inFlight = false;
      }
    } catch {
      // stderr is closed: later lines have nowhere to go either
      this.#queue = [];
    } finally {
      this.#writing = undefined;
    }
  }
}
