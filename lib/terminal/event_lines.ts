/**
 * Every event's wording and level: the one place an event becomes the words of a log line, in the
 * camera's terms. `log.ts` writes the line. Pure.
 *
 * @module
 */

import type { ServeEvent } from "../events.ts";

/**
 * An event's level and message, and for a few a `detail`: the technical form of the same line (the
 * SSDP search, the HTTP request, the port), which `-v` adds as a DEBUG line after the message. The
 * message tells what happened in the camera's terms; JSON carries the facts in its properties.
 */
export type EventLine = [
  level: "debug" | "info" | "warn" | "error",
  message: string,
  detail?: string,
];
type EventName = ServeEvent["event"];
type LineOf = { [K in EventName]: (event: Extract<ServeEvent, { event: K }>) => EventLine };

const GONE: Record<Extract<ServeEvent, { event: "camera-gone" }>["reason"], string> = {
  byebye: "camera {ip} left (ssdp:byebye)",
  expired: "camera {ip} was not heard from within its max-age: presumed gone",
  // Never heard since its fetch: perhaps no camera at all.
  silent: "{ip} fetched this computer's name but has not announced itself since; " +
    "if it is a camera that says it is connected, try {chdkptp} anyway",
};

/** How a hook program ended, worded alike for `--on-camera` and `--on-photo`. */
const programExit = (program: string) => (e: { code: number; signal: string | null }) =>
  e.signal !== null
    ? ["warn", `${program} was ended by {signal}`] satisfies EventLine
    : [e.code !== 0 ? "warn" : "info", `${program} exited with code {code}`] satisfies EventLine;

const SERVING_DETAIL = "serving {iface} {address}: SSDP on UDP {ssdpPort}, description at {url}";

const serving = (e: { error?: string }): EventLine =>
  e.error === undefined
    ? [
      "info",
      "serving {iface} {address}: cameras there can find this computer; its description is at {url}",
      SERVING_DETAIL,
    ]
    : [
      "warn",
      "serving {iface} {address}, but only to searches sent to this computer, not to a camera's " +
      "search of the whole network (joining the multicast group failed: {error}); its description " +
      "is at {url}",
      "serving {iface} {address}: unicast SSDP only on UDP {ssdpPort}, description at {url}",
    ];

/**
 * A searcher's address without its port, for the message (JSON keeps `from` whole). Whoever searches
 * is not yet known to be a camera: that is learnt later (lib/cameras/tracker.ts), so the line names
 * only the address.
 */
const host = (from: string): string => from.replace(/:\d+$/, "");

const HTTP_DETAIL = "HTTP {method} /{path} from {remote}: {status}";

/** An HTTP request in words: the description fetched (what a camera does), or anything else. */
const http = (e: { method: string; status: number }): EventLine =>
  e.method === "GET" && e.status === 200
    ? ["info", "{remote} fetched this computer's name (its description)", HTTP_DETAIL]
    : ["info", "{remote} asked for /{path} ({method}): answered {status}", HTTP_DETAIL];

/** The level and message template of every event: the one place events become log lines. */
const LINES: LineOf = {
  "start":
    () => ["info", "ptpip-canon-helper {version}: the camera will list this computer as {name}"],
  "uuid": () => ["info", "device UUID {uuid} ({source})"],
  "http": http,
  "announce-failed": () => ["warn", "announcement from {address} failed: {error}"],
  "unknown-interface": () => [
    "warn",
    "there is no interface named {name} (yet); `ptpip-canon-helper interfaces` lists them",
  ],
  "rate-limited": () => [
    "warn",
    "rate limits held back {total} answers in the last {seconds} s ({source} per-source, {global} global; {tracked} sources tracked)",
  ],
  "datagram": () => ["debug", "datagram from {from}: {verdict}"],
  "search": (e) => [
    "info",
    `${host(e.from)} is looking for a computer ({st}): answered`,
    "M-SEARCH from {from} for {st}: answered with {location}",
  ],
  "searches-summed": () => [
    "info",
    "{count} more searches for a computer answered in {seconds} s from {sources} addresses (a " +
    "flood: summed up, not a line each)",
  ],
  "http-summed": () => [
    "info",
    "{count} more requests for the description in {seconds} s from {sources} addresses (a flood: " +
    "summed up, not a line each)",
  ],
  "receive-error": () => ["debug", "receive error (ignored): {error}"],
  "send-failed": () => ["warn", "answer to {to} failed: {error}"],
  "ready": (e) =>
    e.served.length > 0 ? ["info", "ready: waiting for a camera (Ctrl+C to stop)"] : [
      "warn",
      "ready, but no address is served, so no camera can reach this computer: see " +
      "`ptpip-canon-helper interfaces`, or give LAN_IP or -i NAME (Ctrl+C to stop)",
    ],
  "stop": () => ["info", "stopped ({signal})"],
  "rescan-failed": () => ["error", "rescan failed: {error}"],
  "interface-removed": () => ["info", "interface {iface} {address} is gone: no longer served"],
  "interface-unavailable": () => ["warn", "cannot serve {iface} {address} yet: {error}"],
  "interface": serving,
  "interface-added": serving,
  "no-interface": () => [
    "warn",
    "no usable IPv4 interface right now; waiting for one (see `ptpip-canon-helper interfaces`)",
  ],
  "serving-again": () => ["warn", "serving again, on {addresses}: cameras can reach this computer"],
  "interface-rejoined": () => [
    "warn",
    "interface {iface} {address} was re-created: joined the SSDP group again",
  ],
  // Said at the first fetch, before anything shows that the fetcher is a camera.
  "camera-pairing": () => [
    "info",
    "{ip} is pairing or reconnecting: waiting for it to announce itself as a camera",
  ],
  "device-fetched": () => [
    "info",
    "{ip} fetched this computer's name but is no Canon camera (server {server}): not ready, no hook",
  ],
  "camera-gone": (e) => ["info", GONE[e.reason]],
  "camera-ready": (e) =>
    e.flow === "eos"
      ? [
        "info",
        "EOS camera {camera} is ready (its description was fetched): use it now with {gphoto2}",
      ]
      : ["info", "camera {camera} is ready: use it now with {chdkptp} or {gphoto2}"],
  "eos-off": () => [
    "warn",
    "an EOS camera at {ip} announces itself (EOS Utility mode): it pairs only when the helper " +
    "runs with --eos, which fetches its description as Windows does (see --help)",
  ],
  "eos-fetch": () => ["debug", "fetched {location} as Windows does (fetch {fetch})"],
  "eos-fetch-failed":
    () => ["warn", "fetch {fetch} of EOS camera {ip} ({location}) failed: {error}"],
  "eos-fetches-done":
    () => ["debug", "no more fetches of EOS camera {ip}: {reason} after {fetches}"],
  "eos-ignored": (e) =>
    e.busy
      ? ["warn", "EOS camera {ip} is not fetched now: {reason}"]
      : ["debug", "EOS announcement from {ip} ignored: {reason}"],
  "eos-summed": (e) => [
    e.lines === "warnings" ? "warn" : "debug",
    "{count} more EOS lines ({lines}) in {seconds} s from {sources} sources: forged announcements? " +
    "(a flood: summed up, not a line each)",
  ],
  "eos-search": (e) =>
    e.error === undefined
      ? ["debug", "asked for EOS cameras from {address}"]
      : ["warn", "could not ask for EOS cameras from {address}: {error}"],
  "cameras-unavailable": () => [
    "error",
    "camera tracking could not be loaded ({error}): searches are still answered, but no camera " +
    "is reported ready and no --on-camera program runs; please report it",
  ],
  "eos-unavailable": () => [
    "error",
    "the XML parser for EOS descriptions could not be loaded ({error}): searches are still " +
    "answered, but no EOS camera is fetched; start the helper once with network to cache it",
  ],
  "camera-search": () => [
    "debug",
    "asking {ip} for its SSDP presence (unicast M-SEARCH to port {port})",
  ],
  "camera-search-failed": () => ["debug", "search of {ip} failed: {error}"],
  "ptpip-check": (e) =>
    e.open
      ? ["info", "PTP/IP port {port} of camera {ip} accepts connections"]
      : ["warn", "PTP/IP port {port} of camera {ip} {reason}"],
  "hook-start": () => ["info", "--on-camera: started {command} for camera {ip} (pid {pid})"],
  "hook-output": () => ["info", "on-camera {ip}: {line}"],
  "hook-exit": programExit("--on-camera program for camera {ip}"),
  "hook-error": () => [
    "error",
    "--on-camera program could not be started for camera {ip}: {error}",
  ],
  "hook-busy": () => [
    "info",
    "--on-camera program for camera {ip} is still running: not started again",
  ],
  "hook-deferred": () => [
    "warn",
    "--on-camera program for camera {ip} waits its turn (about {seconds} s): {reason}",
  ],
  "import-start": () => ["info", "importing from {model} at {camera} into {to}"],
  "import-listed": () => ["info", "the camera lists {objects} objects; {toImport} new to import"],
  "photo-failed": () => ["warn", "{name} was not imported: {reason}"],
  "photo-imported": (e) => [
    "info",
    e.camera === undefined
      ? "imported {path} ({size} in {ms} ms)"
      : "imported {path} from camera {camera} ({size} in {ms} ms)",
  ],
  "sink-connected": () => [
    "info",
    "importing new photos from {model} at {ip} into {to}: the helper holds its PTP/IP connection",
  ],
  "sink-lost": () => [
    "warn",
    "the PTP/IP session with camera {ip} failed ({error}); trying again in {seconds} s",
  ],
  "sink-ended": () => ["info", "stopped importing from camera {ip}: {reason}"],
  "sink-import-failed": () => [
    "warn",
    "importing from camera {ip} stopped: {error}; trying again in {seconds} s",
  ],
  "photo-hook-start": () => ["info", "--on-photo: started {command} for {path} (pid {pid})"],
  "photo-hook-output": () => ["info", "on-photo {ip}: {line}"],
  "photo-hook-exit": programExit("--on-photo program for {path}"),
  "photo-hook-error":
    () => ["error", "--on-photo program could not be started for {path}: {error}"],
  "photo-hook-deferred": () => [
    "warn",
    "--on-photo program for {path} waits its turn (about {seconds} s): {reason}",
  ],
  "import-summary": (e) => [
    "info",
    `imported {imported} new ${e.imported === 1 ? "photo" : "photos"}, {size} in {seconds} s` +
    (e.skipped > 0 ? "; {skipped} already imported" : ""),
  ],
};

/** The level, message and (for a few) technical detail of `event`'s log line. Pure. */
export function eventLine(event: ServeEvent): EventLine {
  return (LINES[event.event] as (e: ServeEvent) => EventLine)(event);
}
