/**
 * How the photo sink notices new photos on an EOS body (`lib/ptpip/eos.ts`): remote and event mode
 * first, the card listed once, then GetEvent polled every {@linkcode EOS_POLL_MS} for ObjectAddedEx
 * / RequestObjectTransfer records, each new object described by its ObjectInfo (so its record key
 * is a listing's) and fetched with Canon's operations (`lib/import/eos_source.ts`, TransferComplete
 * after each); KeepDeviceOn every {@linkcode EOS_KEEPALIVE_MS}, as the keep-alive script does, so
 * the body does not power off while nothing is taken. Any other body gets the standard watch.
 *
 * @module
 */

import {
  EOS_KEEPALIVE_MS,
  EOS_POLL_MS,
  eosEvents,
  eosKeepAlive,
  isEosBody,
  startEosMode,
} from "../ptpip/eos.ts";
import type { SessionFailure } from "../ptpip/session.ts";
import { describeEosObject, eosSource } from "../import/eos_source.ts";
import { asSourceFailure, isObjectFailure } from "../import/ptpip_source.ts";
import type { CameraObject } from "../import/source.ts";
import { err, ok, type Result } from "../util/result.ts";
import {
  type BodyWatch,
  listFirst,
  RELIST_MS,
  standardWatch,
  type WatchContext,
  type WatchFor,
} from "./link.ts";
import { NewObjects } from "./new_objects.ts";

/** New objects described from one GetEvent at most; the rest are found by the next re-list. */
const MAX_EVENT_OBJECTS = 1000;

/**
 * The watch for EOS bodies; other bodies get {@linkcode standardWatch}.
 * @param timing milliseconds between two GetEvent calls and between two KeepDeviceOn calls
 */
export function eosWatch(timing: { pollMs?: number; keepAliveMs?: number } = {}): WatchFor {
  const pollMs = timing.pollMs ?? EOS_POLL_MS;
  const keepAliveMs = timing.keepAliveMs ?? EOS_KEEPALIVE_MS;
  return async (context: WatchContext): Promise<Result<BodyWatch, SessionFailure>> => {
    const { session, info, now } = context;
    if (!isEosBody(info)) return standardWatch(context);
    const started = await startEosMode(session, info);
    if (!started.ok) return started;
    const source = eosSource(session, info);
    const objects = new NewObjects();
    let pollAt = now() + pollMs;
    let keepAliveAt = now() + keepAliveMs;
    let relistAt = now() + RELIST_MS;
    const next = listFirst(objects, session, async () => {
      for (;;) {
        if (context.over()) return undefined;
        const time = now();
        if (time >= keepAliveAt) {
          keepAliveAt = time + keepAliveMs;
          const kept = await eosKeepAlive(session);
          if (!kept.ok && !isObjectFailure(kept.error)) return err(asSourceFailure(kept.error));
          continue;
        }
        if (time >= relistAt) {
          // A record lost (or past the bound) is still found: the card's handles, new ones only.
          relistAt = time + RELIST_MS;
          objects.relist();
          const listed = await objects.list(session);
          if (!listed.ok || listed.value.length > 0) return listed;
          continue;
        }
        if (time >= pollAt) {
          pollAt = time + pollMs;
          const polled = await eosEvents(session);
          if (!polled.ok) {
            if (!isObjectFailure(polled.error)) return err(asSourceFailure(polled.error));
            continue;
          }
          const found: CameraObject[] = [];
          for (const event of polled.value) {
            if (event.kind !== "object-added" || found.length >= MAX_EVENT_OBJECTS) continue;
            if (objects.has(event.handle)) continue;
            const described = await describeEosObject(session, event);
            if (!described.ok) return described;
            objects.markKnown(event.handle);
            found.push(described.value);
          }
          if (found.length > 0) return ok(found);
          continue;
        }
        await context.wait(Math.min(pollAt, keepAliveAt, relistAt) - time);
      }
    });
    return ok({ fetch: source.fetch, next, close: () => {} });
  };
}
