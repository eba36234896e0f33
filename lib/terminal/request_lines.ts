/**
 * `serve`'s per-request lines: one for each answered search and one for each HTTP request, each kind
 * under {@linkcode REQUEST_LINES}; past it a {@linkcode FloodLog} sums the kind up in one line.
 *
 * @module
 */

import type { HttpRequest } from "../description/server.ts";
import type { Emit } from "../events.ts";
import { DEFAULT_RATE_LIMITS } from "../ssdp/rate_limit.ts";
import type { Clock } from "../util/timers.ts";
import { type Flood, FloodLog, type LineBudget } from "./flood_log.ts";

/**
 * The lines for answered searches, and for HTTP requests: the default global limit's worth of
 * answers, so at the default limits every answered search has its line.
 */
export const REQUEST_LINES: LineBudget = {
  perSecond: DEFAULT_RATE_LIMITS.globalRate,
  burst: 2 * DEFAULT_RATE_LIMITS.globalRate,
};

/** What the request lines need. */
export interface RequestLinesOptions {
  /** Where the lines go. */
  emit: Emit;
  /** Times the budget and schedules the summaries. */
  clock: Pick<Clock, "now" | "after">;
  /** How long after a flood began it is summed up. */
  summaryMs: number;
}

/** The lines of answered searches. */
export interface SearchLines {
  /** A `search` line for an answered search from `from`, or a count towards its summary. */
  answered(decision: { searchTarget: string; location: string }, from: Deno.NetAddr): void;
  /** Writes the pending summary at once, so a stop loses no count. */
  close(): void;
}

/** The lines of the description server's requests. */
export interface HttpLines {
  /** An `http` line for a request the server answered, or a count towards its summary. */
  requested(request: HttpRequest): void;
  /** Writes the pending summary at once, so a stop loses no count. */
  close(): void;
}

/** Lines for answered searches, summed up as `searches-summed` past the budget. */
export function searchLines(options: RequestLinesOptions): SearchLines {
  const log = floodLog(options, (flood) => options.emit({ event: "searches-summed", ...flood }));
  return {
    answered: (decision, from) =>
      log.report(from.hostname, () =>
        options.emit({
          event: "search",
          from: `${from.hostname}:${from.port}`,
          st: decision.searchTarget,
          location: decision.location,
        })),
    close: () => log.close(),
  };
}

/** Lines for HTTP requests, summed up as `http-summed` past the budget. */
export function httpLines(options: RequestLinesOptions): HttpLines {
  const log = floodLog(options, (flood) => options.emit({ event: "http-summed", ...flood }));
  return {
    requested: (request) =>
      log.report(request.remote, () =>
        options.emit({
          event: "http",
          ...request,
          path: request.path.replace(/^\//, ""),
        })),
    close: () => log.close(),
  };
}

function floodLog(options: RequestLinesOptions, summarise: (flood: Flood) => void): FloodLog {
  return new FloodLog({
    budget: REQUEST_LINES,
    clock: options.clock,
    summaryMs: options.summaryMs,
    summarise,
  });
}
