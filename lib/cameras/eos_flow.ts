/**
 * The EOS flow: older EOS bodies (6D, 70D, 5D III, 7D, M50) in "EOS Utility" mode do not search for a
 * computer, they announce themselves (`NOTIFY`, NT `ICPO-WFTEOSSystemService:1`, LOCATION on port
 * 49152) and wait for a computer to GET that description with a Windows User-Agent, which arms their
 * PTP/IP listener (camera-facts: Schroden's 70D notes, Open-RAZStudio's 6D captures). This module
 * holds the pure parts — recognising the announcement, the request bytes, the re-fetch schedule,
 * reading the names — and one I/O function that performs a fetch through an injected exchange.
 *
 * @module
 */

import type { SsdpMessage } from "../ssdp/message.ts";
import { EOS_SERVICE_TYPE } from "./eos_type.ts";
import { formatSearchRequest } from "../ssdp/search_request.ts";
import { SSDP_MULTICAST_ADDRESS, SSDP_PORT } from "../ssdp/wire.ts";
import { parseResponseHead, type RawResponse } from "../description/fetch.ts";
import { MAX_NAME_LENGTH, parseMaxAge } from "./tracker.ts";
import { cleanOptional, cleanText } from "../util/text.ts";
import { type DescribedDevice, notCanonCamera } from "./recognise.ts";
import { err, ok, type Result } from "../util/result.ts";

/** The User-Agent whose GET makes a 6D arm its PTP/IP listener (Open-RAZStudio, medium confidence). */
const EOS_FETCH_USER_AGENT = "Microsoft-Windows/10.0 UPnP/1.0";

/** The port an EOS body serves its description on (every body reported: 6D, 70D, M50). */
const EOS_UPNP_PORT = 49152;

/**
 * The shape of the description path EOS bodies announce (`/upnp/CameraDevDesc.xml`): one `.xml`
 * file under `/upnp/`, no query. Any other path is not a description, so a forged announcement
 * cannot make the helper request it (an admin page, a CGI) with the Windows User-Agent.
 */
const EOS_DESCRIPTION_PATH = /^\/upnp\/[A-Za-z0-9_-]{1,64}\.xml$/;

/** Longer LOCATIONs are refused: the camera's is about 50 characters. */
const MAX_LOCATION_CHARS = 256;

/** More than any camera description (a few KiB); a bigger body is not parsed. */
export const MAX_EOS_DESCRIPTION_BYTES = 64 * 1024;

/** Longest friendlyName/modelName kept; real ones are under 40 characters. */
const MAX_EOS_NAME_CHARS = 64;

/** An EOS body that announced itself (or answered our search for its type), validated. */
export interface EosAnnouncement {
  /** The sender's IPv4 address, which is also the LOCATION's host. */
  ip: string;
  /** The LOCATION port (49152 on the bodies reported). */
  port: number;
  /** The LOCATION path and query, e.g. `/upnp/CameraDevDesc.xml`. */
  path: string;
  /** The LOCATION as received (validated). */
  location: string;
  /** The USN, if sent (control characters removed, bounded). */
  usn?: string;
  /** Seconds from its `CACHE-CONTROL: max-age`, if valid. */
  maxAgeSeconds?: number;
}

/** What an SSDP message means for the EOS flow. */
export type EosMessage =
  | { kind: "alive"; announcement: EosAnnouncement }
  | { kind: "byebye"; ip: string; usn?: string }
  | { kind: "invalid"; ip: string; reason: string };

function isEosType(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === EOS_SERVICE_TYPE.toLowerCase();
}

// deno-lint-ignore no-control-regex
const UNSAFE_PATH = /[\u0000-\u0020\u007f-\uffff]/;

/**
 * Validates an EOS LOCATION: `http:`, host equal to the sender's IP (so a LAN host cannot point the
 * helper at a third machine), no credentials, no fragment, bounded, a path of printable ASCII. Pure.
 */
export function validateEosLocation(location: string, senderIp: string): Result<EosAnnouncement> {
  if (location.length > MAX_LOCATION_CHARS) {
    return err(`LOCATION longer than ${MAX_LOCATION_CHARS} characters`);
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return err("LOCATION is not a URL");
  }
  if (url.protocol !== "http:") return err(`LOCATION is ${url.protocol}, not http:`);
  if (url.username !== "" || url.password !== "") return err("LOCATION carries credentials");
  if (url.hash !== "") return err("LOCATION has a fragment");
  if (url.hostname !== senderIp) {
    return err(`LOCATION names ${url.hostname}, not the sender ${senderIp}`);
  }
  const path = url.pathname + url.search;
  if (UNSAFE_PATH.test(path)) return err("LOCATION path has spaces or non-ASCII characters");
  return ok({ ip: senderIp, port: Number(url.port || 80), path, location });
}

/**
 * What `message` from `senderIp` means for the EOS flow: an announcement (`NOTIFY ssdp:alive` with
 * the EOS type, or a `200 OK` to our search for it), a byebye, an invalid announcement (with why),
 * or `undefined` when it is not about the EOS type at all. Pure; never throws.
 */
export function readEosMessage(message: SsdpMessage, senderIp: string): EosMessage | undefined {
  const h = message.headers;
  const usn = cleanOptional(h.get("usn"), MAX_NAME_LENGTH);
  if (message.method === "NOTIFY") {
    if (!isEosType(h.get("nt"))) return undefined;
    const nts = h.get("nts")?.toLowerCase();
    if (nts === "ssdp:byebye") return { kind: "byebye", ip: senderIp, usn };
    if (nts !== "ssdp:alive") {
      return { kind: "invalid", ip: senderIp, reason: "NOTIFY without NTS ssdp:alive" };
    }
  } else if (message.status === 200) {
    if (!isEosType(h.get("st"))) return undefined;
  } else {
    return undefined;
  }
  const location = h.get("location");
  if (location === undefined) return { kind: "invalid", ip: senderIp, reason: "no LOCATION" };
  const checked = validateEosLocation(location, senderIp);
  if (!checked.ok) return { kind: "invalid", ip: senderIp, reason: checked.error };
  const served = eosTargetProblem(checked.value);
  if (served !== undefined) return { kind: "invalid", ip: senderIp, reason: served };
  const maxAgeSeconds = parseMaxAge(h.get("cache-control"));
  return { kind: "alive", announcement: { ...checked.value, usn, maxAgeSeconds } };
}

/**
 * Why a valid LOCATION is still not what an EOS body serves (its UPnP port, a description path), or
 * `undefined` when it is. The sender's address can be forged, so this bounds what any LAN host can
 * make the helper request of another: a Windows-looking GET of a description on port 49152. Pure.
 */
function eosTargetProblem(
  target: Pick<EosAnnouncement, "port" | "path">,
): string | undefined {
  if (target.port !== EOS_UPNP_PORT) {
    return `LOCATION is on port ${target.port}, not ${EOS_UPNP_PORT} (where EOS bodies serve it)`;
  }
  if (!EOS_DESCRIPTION_PATH.test(target.path)) {
    return "LOCATION is not a description path like /upnp/CameraDevDesc.xml";
  }
  return undefined;
}

/**
 * The GET that EOS Utility is reported to send, as bytes. Only the User-Agent is known to matter
 * (Open-RAZStudio); `Accept` and `Connection: close` are what Windows' UPnP stack sends and let the
 * read end when the camera closes. Pure.
 */
export function eosFetchRequest(
  announcement: Pick<EosAnnouncement, "ip" | "port" | "path">,
): string {
  return [
    `GET ${announcement.path} HTTP/1.1`,
    `Host: ${announcement.ip}:${announcement.port}`,
    `User-Agent: ${EOS_FETCH_USER_AGENT}`,
    "Accept: text/xml, application/xml",
    "Connection: close",
    "",
    "",
  ].join("\r\n");
}

/**
 * The search sent once at start, multicast, so that a body that announced before the helper started
 * (the 6D announces once, then stays silent) answers with its LOCATION. Pure constant.
 */
export const EOS_SEARCH: string = formatSearchRequest({
  host: `${SSDP_MULTICAST_ADDRESS}:${SSDP_PORT}`,
  st: EOS_SERVICE_TYPE,
  mx: 2,
});

/** The names an EOS description gives, cleaned and bounded; either may be missing. */
export interface EosNames {
  /** `root/device/friendlyName`. */
  friendlyName?: string;
  /** `root/device/modelName`, e.g. "Canon EOS 6D". */
  modelName?: string;
}

/**
 * Reads the device from a description body; a body that is too big or not XML is an error. The XML
 * parser is loaded on the first call, not at start: most helpers never meet an EOS camera.
 */
async function readEosDevice(body: Uint8Array): Promise<Result<EosNames & DescribedDevice>> {
  if (body.byteLength > MAX_EOS_DESCRIPTION_BYTES) {
    return err(`description of ${body.byteLength} bytes exceeds ${MAX_EOS_DESCRIPTION_BYTES}`);
  }
  const { readDescription } = await import("../description/reader.ts");
  try {
    const { fields } = readDescription(new TextDecoder().decode(body));
    const field = (name: string) =>
      cleanOptional(fields.get(`root/device/${name}`), MAX_EOS_NAME_CHARS);
    return ok({
      friendlyName: field("friendlyName"),
      modelName: field("modelName"),
      manufacturer: field("manufacturer"),
      deviceType: field("deviceType"),
    });
  } catch (error) {
    return err(`description is not well-formed XML (${cleanText((error as Error).message, 100)})`);
  }
}

/** How often and how long the description is fetched again while the camera waits. */
export interface EosFetchPlan {
  /** Between two fetches (EOS Utility is reported to re-fetch every few seconds). */
  intervalMs: number;
  /** Fetches per announcement at most, the first included. */
  maxFetches: number;
  /** Failed fetches in a row after which the camera is given up. */
  maxFailures: number;
}

/** 3 s apart, at most 10 fetches (about half a minute), two failures in a row end it. */
export const DEFAULT_EOS_FETCH_PLAN: EosFetchPlan = {
  intervalMs: 3000,
  maxFetches: 10,
  maxFailures: 2,
};

/** Where one camera's fetching stands. */
export type EosSchedule =
  | { phase: "fetching"; fetches: number; failures: number; succeeded: number; nextAt: number }
  | { phase: "done"; reason: "limit" | "failures"; fetches: number; succeeded: number };

/** A schedule for a fresh announcement: the first fetch is due at once. Pure. */
export function startEosSchedule(now: number): EosSchedule {
  return { phase: "fetching", fetches: 0, failures: 0, succeeded: 0, nextAt: now };
}

/** The schedule after a fetch that ended at `now` (`succeeded`: a 200 with a readable body). Pure. */
export function afterEosFetch(
  schedule: EosSchedule,
  succeeded: boolean,
  now: number,
  plan: EosFetchPlan,
): EosSchedule {
  if (schedule.phase === "done") return schedule;
  const fetches = schedule.fetches + 1;
  const failures = succeeded ? 0 : schedule.failures + 1;
  const ok = schedule.succeeded + (succeeded ? 1 : 0);
  if (failures >= plan.maxFailures) {
    return { phase: "done", reason: "failures", fetches, succeeded: ok };
  }
  if (fetches >= plan.maxFetches) return { phase: "done", reason: "limit", fetches, succeeded: ok };
  return { phase: "fetching", fetches, failures, succeeded: ok, nextAt: now + plan.intervalMs };
}

/** Sends request bytes to a host and returns the response; `exchangeRaw` in production. */
export type RawExchange = (
  hostname: string,
  port: number,
  request: Uint8Array,
  timeoutMs: number,
) => Promise<RawResponse>;

/** The time one fetch may take, connect and read together. */
const EOS_FETCH_TIMEOUT_MS = 3000;

/**
 * What one fetch found: a Canon camera's description (with its names), a host that answered with
 * something else (no camera: not worth asking again), or a failure (refused, timed out, not 200,
 * not XML), which a camera that is still waking up may recover from.
 */
export type EosFetchOutcome =
  | { kind: "camera"; names: EosNames }
  | { kind: "not-camera"; reason: string }
  | { kind: "failed"; error: string };

/**
 * Performs one Windows-looking fetch of the camera's description, reads its names and confirms it
 * is a Canon camera's ({@linkcode notCanonCamera}). Never throws.
 */
export async function fetchEosCamera(
  announcement: Pick<EosAnnouncement, "ip" | "port" | "path">,
  exchange: RawExchange,
  timeoutMs = EOS_FETCH_TIMEOUT_MS,
): Promise<EosFetchOutcome> {
  let response: RawResponse;
  try {
    const request = new TextEncoder().encode(eosFetchRequest(announcement));
    response = await exchange(announcement.ip, announcement.port, request, timeoutMs);
  } catch (error) {
    return { kind: "failed", error: `fetch failed: ${cleanText((error as Error).message, 200)}` };
  }
  const head = parseResponseHead(response.head);
  if (head.status !== 200) {
    return {
      kind: "failed",
      error: `answered ${cleanText(head.statusLine, MAX_NAME_LENGTH) || "nothing"}`,
    };
  }
  const read = await readEosDevice(response.body);
  if (!read.ok) return { kind: "failed", error: read.error };
  const { friendlyName, modelName } = read.value;
  const notCamera = notCanonCamera(read.value);
  if (notCamera !== undefined) return { kind: "not-camera", reason: notCamera };
  return { kind: "camera", names: { friendlyName, modelName } };
}
