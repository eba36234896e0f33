/**
 * The photo sink of `serve --import-to DIR`: a link (`link.ts`) per ready camera, each its own
 * PTP/IP session, at most {@linkcode MAX_LINKS} at once (the others wait their turn, in order); a
 * camera that leaves with a byebye has its link ended at once, one no longer heard from keeps the
 * session it has but is not reconnected, and one that comes back is linked again. The status line
 * names each camera and what its link is doing.
 *
 * @module
 */

import { CameraLink, type LinkContext } from "./link.ts";
import { type LinkActivity, type SinkEntry, sinkStatus } from "./status.ts";

/** Links open at once; a fifth ready camera waits for a free one. */
const MAX_LINKS = 4;

/** Cameras waiting for a link; past this, the oldest waiting one is dropped (it is retried when ready again). */
const MAX_QUEUED = 64;

/** A ready camera, as the tracker knows it. */
export interface SinkCamera {
  /** Its IPv4 address: where its link connects, and how `gone` names it. */
  ip: string;
  /** Its model or name, cleaned, for the status line until DeviceInfo names it. */
  model?: string;
}

/** Why a camera is no longer counted as present (`tracker.ts`'s reasons). */
export type LeaveReason = "byebye" | "expired" | "silent";

/** What the sink is handed: what every link shares, and the sink's own. */
interface PhotoSinkOptions extends LinkContext {
  /** The sink's status text; empty when no camera has a link. */
  status?: (text: string) => void;
  /** Told of each photo imported (`--on-photo`). */
  imported?: (ip: string, path: string) => void;
  /** Links at once; {@linkcode MAX_LINKS} by default. */
  maxLinks?: number;
}

interface Entry extends SinkEntry {
  link?: CameraLink;
  /** Ready again while its link was ending: linked again once it ended. */
  again?: boolean;
}

/** Every camera's link. */
export class PhotoSink {
  readonly #options: PhotoSinkOptions;
  /** Linked and waiting cameras, in the order they became ready. */
  readonly #entries = new Map<string, Entry>();
  #stopped = false;

  /** Keeps its settings; links nothing yet. */
  constructor(options: PhotoSinkOptions) {
    this.#options = options;
  }

  /** How many links are open. */
  get linked(): number {
    let n = 0;
    for (const entry of this.#entries.values()) if (entry.link) n++;
    return n;
  }

  /** The cameras and what each link is doing. */
  get entries(): readonly SinkEntry[] {
    return [...this.#entries.values()].map(({ ip, model, activity }) => ({ ip, model, activity }));
  }

  /** A camera is ready: link it now, or when a link is free; a linked one reconnects now. */
  ready(camera: SinkCamera): void {
    if (this.#stopped) return;
    const known = this.#entries.get(camera.ip);
    if (known) {
      if (known.link?.stopping) known.again = true;
      else known.link?.present();
      return;
    }
    if (this.#entries.size - this.linked >= MAX_QUEUED) {
      const oldest = [...this.#entries.values()].find((e) => !e.link);
      if (oldest) this.#entries.delete(oldest.ip);
    }
    this.#entries.set(camera.ip, {
      ip: camera.ip,
      model: camera.model,
      activity: { kind: "queued" },
    });
    this.#fill();
    this.#show();
  }

  /** A camera left (byebye: its link ends now) or is no longer heard (it is not reconnected). */
  gone(ip: string, reason: LeaveReason): void {
    const entry = this.#entries.get(ip);
    if (!entry) return;
    if (!entry.link) {
      this.#entries.delete(ip);
      this.#show();
      return;
    }
    if (reason === "byebye") entry.link.stop("it left (ssdp:byebye)");
    else entry.link.absent();
  }

  /** Ends every link; resolves once they closed their sessions. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const links = [...this.#entries.values()].flatMap((e) => e.link ? [e.link] : []);
    for (const entry of this.#entries.values()) if (!entry.link) this.#entries.delete(entry.ip);
    await Promise.all(links.map((link) => link.stop()));
  }

  /** Starts links for waiting cameras while fewer than the bound are open. */
  #fill(): void {
    const max = this.#options.maxLinks ?? MAX_LINKS;
    for (const entry of this.#entries.values()) {
      if (this.#stopped || this.linked >= max) return;
      if (entry.link) continue;
      this.#start(entry);
    }
  }

  #start(entry: Entry): void {
    const o = this.#options;
    const link = new CameraLink({
      ...o,
      ip: entry.ip,
      activity: (activity: LinkActivity) => {
        entry.activity = activity;
        this.#show();
      },
      imported: (path) => o.imported?.(entry.ip, path),
      model: (model) => {
        entry.model = model;
      },
    });
    entry.link = link;
    link.done.then(() => {
      if (this.#entries.get(entry.ip) === entry) this.#entries.delete(entry.ip);
      if (entry.again && !this.#stopped) this.ready({ ip: entry.ip, model: entry.model });
      this.#fill();
      this.#show();
    });
  }

  #show(): void {
    this.#options.status?.(sinkStatus([...this.#entries.values()]));
  }
}
