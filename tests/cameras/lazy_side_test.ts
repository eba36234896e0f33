import { assert, assertEquals } from "../support/assert.ts";
import { LazyCameraSide, MAX_WAITING_CALLS } from "../../lib/cameras/lazy_side.ts";
import type { CameraSide } from "../../lib/cameras/camera_side.ts";
import { EOS_SERVICE_TYPE } from "../../lib/cameras/eos_type.ts";
import { WAITING_STATUS } from "../../lib/cameras/text.ts";
import { isRejection, parseSsdpMessage, type SsdpMessage } from "../../lib/ssdp/message.ts";

const encoder = new TextEncoder();
const eosNotify = encoder.encode(
  `NOTIFY * HTTP/1.1\r\nNT: ${EOS_SERVICE_TYPE}\r\nNTS: ssdp:alive\r\n\r\n`,
);
const otherNotify = encoder.encode(
  "NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n",
);

function parsed(bytes: Uint8Array): SsdpMessage {
  const message = parseSsdpMessage(bytes);
  if (isRejection(message)) throw new Error(message.rejected);
  return message;
}

/** A camera side that records its calls, handed out when the test resolves the load. */
function recordingSide() {
  const calls: string[] = [];
  const side: CameraSide = {
    wants: (ip) => ip === "10.0.0.9",
    heard: (_m, ip) => calls.push(`heard ${ip}`),
    searched: (ip, ua) => calls.push(`searched ${ip} ${ua}`),
    fetched: (ip) => calls.push(`fetched ${ip}`),
    searchFrom: (a) => calls.push(`searchFrom ${a.join(",")}`),
    start: () => calls.push("start"),
    stop: () => Promise.resolve(void calls.push("stop")),
  };
  return { calls, side };
}

/** Whether the camera side is loaded: once it is, it decides (the recording side wants 10.0.0.9). */
const loaded = (lazy: LazyCameraSide) => lazy.wants("10.0.0.9", otherNotify);

function lazySide() {
  const { calls, side } = recordingSide();
  let loads = 0;
  let resolve!: (side: CameraSide) => void;
  let reject!: (error: Error) => void;
  const errors: unknown[] = [];
  const statuses: string[] = [];
  const lazy = new LazyCameraSide({
    load: () => {
      loads++;
      return new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
    },
    onLoadError: (error) => errors.push(error),
    status: (text) => statuses.push(text),
  });
  return {
    lazy,
    calls,
    errors,
    statuses,
    loads: () => loads,
    resolve: () => resolve(side),
    reject: (e: Error) => reject(e),
  };
}

Deno.test("LazyCameraSide: nothing loads until a camera may be about", async () => {
  const t = lazySide();
  t.lazy.searchFrom(["10.0.0.1"]);
  t.lazy.start();
  assertEquals(t.statuses, [WAITING_STATUS], "the user sees at once that it waits");
  assert(!t.lazy.wants("10.0.0.9", otherNotify), "nothing is followed before loading");
  assert(t.lazy.wants("10.0.0.9", eosNotify), "an EOS announcement is wanted: a 6D says it once");
  assertEquals(t.loads(), 0);
  await t.lazy.stop();
  assertEquals(t.loads(), 0, "a helper nobody talked to never loads the camera code");
  assertEquals(t.calls, []);
});

Deno.test("LazyCameraSide: calls made while loading are replayed in order, then start", async () => {
  const t = lazySide();
  t.lazy.searchFrom(["10.0.0.1"]);
  t.lazy.start();
  t.lazy.searched("10.0.0.5", "Canon Digital Camera");
  t.lazy.fetched("10.0.0.5");
  t.lazy.heard(parsed(eosNotify), "10.0.0.6");
  assertEquals(t.loads(), 1, "one load, however many calls");
  assert(!loaded(t.lazy));
  t.resolve();
  await t.lazy.load();
  assert(loaded(t.lazy));
  assertEquals(t.calls, [
    "searchFrom 10.0.0.1",
    "searched 10.0.0.5 Canon Digital Camera",
    "fetched 10.0.0.5",
    "heard 10.0.0.6",
    "start",
  ]);
  t.lazy.fetched("10.0.0.7");
  assert(t.lazy.wants("10.0.0.9", otherNotify), "once loaded, the camera side decides");
  await t.lazy.stop();
  t.lazy.fetched("10.0.0.8");
  assertEquals(t.calls.slice(-2), ["fetched 10.0.0.7", "stop"]);
});

Deno.test("LazyCameraSide: the calls kept while loading are bounded", async () => {
  const t = lazySide();
  for (let i = 0; i < MAX_WAITING_CALLS + 50; i++) t.lazy.searched("10.0.0.5", `${i}`);
  t.resolve();
  await t.lazy.load();
  assertEquals(t.calls.length, MAX_WAITING_CALLS);
  assertEquals(t.calls.at(-1), `searched 10.0.0.5 ${MAX_WAITING_CALLS - 1}`);
});

Deno.test("LazyCameraSide: a stop during the load waits for it and starts nothing", async () => {
  const t = lazySide();
  t.lazy.fetched("10.0.0.5");
  t.lazy.start();
  const stopping = t.lazy.stop();
  t.resolve();
  await stopping;
  assertEquals(t.calls, []);
  assert(!loaded(t.lazy));
});

Deno.test("LazyCameraSide: a failed load is reported once, and later calls do nothing", async () => {
  const t = lazySide();
  t.lazy.fetched("10.0.0.5");
  t.reject(new Error("module not found"));
  await t.lazy.load();
  t.lazy.fetched("10.0.0.6");
  assertEquals(t.errors.map((e) => (e as Error).message), ["module not found"]);
  assertEquals(t.loads(), 1);
  await t.lazy.stop();
  assertEquals(t.calls, []);
});

Deno.test("LazyCameraSide: a loaded side that throws while calls are replayed leaves no rejection unhandled", async () => {
  const errors: unknown[] = [];
  const side: CameraSide = {
    wants: () => false,
    heard: () => {},
    searched: () => {
      throw new Error("replayed call failed");
    },
    fetched: () => {},
    searchFrom: () => {},
    start: () => {},
    stop: () => Promise.resolve(),
  };
  const lazy = new LazyCameraSide({
    load: () => Promise.resolve(side),
    onLoadError: (error) => errors.push(error),
  });
  // Nothing awaits the load these calls start: a rejection of it would be unhandled, and end serve.
  lazy.searched("10.0.0.5", "Canon");
  await lazy.load();
  await lazy.stop();
  assertEquals(errors.map((e) => (e as Error).message), ["replayed call failed"]);
});
