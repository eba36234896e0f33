/**
 * The serving parts' events as a test sees them: every one kept, and a wait (with a deadline) for
 * one that matches.
 *
 * @module
 */

import type { ServeEvent } from "../../lib/events.ts";
import { withTimeout } from "../../lib/util/timeout.ts";

/** Keeps the events given to `emit`; `next` resolves once one matches, or fails after `waitMs`. */
export function eventRecorder(waitMs = 5000): {
  events: ServeEvent[];
  emit: (event: ServeEvent) => void;
  next: (what: string, match: (event: ServeEvent) => boolean) => Promise<void>;
} {
  const events: ServeEvent[] = [];
  const waiting: { match: (event: ServeEvent) => boolean; resolve: () => void }[] = [];
  return {
    events,
    emit: (event) => {
      events.push(event);
      for (const w of waiting.splice(0)) {
        if (w.match(event)) w.resolve();
        else waiting.push(w);
      }
    },
    next: (what, match) =>
      events.some(match) ? Promise.resolve() : withTimeout(
        new Promise<void>((resolve) => waiting.push({ match, resolve })),
        waitMs,
        what,
      ),
  };
}
