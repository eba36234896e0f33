/**
 * The `probe` command's network side: send the M-SEARCH a Canon camera sends (to the SSDP group from
 * every served interface, or to one host), collect every answer within the window, and fetch each
 * responder's description the camera's way (raw HTTP). Grading and text are in `probe.ts`.
 *
 * @module
 */

import { errorMessage, HelperError } from "../errors.ts";
import { fetchRaw, parseResponseHead } from "../description/fetch.ts";
import { err, ok } from "../util/result.ts";
import type { InterfaceAddress } from "../network/interfaces.ts";
import {
  type FetchedDescription,
  type FetchOutcome,
  formatProbeReport,
  gradeResponder,
  locationRefusal,
  passes,
  type ProbeAnswer,
  ProbeAnswers,
} from "./probe.ts";
import { CAMERA_SEARCH } from "../ssdp/search_request.ts";
import { type SearchPlace, searchRound } from "../ssdp/search_sockets.ts";
import { escapeControls } from "../terminal/logger.ts";

/** What `probe` was asked to do: where to search (the interface list comes apart), how long. */
export interface ProbeOptions extends Omit<SearchPlace, "interfaces"> {
  /** How long to collect answers. */
  timeoutSeconds: number;
}

/** How long one description fetch may take. */
const FETCH_TIMEOUT_MS = 3000;

const decoder = new TextDecoder();

async function fetchDescription(location: string): Promise<FetchOutcome> {
  try {
    // The XML parser is loaded here, not at start: only `probe` needs it, and loading a CommonJS
    // package costs the helper's start-up time and memory.
    const { readDescription } = await import("../description/reader.ts");
    const { head, body } = await fetchRaw(location, "GET", FETCH_TIMEOUT_MS);
    let description: FetchedDescription["description"];
    try {
      description = ok(readDescription(decoder.decode(body)));
    } catch (error) {
      description = err(errorMessage(error));
    }
    return ok({ head: parseResponseHead(head), description });
  } catch (error) {
    return err(errorMessage(error));
  }
}

/** Searches, listens for the window, fetches and grades; returns the report and whether any passed. */
export async function runProbe(
  options: ProbeOptions,
  interfaces: () => InterfaceAddress[],
): Promise<{ text: string; ok: boolean }> {
  const received = new ProbeAnswers();
  const round = await searchRound(
    { ...options, interfaces },
    CAMERA_SEARCH,
    options.timeoutSeconds * 1000,
    (message, from) => received.add({ from: from.hostname, port: from.port, message }),
  );
  if (round === undefined) {
    throw new HelperError(
      "no interface to search from: connect to the camera's network, or name one with -i NAME " +
        "(`ptpip-canon-helper interfaces` lists them), or give a HOST to search.",
    );
  }
  const { to, from, looped, sendErrors } = round;
  const answers = received.kept;

  const locationOf = (a: ProbeAnswer) => a.message.headers.get("location") ?? "";
  // One responder per address and LOCATION; an `ssdp:all` answerer repeats both.
  const first = new Map<string, ProbeAnswer>();
  for (const a of answers) {
    const key = `${a.from} ${locationOf(a)}`;
    if (!first.has(key)) first.set(key, a);
  }
  // Only a LOCATION on the answering host is fetched, each once.
  const fetches = new Map<string, Promise<FetchOutcome>>();
  const responders = await Promise.all([...first.values()].map(async (a) => {
    const location = locationOf(a);
    if (location === "") return gradeResponder(a, undefined);
    const refusal = locationRefusal(location, a.from);
    if (refusal) return gradeResponder(a, err(refusal));
    if (!fetches.has(location)) fetches.set(location, fetchDescription(location));
    return gradeResponder(a, await fetches.get(location));
  }));
  const intro = `probe: sent a Canon camera's M-SEARCH to ${to.hostname}:${to.port} from ${from}` +
    `${looped ? ", looped back to this computer too" : ""}` +
    `${sendErrors.length > 0 ? ` (send failed: ${sendErrors.join("; ")})` : ""}.`;
  const report = formatProbeReport(answers, responders, {
    seconds: options.timeoutSeconds,
    looped,
    dropped: received.dropped,
  });
  return {
    text: `${escapeControls(intro)}\n${report}`,
    ok: responders.some(passes),
  };
}
