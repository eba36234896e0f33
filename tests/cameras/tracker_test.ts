// The camera state machine: searched, fetched (pairing), present (ready), gone — one event per
// transition, never per packet.

import {
  cameraName,
  CameraTracker,
  MAX_NAME_LENGTH,
  presenceOf,
  REARM_COOLDOWN_MS,
} from "../../lib/cameras/tracker.ts";
import { CAMERA_USN, OWN_UUID, ssdpMessage as message } from "../support/ssdp.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { FakeClock } from "../support/clock.ts";

const alive = (usn = CAMERA_USN, maxAge = 1800) =>
  message([
    "NOTIFY * HTTP/1.1",
    "HOST: 239.255.255.250:1900",
    `CACHE-CONTROL: max-age=${maxAge}`,
    "NT: upnp:rootdevice",
    "NTS: ssdp:alive",
    "SERVER: Canon Camera/1.0 UPnP/1.0",
    `USN: ${usn}`,
  ]);
/** A generic UPnP device's answer: no Canon trait. */
const generic = message([
  "HTTP/1.1 200 OK",
  "ST: upnp:rootdevice",
  "USN: uuid:4d696e69-444c-164e-9d41-b827eb5a0e01::upnp:rootdevice",
  "SERVER: Linux/6.1 UPnP/1.0 MiniDLNA/1.3.0",
]);
const byebye = message(["NOTIFY * HTTP/1.1", "NTS: ssdp:byebye", `USN: ${CAMERA_USN}`]);
const answer = message([
  "HTTP/1.1 200 OK",
  "ST: upnp:rootdevice",
  `USN: ${CAMERA_USN}`,
  "Server: Canon EOS M50",
]);

function harness(options: { anyDevice?: boolean; capacity?: number } = {}) {
  const clock = new FakeClock();
  const events: string[] = [];
  const tracker = new CameraTracker({
    capacity: 3,
    ...options,
    ownUuid: OWN_UUID,
    clock,
    pairingTimeoutMs: 60_000,
    events: {
      probe: (c) => events.push(`probe ${c.ip}`),
      pairing: (c) => events.push(`pairing ${c.ip}`),
      ready: (c, via) => events.push(`ready ${c.ip} ${via} ${cameraName(c)}`),
      gone: (c, reason) => events.push(`gone ${c.ip} ${reason}`),
      notCamera: (c) => events.push(`not a camera ${c.ip}`),
      changed: () => events.push("changed"),
    },
  });
  return { tracker, events, advance: (ms: number) => clock.advance(ms) };
}

Deno.test("presenceOf reads NOTIFY alive/byebye and search answers, nothing else", () => {
  assertEquals(presenceOf(alive()), {
    kind: "alive",
    usn: CAMERA_USN,
    server: "Canon Camera/1.0 UPnP/1.0",
    type: "upnp:rootdevice",
    maxAgeSeconds: 1800,
  });
  assertEquals(presenceOf(byebye)?.kind, "byebye");
  assertEquals(presenceOf(answer)?.kind, "answer");
  assertEquals(presenceOf(answer)?.maxAgeSeconds, undefined);
  assertEquals(presenceOf(message(["HTTP/1.1 404 Not Found"])), undefined);
  assertEquals(presenceOf(message(["NOTIFY * HTTP/1.1", "NTS: ssdp:propchange"])), undefined);
  assertEquals(presenceOf(message(["M-SEARCH * HTTP/1.1", "ST: ssdp:all"])), undefined);
});

Deno.test("header values are cleaned and bounded; absent or empty ones are undefined", () => {
  const hostile = presenceOf(message([
    "HTTP/1.1 200 OK",
    "ST: upnp:rootdevice",
    "SERVER: Canon\x1b[31m EOS\u0007 ",
    `USN: uuid:${"x".repeat(500)}`,
  ]));
  assertEquals(hostile?.server, "Canon[31m EOS");
  assertEquals(hostile?.usn?.length, MAX_NAME_LENGTH);
  assertEquals(MAX_NAME_LENGTH, 200);
  const bare = presenceOf(message(["HTTP/1.1 200 OK", "ST: upnp:rootdevice", "SERVER: \u200b "]));
  assertEquals(bare?.server, undefined, "nothing readable is left");
  assertEquals(bare?.usn, undefined, "absent");
  assertEquals(cameraName({ userAgent: "UA" }), "UA");
  assertEquals(cameraName({ server: "S", userAgent: "UA" }), "S");
});

Deno.test("a camera goes searching, pairing, ready, gone and ready again", async (t) => {
  const { tracker, events, advance } = harness();

  await t.step("a search alone is no camera yet; its NOTIFY is not followed", () => {
    tracker.searched("10.0.0.2", "Camera UA/1.0");
    tracker.heard(alive(), "10.0.0.2");
    assertEquals(events, []);
    assertEquals(tracker.active, []);
  });

  await t.step("the fetch makes it pairing and asks once for its presence", () => {
    tracker.fetched("10.0.0.2");
    tracker.fetched("10.0.0.2");
    assertEquals(events.splice(0), ["pairing 10.0.0.2", "changed", "probe 10.0.0.2"]);
    assertEquals(tracker.active.map((c) => [c.ip, c.state]), [["10.0.0.2", "pairing"]]);
  });

  await t.step("our own NOTIFY echoing back is not the camera's", () => {
    tracker.heard(alive(`uuid:${OWN_UUID.toUpperCase()}::upnp:rootdevice`), "10.0.0.2");
    assertEquals(events, []);
  });

  await t.step("its NOTIFY makes it ready once; repeats and its answer change nothing", () => {
    tracker.heard(alive(), "10.0.0.2");
    tracker.heard(alive(), "10.0.0.2");
    tracker.heard(answer, "10.0.0.2");
    assertEquals(events.splice(0), ["ready 10.0.0.2 alive Canon Camera/1.0 UPnP/1.0", "changed"]);
    assertEquals(tracker.get("10.0.0.2")?.usn, CAMERA_USN);
  });

  await t.step("byebye makes it gone; ready again only after a fresh fetch and a cooldown", () => {
    tracker.heard(byebye, "10.0.0.2");
    tracker.heard(byebye, "10.0.0.2");
    assertEquals(events.splice(0), ["gone 10.0.0.2 byebye", "changed"]);
    assertEquals(tracker.active, []);
    // Forged alive/byebye pairs from its address run nothing: it must fetch again first.
    for (let i = 0; i < 50; i++) {
      tracker.heard(answer, "10.0.0.2");
      tracker.heard(byebye, "10.0.0.2");
    }
    assertEquals(events, []);
    tracker.fetched("10.0.0.2");
    assertEquals(events.splice(0), ["pairing 10.0.0.2", "changed", "probe 10.0.0.2"]);
    tracker.heard(answer, "10.0.0.2");
    assertEquals(events, [], "not within the cooldown");
    advance(REARM_COOLDOWN_MS);
    tracker.heard(answer, "10.0.0.2");
    assertEquals(events.splice(0), ["ready 10.0.0.2 answer Canon EOS M50", "changed"]);
  });

  await t.step("a ready camera not heard within its max-age expires on the sweep", () => {
    tracker.heard(alive(CAMERA_USN, 60), "10.0.0.2");
    advance(59_000);
    tracker.sweep();
    assertEquals(events, []);
    advance(1_000);
    tracker.sweep();
    assertEquals(events.splice(0), ["gone 10.0.0.2 expired", "changed"]);
  });

  await t.step("a fetch again is a reconnect: pairing, asked once again for its presence", () => {
    tracker.fetched("10.0.0.2");
    tracker.fetched("10.0.0.2");
    assertEquals(events.splice(0), ["pairing 10.0.0.2", "changed", "probe 10.0.0.2"]);
  });

  await t.step("a pairing camera silent past the timeout is gone", () => {
    advance(60_000);
    tracker.sweep();
    assertEquals(events.splice(0), ["gone 10.0.0.2 silent", "changed"]);
  });
});

Deno.test("the tracker forgets the least recently seen camera when full", () => {
  const { tracker, events } = harness();
  for (const ip of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) tracker.fetched(ip);
  tracker.searched("10.0.0.1", undefined);
  // Searches alone never push out a camera that fetched the description (issue 22, item 1) ...
  tracker.searched("10.0.0.4", undefined);
  assert(tracker.get("10.0.0.2")?.fetched);
  assert(tracker.get("10.0.0.4"), "a searcher is remembered too, apart");
  // ... another camera's fetch does: the least recently seen one goes.
  tracker.fetched("10.0.0.5");
  assertEquals(tracker.get("10.0.0.2"), undefined);
  assert(tracker.get("10.0.0.1") && tracker.get("10.0.0.3") && tracker.get("10.0.0.5"));
  events.length = 0;
  tracker.heard(alive(), "10.0.0.2");
  assertEquals(events, [], "a forgotten camera must fetch again to be followed");
});

/** `count` searches from distinct on-LAN addresses, spread over `ms` of the harness's clock. */
function forgedSearches(
  tracker: CameraTracker,
  advance: (ms: number) => void,
  count: number,
  ms: number,
  subnet = "10.0.1",
): void {
  for (let i = 0; i < count; i++) {
    tracker.searched(`${subnet}.${(i % 250) + 1}`, "forged");
    advance(ms / count);
  }
}

Deno.test("100 forged searches in 0.5 s do not push out a camera that fetched the description", () => {
  const { tracker, events, advance } = harness({ capacity: 64 });
  tracker.searched("10.0.0.2", "Camera UA/1.0");
  tracker.fetched("10.0.0.2");
  forgedSearches(tracker, advance, 100, 500);
  events.length = 0;
  tracker.heard(alive(), "10.0.0.2");
  assertEquals(events, ["ready 10.0.0.2 alive Canon Camera/1.0 UPnP/1.0", "changed"]);
  assertEquals(
    tracker.get("10.0.0.2")?.userAgent,
    "Camera UA/1.0",
    "what it searched with is kept",
  );
});

Deno.test("the re-arm cooldown outlives the entry: search/GET/alive/byebye loops are ready once per cooldown", () => {
  const { tracker, events, advance } = harness({ capacity: 64 });
  // One address cycles as fast as it likes while forged searches from others try to push it out.
  for (let cycle = 0; cycle < 32; cycle++) {
    tracker.searched("10.0.0.66", undefined);
    tracker.fetched("10.0.0.66");
    tracker.heard(alive(), "10.0.0.66");
    tracker.heard(byebye, "10.0.0.66");
    forgedSearches(tracker, advance, 100, 700);
  }
  const readies = events.filter((e) => e.startsWith("ready 10.0.0.66")).length;
  // 32 cycles of 0.7 s = 22.4 s: one ready, the cooldown of 30 s covers the rest.
  assertEquals(readies, 1);
});

Deno.test("cameras that fetched are bounded apart: one that left goes first, its cooldown stays", () => {
  const { tracker, events, advance } = harness();
  for (const ip of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) tracker.fetched(ip);
  tracker.heard(alive(), "10.0.0.2");
  tracker.heard(byebye, "10.0.0.2");
  // A fourth camera's fetch forgets the one that left, though it was seen last.
  tracker.fetched("10.0.0.4");
  assertEquals(tracker.get("10.0.0.2"), undefined);
  assert(tracker.follows("10.0.0.1") && tracker.follows("10.0.0.3"));
  // Back as a new entry, it is still within its cooldown.
  events.length = 0;
  tracker.fetched("10.0.0.2");
  tracker.heard(alive(), "10.0.0.2");
  assert(tracker.coolingDown("10.0.0.2"));
  assertEquals(events.filter((e) => e.startsWith("ready")), []);
  advance(REARM_COOLDOWN_MS);
  tracker.heard(alive(), "10.0.0.2");
  assertEquals(events.filter((e) => e.startsWith("ready")), [
    "ready 10.0.0.2 alive Canon Camera/1.0 UPnP/1.0",
  ]);
});

Deno.test("only a Canon camera is a camera", async (t) => {
  const { tracker, events } = harness();

  await t.step(
    "a generic UPnP device that fetched the description is said once, never ready",
    () => {
      tracker.fetched("10.0.0.7");
      events.length = 0;
      tracker.heard(generic, "10.0.0.7");
      tracker.heard(generic, "10.0.0.7");
      assertEquals(events, ["not a camera 10.0.0.7"]);
      assertEquals(tracker.get("10.0.0.7")?.state, "pairing");
    },
  );

  await t.step("Canon's Server header or service type makes a camera, whatever its USN", () => {
    tracker.fetched("10.0.0.8");
    events.length = 0;
    tracker.heard(
      message([
        "HTTP/1.1 200 OK",
        "ST: urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1",
        "USN: uuid:anything::urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1",
        "SERVER: Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0",
      ]),
      "10.0.0.8",
    );
    assertEquals(events, ["ready 10.0.0.8 answer Canon camera", "changed"]);
  });
});

Deno.test("--on-camera-any: any device that fetched and answered is ready, as before", () => {
  const { tracker, events } = harness({ anyDevice: true });
  tracker.fetched("10.0.0.7");
  events.length = 0;
  tracker.heard(generic, "10.0.0.7");
  assertEquals(events, ["ready 10.0.0.7 answer Linux/6.1 UPnP/1.0 MiniDLNA/1.3.0", "changed"]);
});

Deno.test("an EOS camera we fetched is ready once, by its model, and leaves by byebye", async (t) => {
  const { tracker, events, advance } = harness();
  const details = { model: "Canon EOS 6D", usn: CAMERA_USN, maxAgeSeconds: 60 };

  await t.step("the first successful fetch makes it ready, named by its model", () => {
    assert(tracker.eosFetched("10.0.0.9", details));
    assertEquals(events, ["ready 10.0.0.9 eos-fetch Canon EOS 6D", "changed"]);
    const camera = tracker.get("10.0.0.9")!;
    assertEquals([camera.flow, camera.model, camera.state], ["eos", "Canon EOS 6D", "ready"]);
  });

  await t.step("later fetches keep it armed without a second ready", () => {
    events.length = 0;
    assert(tracker.eosFetched("10.0.0.9", details));
    assertEquals(events, []);
  });

  await t.step("its NOTIFYs are followed: a byebye makes it gone", () => {
    assert(tracker.follows("10.0.0.9"));
    tracker.heard(byebye, "10.0.0.9");
    assertEquals(events, ["gone 10.0.0.9 byebye", "changed"]);
  });

  await t.step("within the cooldown it is not fetched into ready again; after it, it is", () => {
    events.length = 0;
    assert(tracker.coolingDown("10.0.0.9"));
    assertEquals(tracker.eosFetched("10.0.0.9", details), false);
    assertEquals(events, []);
    advance(REARM_COOLDOWN_MS);
    assert(!tracker.coolingDown("10.0.0.9"));
    assert(tracker.eosFetched("10.0.0.9", details));
    assertEquals(events, ["ready 10.0.0.9 eos-fetch Canon EOS 6D", "changed"]);
  });

  await t.step("its max-age comes from its announcement", () => {
    events.length = 0;
    advance(60_000);
    tracker.sweep();
    assertEquals(events, ["gone 10.0.0.9 expired", "changed"]);
  });
});
