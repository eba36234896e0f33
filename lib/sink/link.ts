/**
 * One camera's link in the photo sink: open the PTP/IP session, list at once (a PowerShot drops a
 * connection on which no GetObjectHandles comes soon), import what is new, then wait for new photos
 * and import each as the camera reports it, until the camera leaves or the helper stops.
 *
 * How new photos are noticed depends on the body ({@linkcode BodyWatch}): standard PTP bodies
 * announce ObjectAdded on the event connection, and a bounded re-list every
 * {@linkcode RELIST_MS} catches bodies that announce nothing; EOS bodies are polled with
 * GetEvent and kept awake with KeepDeviceOn (`eos_body.ts`).
 *
 * A session that fails while the camera is present is opened again after a backoff (1 s doubling to
 * 30 s, reset by a session that worked); a camera that left is not called again, and a camera that
 * comes back starts a new link whose first import resumes where this one stopped (the importer's
 * record and partial files). Everything that touches the machine is handed in, so a test drives the
 * clock.
 *
 * @module
 */

import { errorMessage } from "../errors.ts";
import type { Emit } from "../events.ts";
import type { PtpipSession, SessionFailure } from "../ptpip/session.ts";
import type { DeviceInfo } from "../ptpip/datasets.ts";
import { cleanText } from "../util/text.ts";
import { EVENT } from "../ptpip/codes.ts";
import type { ImportEvent, ImportFailure, importNew } from "../import/importer.ts";
import type { ImportFs } from "../import/fs.ts";
import type { EosSourceSession } from "../import/eos_source.ts";
import type { EosSession } from "../ptpip/eos.ts";
import { RecordCache } from "../import/record.ts";
import type { CameraObject, ImportSource, SourceFailure } from "../import/source.ts";
import { cameraIdOf, ptpipFetch } from "../import/ptpip_source.ts";
import { formatRate, photoImported, REDRAW_MS } from "../terminal/import_progress.ts";
import { joinPath } from "../util/path.ts";
import { ok, type Result } from "../util/result.ts";
import type { Clock } from "../util/timers.ts";
import { backoffDelay } from "./backoff.ts";
import { NewObjects } from "./new_objects.ts";
import type { LinkActivity } from "./status.ts";

/** The session operations a link uses: its sources' and the EOS watch's, and its own. */
export type SinkSession =
  & EosSourceSession
  & EosSession
  & Pick<PtpipSession, "closed" | "deviceInfo" | "onEvent" | "close">;

/** Opens a session with the camera at `ip`. */
export type OpenSession = (ip: string) => Promise<Result<SinkSession, SessionFailure>>;

/** The importer, handed in. */
export type Importer = typeof importNew;

/**
 * How a body tells of new photos, for one session. The link imports what `next` returns, in turn,
 * and calls it again; `next` waits (through `wait`) until something is new or the session ends.
 */
export interface BodyWatch {
  /** The source the importer fetches with (its `list` is not used: `next` lists). */
  readonly fetch: ImportSource["fetch"];
  /**
   * The next objects to import (possibly already imported: the importer's record decides), or the
   * failure that ends the session; `undefined` when the link is stopping.
   */
  next(): Promise<Result<CameraObject[], SourceFailure> | undefined>;
  /** Ends its timers and listeners. */
  close(): void;
}

/** What a body watch may use of its link. */
export interface WatchContext {
  /** The link's open session: the watch asks the camera through it. */
  session: SinkSession;
  /** The camera's DeviceInfo from this session: its model and operations pick the way to watch. */
  info: DeviceInfo;
  /** Monotonic milliseconds. */
  now: () => number;
  /**
   * Resolves after `ms` or as soon as {@linkcode WatchContext.wake} is called, the session ends or
   * the link stops; whichever comes first.
   */
  wait(ms: number): Promise<void>;
  /** Ends the current {@linkcode WatchContext.wait}. */
  wake(): void;
  /** Whether the session ended or the link stops: `next` returns at once then. */
  over(): boolean;
}

/** Chooses the watch for a body: EOS bodies get `eos_body.ts`'s, others {@linkcode standardWatch}. */
export type WatchFor = (context: WatchContext) => Promise<Result<BodyWatch, SessionFailure>>;

/** A full re-list this long after the last listing (ms), for bodies that announce nothing. */
export const RELIST_MS = 30_000;

/** An import stopped by this computer (a full disk) is tried again after this (ms). */
const IMPORT_RETRY_MS = 60_000;

/** What the sink hands every link alike: where to, how, and the clock. */
export interface LinkContext {
  /** The destination folder, absolute. */
  dest: string;
  /** Opens a session with the camera at an IP; called again after each lost session. */
  open: OpenSession;
  /** Imports new photos into `dest`: `importer.ts`'s `importNew` (tests pass their own). */
  importNew: Importer;
  /** Chooses how new photos are noticed per body; {@linkcode standardWatch} by default. */
  watchFor?: WatchFor;
  /** Times the waits; its date is the import day of photos without one. */
  clock: Clock;
  /** Reports each link's steps: connected, a photo failed, the session lost, the link ended. */
  emit: Emit;
  /** The importer's file system (tests). */
  fs?: ImportFs;
}

/** What a link is handed. */
interface LinkOptions extends LinkContext {
  ip: string;
  /** Told what the link is doing, for the status line. */
  activity: (activity: LinkActivity) => void;
  /** Told of each photo imported, with its absolute path. */
  imported?: (path: string) => void;
  /** The model, once DeviceInfo said it. */
  model?: (model: string) => void;
}

/** How a session ended. */
interface Ended {
  /** It listed at least once: the next failure starts the backoff from its beginning. */
  worked: boolean;
  /** Why, for the user. */
  reason: string;
}

/**
 * A watch's `next` that returns first the listing started now, before the importer reads its
 * record (GetObjectHandles early), then `later`'s.
 */
export function listFirst(
  objects: NewObjects,
  session: SinkSession,
  later: BodyWatch["next"],
): BodyWatch["next"] {
  let first: ReturnType<BodyWatch["next"]> | undefined = objects.list(session);
  return () => {
    const listing = first;
    first = undefined;
    return listing ?? later();
  };
}

/** The standard PTP watch: ObjectAdded events, and a re-list every {@linkcode RELIST_MS} (and first). */
export function standardWatch(context: WatchContext): Promise<Result<BodyWatch, SessionFailure>> {
  const { session, info } = context;
  const objects = new NewObjects();
  let relistAt = context.now() + RELIST_MS;
  const off = session.onEvent((event) => {
    if (event.code !== EVENT.ObjectAdded && event.code !== EVENT.RequestObjectTransfer) return;
    objects.announce(event.params[0]);
    context.wake();
  });
  const next = listFirst(objects, session, async () => {
    while (!objects.due) {
      if (context.over()) return undefined;
      const left = relistAt - context.now();
      if (left <= 0) {
        objects.relist();
        break;
      }
      await context.wait(left);
    }
    if (context.over()) return undefined;
    relistAt = context.now() + RELIST_MS;
    return await objects.list(session);
  });
  return Promise.resolve(ok({ fetch: ptpipFetch(session, info), next, close: off }));
}

/** One camera's link: {@linkcode CameraLink.done} resolves when it gave up or was stopped. */
export class CameraLink {
  readonly #options: LinkOptions;
  readonly #watchFor: WatchFor;
  readonly #abort = new AbortController();
  #present = true;
  #stopped = false;
  #stopReason = "the helper stops";
  #failures = 0;
  #session?: SinkSession;
  #waking?: () => void;
  /** The camera's import record, kept between its imports (often one photo each). */
  readonly #records = new RecordCache();
  /** Resolves once the link ended. */
  readonly done: Promise<void>;

  /** Starts the link at once. */
  constructor(options: LinkOptions) {
    this.#options = options;
    this.#watchFor = options.watchFor ?? standardWatch;
    this.done = this.#run();
  }

  /** Whether {@linkcode CameraLink.stop} was called. */
  get stopping(): boolean {
    return this.#stopped;
  }

  /** The camera is ready (again): a link waiting to reconnect tries now. */
  present(): void {
    this.#present = true;
    this.#failures = 0;
    this.#wake();
  }

  /**
   * The camera is no longer counted as present (its max-age ran out): the session it has is kept
   * (it is proof enough of presence), but once it ends the link gives up.
   */
  absent(): void {
    this.#present = false;
    this.#wake();
  }

  /**
   * Ends the link: the session is closed (a partial file is kept to resume).
   * @param reason why, for the `sink-ended` line
   */
  async stop(reason = "the helper stops"): Promise<void> {
    if (!this.#stopped) this.#stopReason = reason;
    this.#stopped = true;
    this.#abort.abort();
    this.#wake();
    await this.#session?.close();
    await this.done;
  }

  #wake(): void {
    const waking = this.#waking;
    this.#waking = undefined;
    waking?.();
  }

  /** Resolves after `ms`, or at the next wake. */
  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.#options.clock.after(Math.max(0, ms), () => done());
      const done = () => {
        timer.cancel();
        if (this.#waking === done) this.#waking = undefined;
        resolve();
      };
      // A wake that came before this wait is not lost: the callers check their state first.
      this.#waking = done;
    });
  }

  async #run(): Promise<void> {
    const { emit, ip, activity } = this.#options;
    while (!this.#stopped) {
      activity({ kind: "connecting" });
      const opened = await this.#options.open(ip);
      let ended: Ended;
      if (!opened.ok) ended = { worked: false, reason: opened.error.detail };
      else if (this.#stopped) {
        // Stopped while it opened: close it, without serving a session just closed.
        await opened.value.close();
        break;
      } else {
        this.#session = opened.value;
        try {
          ended = await this.#serve(opened.value);
        } finally {
          this.#session = undefined;
          await opened.value.close();
        }
      }
      if (this.#stopped) break;
      if (ended.worked) this.#failures = 0;
      if (!this.#present) {
        emit({ event: "sink-ended", ip, reason: `it left (${ended.reason})` });
        return;
      }
      const delay = backoffDelay(this.#failures++);
      const seconds = Math.ceil(delay / 1000);
      emit({ event: "sink-lost", ip, error: ended.reason, seconds });
      activity({ kind: "retrying", seconds });
      await this.#wait(delay);
      if (!this.#present && !this.#stopped) {
        emit({ event: "sink-ended", ip, reason: "it left" });
        return;
      }
    }
    emit({ event: "sink-ended", ip, reason: this.#stopReason });
  }

  async #serve(session: SinkSession): Promise<Ended> {
    const { emit, ip, clock, activity } = this.#options;
    let closedBy: SessionFailure | undefined;
    let closed = false;
    session.closed.then((failure) => {
      closed = true;
      closedBy = failure;
      this.#wake();
    });
    const info = await session.deviceInfo();
    if (!info.ok) return { worked: false, reason: info.error.detail };
    const model = cleanText(info.value.model, 80) || "a camera";
    this.#options.model?.(model);
    const context: WatchContext = {
      session,
      info: info.value,
      now: () => clock.now(),
      wait: (ms) => this.#wait(ms),
      wake: () => this.#wake(),
      over: () => closed || this.#stopped,
    };
    const cameraId = cameraIdOf(info.value);
    let watch: BodyWatch | undefined;
    let listing = true;
    let worked = false;
    try {
      while (!this.#stopped && !closed) {
        if (!watch) {
          const chosen = await this.#watchFor(context);
          if (!chosen.ok) return { worked, reason: chosen.error.detail };
          watch = chosen.value;
          listing = true;
          // A watch is chosen again only after an import, so only the first comes before a listing.
          if (!worked) emit({ event: "sink-connected", ip, model, to: this.#options.dest });
        }
        activity({ kind: listing ? "listing" : "waiting" });
        const listed = await watch.next();
        if (listed === undefined) break;
        if (!listed.ok) {
          if (listed.error.kind === "connection") return { worked, reason: listed.error.detail };
          continue;
        }
        worked = true;
        listing = false;
        if (listed.value.length === 0) continue;
        const failed = await this.#import({ cameraId, fetch: watch.fetch }, listed.value);
        if (failed === undefined) continue;
        if (failed.kind === "source") return { worked, reason: failed.detail };
        if (failed.kind === "aborted") break;
        // The disk, the destination or the record: this computer's trouble. The camera's session
        // is kept (the listing goes on, which keeps a PowerShot connected) and the photos are
        // tried again later by a full re-list.
        const seconds = Math.ceil(IMPORT_RETRY_MS / 1000);
        emit({ event: "sink-import-failed", ip, error: failed.detail, seconds });
        activity({ kind: "waiting" });
        const until = clock.now() + IMPORT_RETRY_MS;
        while (!this.#stopped && !closed && clock.now() < until) {
          await this.#wait(until - clock.now());
        }
        watch.close();
        watch = undefined;
      }
    } finally {
      watch?.close();
    }
    return { worked, reason: closedBy?.detail ?? "the session ended" };
  }

  /** Imports `objects`; the failure that stopped it, if one did. */
  async #import(
    source: Pick<ImportSource, "cameraId" | "fetch">,
    objects: CameraObject[],
  ): Promise<Omit<ImportFailure, "summary"> | undefined> {
    const { emit, ip, dest, clock, activity } = this.#options;
    let file:
      | { name: string; index: number; total: number; offset: number; since: number; drawn: number }
      | undefined;
    const progress = (event: ImportEvent) => {
      const time = clock.now();
      const show = (done: number) => {
        if (!file) return;
        const { index, total, name } = file;
        const rate = formatRate(done - file.offset, time - file.since);
        activity({ kind: "importing", index, total, name, rate });
      };
      switch (event.kind) {
        case "file-start":
          file = { ...event, since: time, drawn: time };
          show(event.offset);
          return;
        case "bytes":
          if (!file || time - file.drawn < REDRAW_MS) return;
          file.drawn = time;
          show(event.done);
          return;
        case "file-done":
          emit(photoImported(event, file ? time - file.since : 0, ip));
          file = undefined;
          this.#options.imported?.(joinPath(dest, event.path));
          return;
        case "file-failed":
          file = undefined;
          emit({ event: "photo-failed", name: event.name, reason: event.reason });
          return;
      }
    };
    try {
      const result = await this.#options.importNew({
        ...source,
        list: () => Promise.resolve(ok(objects)),
      }, {
        dest,
        clock: () => clock.wallNow(),
        onProgress: progress,
        signal: this.#abort.signal,
        fs: this.#options.fs,
        recordCache: this.#records,
      });
      return result.ok ? undefined : result.error;
    } catch (error) {
      return { kind: "source", detail: errorMessage(error) };
    }
  }
}
