/**
 * The serving parts' events as a test sees them: every one kept, and a wait (with a deadline) for
 * one that matches.
 *
 * @module
 */

import type { ServeEvent } from "../../lib/events.ts";
import { Waiters } from "../../lab/waiters.ts";

/** Keeps the events given to `emit`; `next` resolves once one matches, or fails after `waitMs`. */
export function eventRecorder(waitMs = 5000): {
  events: ServeEvent[];
  emit: (event: ServeEvent) => void;
  next: (what: string, match: (event: ServeEvent) => boolean) => Promise<void>;
} {
  const events: ServeEvent[] = [];
  const waiters = new Waiters();
  return {
    events,
    emit: (event) => {
      events.push(event);
      waiters.wake();
    },
    next: async (what, match) => {
      await waiters.until(() => events.some(match), what, waitMs);
    },
  };
}
