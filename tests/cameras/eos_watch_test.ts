// The EOS flow's watch with an injected exchange (the camera's HTTP side) and an injected search
// socket: off by default says one line, on fetches only served hosts, on a bounded schedule, once per
// camera at a time, and stops cleanly. No network.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  EosWatch,
  type EosWatchOptions,
  MAX_EOS_CAMERAS,
  MAX_EOS_WAITING,
} from "../../lib/cameras/eos_watch.ts";
import { EOS_SEARCH, eosFetchRequest, type RawExchange } from "../../lib/cameras/eos_flow.ts";
import { EOS_SERVICE_TYPE } from "../../lib/cameras/eos_type.ts";
import type { RawResponse } from "../../lib/description/fetch.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { eventRecorder } from "../support/events.ts";
import { FakeClock } from "../support/clock.ts";
import { systemClock } from "../../lib/util/timers.ts";
import {
  eosAlive as alive,
  eosLocation as location,
  ssdpMessage as message,
} from "../support/ssdp.ts";
import { logEvent, setupLogging } from "../../lib/terminal/log.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const WAIT_MS = 3000;

const DESCRIPTION = '<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">' +
  "<device><friendlyName>EOS6D</friendlyName><modelName>Canon EOS 6D</modelName></device></root>";
const OK: RawResponse = {
  head: "HTTP/1.1 200 OK\r\nContent-Type: text/xml",
  body: encoder.encode(DESCRIPTION),
};

const byebye = message(["NOTIFY * HTTP/1.1", `NT: ${EOS_SERVICE_TYPE}`, "NTS: ssdp:byebye"]);

const recorder = () => eventRecorder(WAIT_MS);

interface Call {
  hostname: string;
  port: number;
  request: string;
}

function harness(
  overrides: Partial<EosWatchOptions> = {},
  respond: () => RawResponse = () => OK,
  tee: (event: ServeEvent) => void = () => {},
) {
  const log = recorder();
  const calls: Call[] = [];
  const ready: string[] = [];
  const exchange: RawExchange = (hostname, port, request) => {
    calls.push({ hostname, port, request: decoder.decode(request) });
    return Promise.resolve(respond());
  };
  const watch = new EosWatch({
    enabled: true,
    emit: (event) => {
      log.emit(event);
      tee(event);
    },
    clock: systemClock,
    serves: (ip) => ip.startsWith("10.0.0."),
    fetched: (announcement, names) => {
      ready.push(`${announcement.ip} ${names.modelName}`);
      return true;
    },
    coolingDown: () => false,
    exchange,
    ssdpPort: 1900,
    plan: { intervalMs: 1, maxFetches: 3, maxFailures: 2 },
    ...overrides,
  });
  return { watch, log, calls, ready };
}

const done = (ip: string) => (e: ServeEvent) => e.event === "eos-fetches-done" && e.ip === ip;

Deno.test("off (the default): an announcing EOS camera gets one line and no fetch", async () => {
  const { watch, log, calls } = harness({ enabled: false });
  watch.heard(alive("10.0.0.9"), "10.0.0.9");
  watch.heard(alive("10.0.0.9"), "10.0.0.9");
  watch.searchFrom(["10.0.0.1"]);
  await watch.stop();
  assertEquals(log.events, [{ event: "eos-off", ip: "10.0.0.9" }]);
  assertEquals(calls, []);
});

Deno.test("on: the camera is fetched as Windows does, ready once, on a bounded schedule", async () => {
  const { watch, log, calls, ready } = harness();
  watch.heard(alive("10.0.0.9"), "10.0.0.9");
  // Another announcement while its schedule runs starts no second one.
  watch.heard(alive("10.0.0.9"), "10.0.0.9");
  await log.next("the schedule's end", done("10.0.0.9"));
  await watch.stop();
  const request = eosFetchRequest({ ip: "10.0.0.9", port: 49152, path: "/upnp/CameraDevDesc.xml" });
  assertEquals(calls, Array(3).fill({ hostname: "10.0.0.9", port: 49152, request }));
  assertEquals(ready, ["10.0.0.9 Canon EOS 6D"]);
  assertEquals(log.events.filter((e) => e.event === "eos-fetch").length, 3);
  assertEquals(log.events.at(-1), {
    event: "eos-fetches-done",
    ip: "10.0.0.9",
    reason: "limit",
    fetches: 3,
  });
});

Deno.test("what a hostile LAN could send is not fetched", async (t) => {
  await t.step("a sender that is not a served host: said once, never fetched", async () => {
    const { watch, log, calls } = harness();
    watch.heard(alive("192.0.2.7"), "192.0.2.7");
    watch.heard(alive("192.0.2.7"), "192.0.2.7");
    await watch.stop();
    assertEquals(calls, []);
    assertEquals(log.events, [{
      event: "eos-ignored",
      ip: "192.0.2.7",
      reason: "not a served host",
    }]);
  });

  await t.step("a LOCATION naming another host is refused, with the reason", async () => {
    const { watch, log, calls } = harness();
    watch.heard(alive("10.0.0.9", location("10.0.0.10")), "10.0.0.9");
    await watch.stop();
    assertEquals(calls, []);
    const [event] = log.events;
    assert(event.event === "eos-ignored");
    assertMatch(event.reason, /names 10\.0\.0\.10, not the sender 10\.0\.0\.9/);
  });

  await t.step(`at most ${MAX_EOS_CAMERAS} cameras are fetched at once`, async () => {
    // Every fetch hangs until the test lets it go, so all the cameras are in flight together.
    let release!: () => void;
    const held = new Promise<void>((r) => release = r);
    const { watch, log, calls } = harness({
      exchange: async (hostname, port, request) => {
        calls.push({ hostname, port, request: decoder.decode(request) });
        await held;
        return OK;
      },
    });
    for (let i = 1; i <= MAX_EOS_CAMERAS + 1; i++) {
      watch.heard(alive(`10.0.0.${i}`), `10.0.0.${i}`);
    }
    assertEquals(calls.length, MAX_EOS_CAMERAS);
    assertEquals(log.events.filter((e) => e.event === "eos-ignored").map((e) => e.ip), [
      `10.0.0.${MAX_EOS_CAMERAS + 1}`,
    ]);
    release();
    await watch.stop();
  });
});

Deno.test("a schedule ends early: a byebye, failures in a row, a camera that just left", async (t) => {
  await t.step("a byebye while a fetch is out: no more fetches, nothing made ready", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => release = r);
    const { watch, log, calls, ready } = harness({
      exchange: async (hostname, port, request) => {
        calls.push({ hostname, port, request: decoder.decode(request) });
        await held;
        return OK;
      },
    });
    watch.heard(alive("10.0.0.9"), "10.0.0.9");
    watch.heard(byebye, "10.0.0.9");
    release();
    await watch.stop();
    assertEquals(calls.length, 1);
    assertEquals(ready, []);
    assertEquals(log.events, [
      { event: "eos-fetches-done", ip: "10.0.0.9", reason: "byebye", fetches: 0 },
    ]);
  });

  await t.step("two failures in a row end it, each one said", async () => {
    const { watch, log, ready } = harness({}, () => ({
      head: "HTTP/1.1 503 Service Unavailable",
      body: new Uint8Array(),
    }));
    watch.heard(alive("10.0.0.9"), "10.0.0.9");
    await log.next("the schedule's end", done("10.0.0.9"));
    await watch.stop();
    assertEquals(ready, []);
    assertEquals(log.events.map((e) => e.event), [
      "eos-fetch-failed",
      "eos-fetch-failed",
      "eos-fetches-done",
    ]);
    assertEquals((log.events.at(-1) as { reason: string }).reason, "failures");
  });

  await t.step("an address that fails again after its cooldown is cooled down again", async () => {
    const clock = new FakeClock();
    const { watch, log, calls } = harness(
      { clock, failedCooldownMs: 1000 },
      () => ({ head: "HTTP/1.1 503 Service Unavailable", body: new Uint8Array() }),
    );
    // Two failed fetches, the second due 1 ms after the first: the cooldown starts with the second.
    const failures = async (what: string) => {
      log.events.length = 0;
      watch.heard(alive("10.0.0.9"), "10.0.0.9");
      await log.next(`${what}: the first failure`, (e) => e.event === "eos-fetch-failed");
      clock.advance(1);
      await log.next(what, done("10.0.0.9"));
    };
    await failures("the first schedule's end");
    assertEquals(calls.length, 2);
    clock.advance(1000);
    await failures("the schedule's end after the first cooldown");
    assertEquals(calls.length, 4);
    clock.advance(1);
    watch.heard(alive("10.0.0.9"), "10.0.0.9");
    await watch.stop();
    assertEquals(calls.length, 4, "GETs during the second cooldown");
  });

  await t.step("a camera that may not be ready yet (it just left) is fetched no more", async () => {
    const { watch, log, calls } = harness({ fetched: () => false });
    watch.heard(alive("10.0.0.9"), "10.0.0.9");
    await log.next("the schedule's end", done("10.0.0.9"));
    await watch.stop();
    assertEquals(calls.length, 1);
    assertEquals((log.events.at(-1) as { reason: string }).reason, "left moments ago");
  });
});

/** A search socket whose sends the test reads and whose answers it hands in. */
class FakeSearchSocket {
  readonly sent: { text: string; to: Deno.NetAddr }[] = [];
  #deliver?: (d: [Uint8Array<ArrayBuffer>, Deno.Addr]) => void;
  #fail?: (e: Error) => void;
  closed = false;

  receive(): Promise<[Uint8Array<ArrayBuffer>, Deno.Addr]> {
    if (this.closed) return Promise.reject(new Deno.errors.BadResource("closed"));
    return new Promise((resolve, reject) => {
      this.#deliver = resolve;
      this.#fail = reject;
    });
  }

  send(bytes: Uint8Array, to: Deno.Addr): Promise<number> {
    this.sent.push({ text: decoder.decode(bytes), to: to as Deno.NetAddr });
    return Promise.resolve(bytes.length);
  }

  answer(lines: string[], hostname: string): void {
    const bytes = encoder.encode([...lines, "", ""].join("\r\n"));
    this.#deliver?.([bytes, { transport: "udp", hostname, port: 1900 }]);
  }

  close(): void {
    this.closed = true;
    this.#fail?.(new Deno.errors.BadResource("closed"));
  }
}

Deno.test("the start-up search asks each served address once, and its answers are fetched", async () => {
  const sockets = new Map<string, FakeSearchSocket>();
  const { watch, log, ready } = harness({
    openSearchSocket: (address) => {
      const socket = new FakeSearchSocket();
      sockets.set(address, socket);
      return socket;
    },
  });
  watch.searchFrom(["127.0.0.1", "10.0.0.1"]);
  watch.searchFrom(["10.0.0.1"]);
  assertEquals([...sockets.keys()], ["10.0.0.1"], "loopback is never searched; each address once");
  const socket = sockets.get("10.0.0.1")!;
  await log.next("the search", (e) => e.event === "eos-search");
  assertEquals(socket.sent, [{
    text: EOS_SEARCH,
    to: { transport: "udp", hostname: "239.255.255.250", port: 1900 },
  }]);
  socket.answer([
    "HTTP/1.1 200 OK",
    "CACHE-CONTROL: max-age=1800",
    `LOCATION: ${location("10.0.0.9")}`,
    `ST: ${EOS_SERVICE_TYPE}`,
  ], "10.0.0.9");
  await log.next("the schedule's end", done("10.0.0.9"));
  await watch.stop();
  assertEquals(ready, ["10.0.0.9 Canon EOS 6D"]);
  assert(socket.closed, "the search socket is closed by the stop");
});

Deno.test("an address the served list names twice (two interfaces, one address) is searched once", async () => {
  const opened: string[] = [];
  const { watch, log } = harness({
    openSearchSocket: (address) => {
      opened.push(address);
      return new FakeSearchSocket();
    },
  });
  watch.searchFrom(["10.0.0.1", "10.0.0.1"]);
  await log.next("the search", (e) => e.event === "eos-search");
  await watch.stop();
  assertEquals(opened, ["10.0.0.1"]);
  assertEquals(log.events.filter((e) => e.event === "eos-search").length, 1);
});

Deno.test("issue 22, item 4: a forged NOTIFY cannot aim the fetch, nor make a web server a camera", async (t) => {
  const plan = { intervalMs: 1, maxFetches: 10, maxFailures: 2 };
  const webXml: RawResponse = {
    head: "HTTP/1.1 200 OK\r\nContent-Type: text/xml",
    body: encoder.encode("<config><admin>done</admin></config>"),
  };

  await t.step("a LOCATION at another port and an admin path gets no GET at all", async () => {
    const { watch, log, calls, ready } = harness({ plan }, () => webXml);
    const admin = "http://10.0.0.20:8080/cgi-bin/admin.cgi?action=factory_reset";
    watch.heard(alive("10.0.0.20", admin), "10.0.0.20");
    // Whatever happens is over once it is refused, or once its schedule ended.
    await log.next(
      "its refusal or its schedule's end",
      (e) => done("10.0.0.20")(e) || (e.event === "eos-ignored" && e.ip === "10.0.0.20"),
    );
    await watch.stop();
    assertEquals(calls.length, 0, "GETs of the admin URL");
    assertEquals(ready, []);
  });

  await t.step(
    "a host answering XML that is no Canon camera's: never ready, fetched once",
    async () => {
      const { watch, log, calls, ready } = harness({ plan }, () => webXml);
      watch.heard(alive("10.0.0.21"), "10.0.0.21");
      await log.next("the schedule's end", done("10.0.0.21"));
      await watch.stop();
      assertEquals(ready, [], "called a camera");
      assertEquals(calls.length, 1, "GETs of a host that is no camera");
    },
  );
});

Deno.test("issue 22, item 5: 8 silent forged announcers do not keep a real 6D from being fetched", async () => {
  const SIX_D = "10.0.0.60";
  // The forged senders are silent hosts: their fetches hang (a connect timeout) until the test
  // lets them fail, so all 8 slots are held when the 6D announces its one time.
  let release!: () => void;
  const held = new Promise<void>((r) => release = r);
  const quiet: string[] = [];
  setupLogging("quiet", "text", (line) => quiet.push(line));
  const calls: Call[] = [];
  const { watch, log, ready } = harness(
    {
      plan: { intervalMs: 1, maxFetches: 3, maxFailures: 2 },
      exchange: async (hostname, port, request) => {
        calls.push({ hostname, port, request: decoder.decode(request) });
        if (hostname === SIX_D) return OK;
        await held;
        throw new Error("connection timed out");
      },
    },
    undefined,
    logEvent,
  );
  for (let i = 1; i <= 8; i++) watch.heard(alive(`10.0.0.${i}`), `10.0.0.${i}`);
  watch.heard(alive(SIX_D), SIX_D);
  release();
  for (let i = 1; i <= 8; i++) await log.next("a forged one's end", done(`10.0.0.${i}`));
  const sixD = () => calls.filter((c) => c.hostname === SIX_D).length;
  try {
    await log.next("the 6D's fetches", done(SIX_D));
  } finally {
    // The figures, whatever happened: how often the 6D was asked, and what -q showed of the full table.
    console.log(
      `requests to the 6D: ${sixD()}; -q lines about the full table: ${
        quiet.filter((l) => l.includes(SIX_D)).length
      }`,
    );
  }
  assertEquals(ready, [`${SIX_D} Canon EOS 6D`]);
  assert(quiet.some((l) => l.includes(SIX_D)), "the full table is said under -q");
  // A forged address that failed is cooled down: announcing again brings no fetch.
  const before = calls.length;
  for (let i = 1; i <= 8; i++) watch.heard(alive(`10.0.0.${i}`), `10.0.0.${i}`);
  await watch.stop();
  assertEquals(calls.length - before, 0, "GETs of failed addresses announcing again");
});

Deno.test("issue 22, item 6: 20,000 forged NOTIFYs from rotating sources make a bounded number of lines", async () => {
  const lines: string[] = [];
  setupLogging("quiet", "text", (line) => lines.push(line));
  const clock = new FakeClock();
  const { watch, calls } = harness(
    {
      enabled: false,
      serves: () => true,
      clock,
    },
    undefined,
    logEvent,
  );
  // 2000 a second for 10 seconds, each from another address.
  for (let i = 0; i < 20_000; i++) {
    if (i % 2000 === 0 && i > 0) clock.advance(1000);
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    watch.heard(alive(ip), ip);
  }
  await watch.stop();
  console.log(`20,000 forged NOTIFYs with -q: ${lines.length} lines`);
  assertEquals(calls.length, 0);
  // The budget's burst, a line a second after it, and the summaries: far from one a datagram.
  assert(lines.length <= 50, `${lines.length} lines`);
  assertMatch(lines.at(-1)!, /more EOS lines \(warnings\) in .* from \d+ sources/);
  assertMatch(lines[0], /an EOS camera at 10\.0\.0\.0 announces itself/);
});

Deno.test("a forged path that failed at a camera's address does not cool the camera's own announcement down", async () => {
  const calls: Call[] = [];
  const { watch, log, ready } = harness({
    exchange: (hostname, port, request) => {
      const text = decoder.decode(request);
      calls.push({ hostname, port, request: text });
      return Promise.resolve(
        text.startsWith("GET /upnp/CameraDevDesc.xml ")
          ? OK
          : { head: "HTTP/1.1 404 Not Found", body: new Uint8Array() },
      );
    },
  });
  watch.heard(alive("10.0.0.9", "http://10.0.0.9:49152/upnp/Nope.xml"), "10.0.0.9");
  await log.next("the forged schedule's end", done("10.0.0.9"));
  watch.heard(alive("10.0.0.9"), "10.0.0.9");
  await log.next("the camera's schedule", (e) => e.event === "eos-fetch");
  await watch.stop();
  assertEquals(ready, ["10.0.0.9 Canon EOS 6D"]);
});

Deno.test(`past ${MAX_EOS_WAITING} waiting, an announcement is dropped with a warning`, async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => release = r);
  const calls: Call[] = [];
  const { watch, log } = harness({
    serves: () => true,
    // Room for every line: this test counts them, another one tests the budget.
    lineBudget: { perSecond: 1, burst: 100 },
    exchange: async (hostname, port, request) => {
      calls.push({ hostname, port, request: decoder.decode(request) });
      await held;
      return OK;
    },
  });
  const total = MAX_EOS_CAMERAS + MAX_EOS_WAITING + 1;
  for (let i = 1; i <= total; i++) watch.heard(alive(`10.0.1.${i}`), `10.0.1.${i}`);
  const busy = log.events.filter((e) => e.event === "eos-ignored" && e.busy === true);
  assertEquals(busy.length, MAX_EOS_WAITING + 1);
  assertMatch((busy.at(-1) as { reason: string }).reason, /dropped/);
  release();
  await watch.stop();
  assertEquals(calls.length, MAX_EOS_CAMERAS);
});
