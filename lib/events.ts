/**
 * What the serving components report, as one union: the JSON log contract. Each event's `event` is
 * its name in the log and its other fields are the log line's properties, so components say what
 * happened and {@linkcode "./terminal/log.ts".logEvent} alone decides the wording and the level.
 *
 * @module
 */

/** One thing that happened while serving. */
export type ServeEvent =
  | { event: "start"; version: string; name: string }
  | { event: "uuid"; uuid: string; source: string }
  | { event: "http"; remote: string; method: string; path: string; status: number }
  | { event: "announce-failed"; address: string; error: string }
  | { event: "unknown-interface"; name: string }
  | {
    event: "rate-limited";
    total: number;
    seconds: number;
    source: number;
    global: number;
    tracked: number;
  }
  | { event: "datagram"; from: string; verdict: string }
  | { event: "search"; from: string; st: string; location: string }
  /** Answered searches past the log's budget, summed up instead of a line each. */
  | { event: "searches-summed"; count: number; sources: number; seconds: number }
  /** HTTP requests past the log's budget, summed up instead of a line each. */
  | { event: "http-summed"; count: number; sources: number; seconds: number }
  | { event: "receive-error"; error: string }
  | { event: "send-failed"; to: string; error: string }
  | { event: "ready"; served: string[] }
  | { event: "stop"; signal: string }
  | { event: "rescan-failed"; error: string }
  | { event: "interface-removed"; iface: string; address: string }
  | { event: "interface-unavailable"; iface: string; address: string; error: string }
  | {
    event: "interface" | "interface-added";
    iface: string;
    address: string;
    ssdpPort: number;
    url: string;
    /** Why joining the multicast group failed: then only unicast searches reach this address. */
    error?: string;
  }
  | { event: "no-interface" }
  | { event: "serving-again"; addresses: string[] }
  | { event: "interface-rejoined"; iface: string; address: string }
  | { event: "camera-pairing"; ip: string }
  | { event: "device-fetched"; ip: string; server: string | null }
  | { event: "camera-gone"; ip: string; reason: "byebye" | "expired" | "silent"; chdkptp: string }
  | {
    event: "camera-ready";
    camera: string;
    ip: string;
    name: string | null;
    /** The `modelName` of its description, where it was read (the EOS flow). */
    model: string | null;
    /** `search` (it found this computer) or `eos` (it announced itself, we fetched). */
    flow: "search" | "eos";
    usn: string | null;
    via: string;
    chdkptp: string;
    gphoto2: string;
  }
  /** An EOS body announced itself while the EOS flow is off: said once per camera. */
  | { event: "eos-off"; ip: string }
  /** Our Windows-looking GET of an EOS body's description was answered. */
  | { event: "eos-fetch"; ip: string; location: string; fetch: number }
  | { event: "eos-fetch-failed"; ip: string; location: string; fetch: number; error: string }
  /** No more fetches for this announcement: the plan's bound, failures, or a byebye. */
  | { event: "eos-fetches-done"; ip: string; reason: string; fetches: number }
  /**
   * An announcement of the EOS type that cannot be acted on (bad LOCATION, foreign source), or not
   * now: `busy` when every fetch slot is taken (it waits its turn, or the queue is full too).
   */
  | { event: "eos-ignored"; ip: string; reason: string; busy?: boolean }
  /** EOS lines past the log's budget (forged announcements), summed up instead of a line each. */
  | {
    event: "eos-summed";
    count: number;
    sources: number;
    seconds: number;
    /** `warnings` sums lines said at WARN, `notices` lines said at DEBUG. */
    lines: "warnings" | "notices";
  }
  /** The start-up search for EOS bodies that announced before the helper started. */
  | { event: "eos-search"; address: string; error?: string }
  /** The camera side's module could not be loaded (a broken install): cameras are not followed. */
  | { event: "cameras-unavailable"; error: string }
  /** With --eos, the XML parser could not be loaded (no cache, no network): EOS cameras are skipped. */
  | { event: "eos-unavailable"; error: string }
  | { event: "camera-search"; ip: string; port: number }
  | { event: "camera-search-failed"; ip: string; error: string }
  | { event: "ptpip-check"; ip: string; port: number; open: boolean; reason?: string }
  | { event: "hook-start"; ip: string; command: string; argv: readonly string[]; pid: number }
  | { event: "hook-output"; ip: string; stream: "stdout" | "stderr"; line: string }
  | { event: "hook-exit"; ip: string; code: number; signal: Deno.Signal | null }
  | { event: "hook-error"; ip: string; error: string }
  | { event: "hook-busy"; ip: string }
  /** A hook cap was reached: the camera's run waits its turn, about `seconds` from now. */
  | { event: "hook-deferred"; ip: string; reason: string; seconds: number }
  /** `import` connected: which camera, and where its photos go. */
  | { event: "import-start"; camera: string; model: string; to: string }
  /** `import` listed the camera: how many objects, how many of them are new. */
  | { event: "import-listed"; objects: number; toImport: number }
  /** One photo could not be imported; the others go on. */
  | { event: "photo-failed"; name: string; reason: string }
  /**
   * `import`, or the photo sink of `serve --import-to`, copied one photo whole; `size` is `bytes` as
   * the user reads it; `camera` is the camera's address (the sink only).
   */
  | {
    event: "photo-imported";
    path: string;
    bytes: number;
    ms: number;
    size: string;
    camera?: string;
  }
  /** The sink (`serve --import-to`) opened a PTP/IP session with a ready camera and holds it. */
  | { event: "sink-connected"; ip: string; model: string; to: string }
  /** The sink's session with a camera failed or ended while it is present: it tries again. */
  | { event: "sink-lost"; ip: string; error: string; seconds: number }
  /** The sink stopped importing from a camera: it left, or the helper stops. */
  | { event: "sink-ended"; ip: string; reason: string }
  /** An import of the sink stopped for a reason of this computer's (a full disk): tried again later. */
  | { event: "sink-import-failed"; ip: string; error: string; seconds: number }
  /** `--on-photo` started for one imported photo. */
  | { event: "photo-hook-start"; ip: string; path: string; command: string; pid: number }
  /** A line of `--on-photo`'s output. */
  | { event: "photo-hook-output"; ip: string; stream: "stdout" | "stderr"; line: string }
  /** `--on-photo` ended. */
  | { event: "photo-hook-exit"; ip: string; path: string; code: number; signal: Deno.Signal | null }
  /** `--on-photo` could not be started for a photo (not found, over its caps). */
  | { event: "photo-hook-error"; ip: string; path: string; error: string }
  /** `--on-photo` waits its turn under the hook caps. */
  | { event: "photo-hook-deferred"; ip: string; path: string; reason: string; seconds: number }
  /** `import` is done: what it copied, and how many were already there. */
  | {
    event: "import-summary";
    camera: string;
    imported: number;
    bytes: number;
    size: string;
    seconds: string;
    skipped: number;
  };

/** Reports an event; {@linkcode "./terminal/log.ts".logEvent} in production, a recorder in tests. */
export type Emit = (event: ServeEvent) => void;
