/**
 * Timers for the whole program, without `setTimeout`: Deno's global `setTimeout` and `setInterval`
 * are Node's timers, and the first call loads Node's timer layer (async hooks, errors, inspect):
 * measured here, 15–20 ms of the start and about 2–4 MB for the life of the process. These timers
 * keep their calls in one queue ordered by due time and wait for the earliest with
 * `AbortSignal.timeout`, which Deno's web timers serve. Like `setTimeout`, a pending timer keeps
 * the process alive; a cancelled one is gone from the queue at once (only the one wait already armed
 * for it may still end, and then finds nothing due).
 *
 * @module
 */

/** A scheduled call. */
export interface Timer {
  /** Stops it: the call will not happen (again). Cancelling twice is harmless. */
  cancel(): void;
}

interface Entry {
  /** When it is due, on `performance.now()`'s clock. */
  at: number;
  /** Order among entries due at the same time: the earlier scheduled runs first. */
  seq: number;
  run: () => void;
  /** Its place in the heap; -1 once it left it. */
  index: number;
  /** For `every`: the period, after which it is queued again. */
  period?: number;
}

/** The queue, a binary heap by due time. */
const heap: Entry[] = [];
/**
 * The waits already armed, by due time. Each signal is held here until it fires: an unreferenced
 * timeout signal may be collected, and its wait with it.
 */
const armed = new Map<number, AbortSignal>();
let sequence = 0;

function earlier(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function place(entry: Entry, index: number): void {
  heap[index] = entry;
  entry.index = index;
}

function siftUp(index: number): void {
  const entry = heap[index];
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (!earlier(entry, heap[parent])) break;
    place(heap[parent], index);
    index = parent;
  }
  place(entry, index);
}

function siftDown(index: number): void {
  const entry = heap[index];
  for (;;) {
    const left = 2 * index + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && earlier(heap[right], heap[left]) ? right : left;
    if (!earlier(heap[child], entry)) break;
    place(heap[child], index);
    index = child;
  }
  place(entry, index);
}

function enqueue(entry: Entry): void {
  entry.seq = sequence++;
  heap.push(entry);
  siftUp(heap.length - 1);
  arm();
}

function dequeue(entry: Entry): void {
  const index = entry.index;
  if (index < 0) return;
  entry.index = -1;
  const last = heap.pop()!;
  if (last === entry) return;
  place(last, index);
  siftUp(index);
  siftDown(last.index);
}

/** Arms a wait for the earliest entry, unless one already armed ends by then. */
function arm(): void {
  const first = heap[0];
  if (first === undefined) return;
  // The due time now: a repeating entry's own `at` moves on when it is queued again.
  const at = first.at;
  for (const pending of armed.keys()) if (pending <= at + 1) return;
  const wait = AbortSignal.timeout(Math.max(0, Math.ceil(at - performance.now())));
  armed.set(at, wait);
  wait.addEventListener("abort", () => fire(at), { once: true });
}

function fire(armedAt: number): void {
  armed.delete(armedAt);
  const now = performance.now();
  // Only what was due when this wait ended: a call that schedules another at 0 ms does not run it
  // in the same turn.
  while (heap.length > 0 && heap[0].at <= now) {
    const entry = heap[0];
    dequeue(entry);
    if (entry.period !== undefined) {
      entry.at = Math.max(entry.at + entry.period, now);
      enqueue(entry);
    }
    try {
      entry.run();
    } catch (error) {
      // As from a `setTimeout` callback: the error is uncaught, and the other due calls still run.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  arm();
}

function schedule(ms: number, run: () => void, period?: number): Timer {
  const entry: Entry = { at: performance.now() + Math.max(0, ms), seq: 0, run, index: -1, period };
  enqueue(entry);
  return {
    cancel: () => {
      entry.period = undefined;
      dequeue(entry);
    },
  };
}

/** Calls `run` once, `ms` milliseconds from now. */
export function after(ms: number, run: () => void): Timer {
  return schedule(ms, run);
}

/** Calls `run` every `ms` milliseconds, the first time `ms` from now. */
export function every(ms: number, run: () => void): Timer {
  return schedule(ms, run, Math.max(1, ms));
}

/** Resolves `ms` milliseconds from now. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => after(ms, resolve));
}

/** How many calls are scheduled: for tests that check nothing is left behind. */
export function scheduledCount(): number {
  return heap.length;
}
