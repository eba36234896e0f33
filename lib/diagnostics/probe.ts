/**
 * The `probe` command's grading: what a Canon camera requires of the computer that answers its search
 * and of the description it then fetches, checked requirement by requirement for each responder, and
 * the report's text. Pure; the sockets are in `probe_run.ts`.
 *
 * @module
 */

import type { DescriptionFields } from "../description/reader.ts";
import type { ResponseHead } from "../description/fetch.ts";
import type { SsdpMessage } from "../ssdp/message.ts";
import { DESCRIPTION_CONTENT_TYPE } from "../ssdp/wire.ts";
import { escapeControls } from "../terminal/logger.ts";
import type { Result } from "../util/result.ts";

/** One SSDP answer received, parsed. */
export interface ProbeAnswer {
  /** The answering host's address. */
  from: string;
  /** The port it answered from. */
  port: number;
  /** Its answer, parsed. */
  message: SsdpMessage;
}

/** Most answers `probe` keeps; a flood of answers costs bounded memory, the rest are only counted. */
export const MAX_PROBE_ANSWERS = 256;

/** The answers received, the first {@linkcode MAX_PROBE_ANSWERS} kept and the rest counted. */
export class ProbeAnswers {
  /** The answers kept, in arrival order, at most `limit`. */
  readonly kept: ProbeAnswer[] = [];
  /** How many arrived once the list was full. */
  dropped = 0;

  /** Keeps at most `limit` answers; starts nothing. */
  constructor(readonly limit = MAX_PROBE_ANSWERS) {}

  /** Keeps `answer` if there is room, else counts it. */
  add(answer: ProbeAnswer): void {
    if (this.kept.length < this.limit) this.kept.push(answer);
    else this.dropped++;
  }
}

/**
 * Why `location` is not fetched for an answer from `from`, or `undefined` when it may be: only a
 * plain `http://` URL on the answering host's own address is, so a responder cannot make `probe`
 * connect to a third host. Pure.
 */
export function locationRefusal(location: string, from: string): string | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return "not fetched: not a URL";
  }
  if (url.protocol !== "http:") return "not fetched: not an http:// URL";
  if (url.hostname !== from) {
    return `not fetched: it names ${url.hostname}, not ${from}, the host that answered`;
  }
  return undefined;
}

/** A fetched description: the response head, and the document or the XML parser's complaint. */
export interface FetchedDescription {
  /** The response's status line and headers. */
  head: ResponseHead;
  /** The document's fields, or why the body is not well-formed XML. */
  description: Result<DescriptionFields, string>;
}

/** What fetching a responder's LOCATION gave, or why nothing was (the refusal or the error). */
export type FetchOutcome = Result<FetchedDescription, string>;

/** One requirement and whether it is met. */
export interface Requirement {
  /** What a camera requires, in one line. */
  name: string;
  /** Whether the responder met it. */
  ok: boolean;
  /** What was found, shown when it fails (and for the name, when it passes). */
  detail?: string;
}

/** A responder: where it answered from, its answer and the graded requirements. */
export interface ResponderReport {
  /** The responder's address. */
  from: string;
  /** The description URL it gave, if any. */
  location?: string;
  /** Each requirement and whether it was met. */
  requirements: Requirement[];
  /** The name the camera would list, when the description has one. */
  listedAs?: string;
}

/** The names of the requirements, in the order they are checked. */
export const REQUIREMENTS = {
  server: "SSDP Server header names Microsoft-Windows and UPnP/1.0",
  location: "LOCATION is present and fetchable",
  status: "description answers HTTP 200",
  contentType: `Content-Type is exactly ${DESCRIPTION_CONTENT_TYPE}`,
  uuid: "USN and UDN name the same UUID",
  friendlyName: "friendlyName has a name before a colon",
} as const;

function uuidOf(text: string | undefined): string | undefined {
  return /^uuid:([^:\s]+)/i.exec(text ?? "")?.[1].toLowerCase();
}

/** The part of a friendlyName the camera lists: before the first colon, when there is one. */
export function listedName(friendlyName: string | undefined): string | undefined {
  const match = /^([^:]*):/.exec(friendlyName ?? "");
  const name = match?.[1].trim();
  return name ? name : undefined;
}

/** Grades one responder's answer and fetched description against the camera's requirements. */
export function gradeResponder(
  answer: ProbeAnswer,
  fetched: FetchOutcome | undefined,
): ResponderReport {
  const headers = answer.message.headers;
  const server = headers.get("server") ?? "";
  const location = headers.get("location");
  const requirements: Requirement[] = [{
    name: REQUIREMENTS.server,
    ok: server.includes("Microsoft-Windows") && server.includes("UPnP/1.0"),
    detail: server === "" ? "no Server header" : `got "${server}"`,
  }];
  // The requirements are checked in order: those not reached fail for the reason the last one gave.
  const failRest = (why: string) =>
    Object.values(REQUIREMENTS).slice(requirements.length)
      .forEach((name) => requirements.push({ name, ok: false, detail: why }));
  if (location === undefined || location === "") {
    requirements.push({ name: REQUIREMENTS.location, ok: false, detail: "no LOCATION header" });
    failRest("no description to fetch");
    return { from: answer.from, requirements };
  }
  if (fetched === undefined || !fetched.ok) {
    const error = fetched === undefined ? "not fetched" : fetched.error;
    requirements.push({ name: REQUIREMENTS.location, ok: false, detail: `${location}: ${error}` });
    failRest("the description could not be fetched");
    return { from: answer.from, location, requirements };
  }
  requirements.push({ name: REQUIREMENTS.location, ok: true, detail: location });
  const { head, description: parsed } = fetched.value;
  requirements.push({
    name: REQUIREMENTS.status,
    ok: head.status === 200,
    detail: head.statusLine,
  });
  const contentType = head.headers.get("content-type");
  requirements.push({
    name: REQUIREMENTS.contentType,
    ok: contentType === DESCRIPTION_CONTENT_TYPE,
    detail: contentType === undefined ? "no Content-Type header" : `got ${contentType}`,
  });
  if (!parsed.ok) {
    failRest(`the description is not well-formed XML: ${parsed.error}`);
    return { from: answer.from, location, requirements };
  }
  const description = parsed.value;
  const usn = headers.get("usn");
  const udn = description.fields.get("root/device/UDN");
  const usnUuid = uuidOf(usn);
  requirements.push({
    name: REQUIREMENTS.uuid,
    ok: usnUuid !== undefined && usnUuid === uuidOf(udn),
    detail: `USN ${usn ?? "missing"}, UDN ${udn ?? "missing"}`,
  });
  const friendlyName = description.fields.get("root/device/friendlyName");
  const listedAs = listedName(friendlyName);
  requirements.push({
    name: REQUIREMENTS.friendlyName,
    ok: listedAs !== undefined,
    detail: friendlyName === undefined ? "no friendlyName" : `"${friendlyName}"`,
  });
  return { from: answer.from, location, requirements, listedAs };
}

/** Whether a responder meets every requirement. */
export function passes(report: ResponderReport): boolean {
  return report.requirements.every((r) => r.ok);
}

/** How the search was sent, for the report's hint when nothing answered. */
export interface ProbeWindow {
  /** How long answers were collected. */
  seconds: number;
  /** The search was multicast and looped back to this computer too. */
  looped: boolean;
  /** Answers that arrived once {@linkcode MAX_PROBE_ANSWERS} were kept. */
  dropped: number;
}

/**
 * The report's text: every answer, then each responder's requirements, then a verdict. Everything
 * in it that a responder sent is shown with control characters escaped, so an answer cannot drive
 * the terminal.
 */
export function formatProbeReport(
  answers: readonly ProbeAnswer[],
  responders: readonly ResponderReport[],
  window: ProbeWindow,
): string {
  if (answers.length === 0) {
    return [
      `probe: no answer within ${window.seconds} s` +
      (window.looped
        ? ", neither from the network nor from this computer (the search was looped back to it)."
        : "."),
      "Is the helper (or Windows) running on the camera's network? On that computer, " +
      "`ptpip-canon-helper doctor` checks the ports, interfaces and firewall.",
    ].join("\n");
  }
  const lines = [
    `${answers.length} answer${answers.length === 1 ? "" : "s"} within ${window.seconds} s` +
    (window.dropped > 0 ? ` (and ${window.dropped} more, not kept)` : "") + ":",
  ];
  for (const a of answers) {
    const h = a.message.headers;
    lines.push(
      `  ${a.from}:${a.port}  ST ${h.get("st") ?? "-"}  USN ${h.get("usn") ?? "-"}  ` +
        `Server ${h.get("server") ?? "-"}  LOCATION ${h.get("location") ?? "-"}`,
    );
  }
  for (const r of responders) {
    lines.push("", `${r.from}${r.location ? ` — ${r.location}` : ""}`);
    for (const q of r.requirements) {
      lines.push(`  ${q.ok ? "✓" : "✗"} ${q.name}${q.ok ? "" : `: ${q.detail}`}`);
    }
    lines.push(
      passes(r)
        ? `  → a Canon camera would list it as "${r.listedAs}"`
        : "  → a Canon camera would not pair with it",
    );
  }
  const passing = responders.filter(passes).length;
  lines.push(
    "",
    `probe: ${passing} of ${responders.length} responder${
      responders.length === 1 ? "" : "s"
    } would pair with a Canon camera.`,
  );
  return lines.map(escapeControls).join("\n");
}
