// The camera side end to end without a network: searches, fetches and SSDP presence fed to the watch
// as the responder and the description server would, the hook spawned by a fake. Forged traffic from
// other on-LAN addresses must not keep a real camera from being ready or its hook from running
// (issue 22, items 1 and 2).

import { HOOK_RUNS_PER_MINUTE } from "../../lib/cameras/hook_runner.ts";
import { CameraWatch } from "../../lib/cameras/watch.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { fakeSpawn } from "../support/fake_spawn.ts";
import { CAMERA_USN, ssdpMessage as message } from "../support/ssdp.ts";
import { TEST_UUID } from "../support/uuid.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { Waiters } from "../../lab/waiters.ts";
import { FakeClock } from "../support/clock.ts";

const alive = message([
  "NOTIFY * HTTP/1.1",
  "HOST: 239.255.255.250:1900",
  "CACHE-CONTROL: max-age=1800",
  "NT: upnp:rootdevice",
  "NTS: ssdp:alive",
  "SERVER: Canon Camera/1.0 UPnP/1.0",
  `USN: ${CAMERA_USN}`,
]);
const byebye = message(["NOTIFY * HTTP/1.1", "NTS: ssdp:byebye", `USN: ${CAMERA_USN}`]);

function harness() {
  const clock = new FakeClock(1_000_000);
  const events: ServeEvent[] = [];
  const waiters = new Waiters();
  const watch = new CameraWatch({
    ownUuid: TEST_UUID,
    clock,
    ssdpPort: 1900,
    onCamera: ["/bin/true", "{ip}"],
    probePtpip: false,
    // The presence search is never due within a test; stop cancels it.
    presenceSearchDelayMs: 3_600_000,
    send: () => Promise.resolve(),
    spawn: fakeSpawn,
    emit: (event) => {
      events.push(event);
      waiters.wake();
    },
  });
  const count = (name: string, ip: string) =>
    events.filter((e) => e.event === name && "ip" in e && e.ip === ip).length;
  /** Resolves once every started run has exited. */
  const idle = () =>
    waiters.until(
      () =>
        events.filter((e) => e.event === "hook-start").length ===
          events.filter((e) => e.event === "hook-exit").length,
      "every started hook run's exit",
      5000,
    );
  /** `count` searches from distinct on-LAN addresses over `ms` of the clock. */
  const forgedSearches = (count: number, ms: number) => {
    for (let i = 0; i < count; i++) {
      watch.searched(`10.0.1.${(i % 250) + 1}`, "forged");
      clock.advance(ms / count);
    }
  };
  /** Moves the clock on, running the timers that fall due. */
  const advance = (ms: number) => clock.advance(ms);
  /** A camera that searches, fetches and announces itself. */
  const pair = (ip: string) => {
    watch.searched(ip, "Camera UA/1.0");
    watch.fetched(ip);
    watch.heard(alive, ip);
  };
  return { watch, events, count, idle, forgedSearches, advance, pair };
}

Deno.test("100 forged searches in 0.5 s: the camera that fetched is still ready and its hook runs", async () => {
  const { watch, count, idle, forgedSearches } = harness();
  watch.searched("10.0.0.2", "Camera UA/1.0");
  watch.fetched("10.0.0.2");
  forgedSearches(100, 500);
  assert(watch.wants("10.0.0.2"), "its presence is still followed");
  watch.heard(alive, "10.0.0.2");
  await idle();
  assertEquals([count("camera-ready", "10.0.0.2"), count("hook-start", "10.0.0.2")], [1, 1]);
  await watch.stop();
});

Deno.test("one address looping search/GET/alive/byebye cannot spend the hook limit of the camera pairing next", async () => {
  const { watch, events, count, idle, forgedSearches } = harness();
  // 32 cycles of 0.7 s, each followed by forged searches from 100 other addresses.
  for (let cycle = 0; cycle < 32; cycle++) {
    watch.searched("10.0.0.66", undefined);
    watch.fetched("10.0.0.66");
    watch.heard(alive, "10.0.0.66");
    watch.heard(byebye, "10.0.0.66");
    await idle();
    forgedSearches(100, 700);
  }
  const spent = count("hook-start", "10.0.0.66");
  watch.searched("10.0.0.2", "Camera UA/1.0");
  watch.fetched("10.0.0.2");
  watch.heard(alive, "10.0.0.2");
  await idle();
  const refused = events.filter((e) => e.event === "hook-error").map((e) => JSON.stringify(e));
  assertEquals(
    { spent, ready: count("camera-ready", "10.0.0.2"), ran: count("hook-start", "10.0.0.2") },
    { spent: 1, ready: 1, ran: 1 },
    refused.join("\n"),
  );
  await watch.stop();
});

Deno.test("a camera whose hook met the cap runs it once the minute allows; one that left meanwhile does not", async () => {
  const { watch, events, count, idle, advance, pair } = harness();
  for (let i = 1; i <= HOOK_RUNS_PER_MINUTE; i++) {
    pair(`10.0.2.${i}`);
    advance(1000);
  }
  await idle();
  pair("10.0.0.2");
  pair("10.0.0.3");
  assertEquals(
    events.filter((e) => e.event === "hook-deferred").map((e) => "ip" in e && e.ip),
    ["10.0.0.2", "10.0.0.3"],
  );
  assertEquals(count("hook-error", "10.0.0.2"), 0);
  watch.heard(byebye, "10.0.0.3");
  // The first run of the minute started 30 s ago; the second 29 s ago.
  advance(30_000);
  await idle();
  assertEquals([count("hook-start", "10.0.0.2"), count("hook-start", "10.0.0.3")], [1, 0]);
  advance(60_000);
  await idle();
  assertEquals(count("hook-start", "10.0.0.3"), 0, "it left before its turn");
  await watch.stop();
});
