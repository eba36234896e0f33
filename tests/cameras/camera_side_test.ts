// The camera side with --eos when the XML parser (an npm package loaded on first use) cannot load:
// the helper must go on, say so in one line, and fetch no EOS camera; with it, cameras are fetched.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { cameraSide } from "../../lib/cameras/camera_side.ts";
import { EOS_SERVICE_TYPE } from "../../lib/cameras/eos_type.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { eventRecorder } from "../support/events.ts";
import { eosAlive as alive } from "../support/ssdp.ts";
import { TEST_UUID } from "../support/uuid.ts";

const encoder = new TextEncoder();

const DESCRIPTION = encoder.encode(
  `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device>` +
    `<friendlyName>EOS6D</friendlyName><modelName>Canon EOS 6D</modelName></device></root>`,
);

/**
 * The camera side with `--eos` over `loadXmlParser`, its fetches recorded, and its start-up searches:
 * each sent one is answered once by an EOS body at 10.0.0.9.
 */
function side(loadXmlParser: () => Promise<unknown>) {
  const log = eventRecorder();
  const exchanges: string[] = [];
  const searches: string[] = [];
  const side = cameraSide({
    emit: log.emit,
    ownUuid: TEST_UUID,
    ssdpPort: 1900,
    probePtpip: false,
    send: () => Promise.resolve(),
    exchange: (hostname) => {
      exchanges.push(hostname);
      return Promise.resolve({
        head: "HTTP/1.1 200 OK\r\nContent-Type: text/xml",
        body: DESCRIPTION,
      });
    },
    loadXmlParser,
    eos: {
      enabled: true,
      serves: () => true,
      openSearchSocket: (address) => {
        let answer!: (datagram: [Uint8Array<ArrayBuffer>, Deno.Addr]) => void;
        let close!: (error: Error) => void;
        const answered = new Promise<[Uint8Array<ArrayBuffer>, Deno.Addr]>((r) => answer = r);
        const closed = new Promise<never>((_, reject) => close = reject);
        let receives = 0;
        return {
          receive: () => Promise.race([receives++ === 0 ? answered : closed, closed]),
          send: (bytes) => {
            searches.push(address);
            answer([encoder.encode(SEARCH_ANSWER), ANSWERER]);
            return Promise.resolve(bytes.length);
          },
          close: () => close(new Deno.errors.BadResource("closed")),
        };
      },
    },
  });
  return { side, log, exchanges, searches };
}

const ANSWERER: Deno.NetAddr = { transport: "udp", hostname: "10.0.0.9", port: 1900 };
const SEARCH_ANSWER = [
  "HTTP/1.1 200 OK",
  "CACHE-CONTROL: max-age=1800",
  "LOCATION: http://10.0.0.9:49152/upnp/CameraDevDesc.xml",
  `ST: ${EOS_SERVICE_TYPE}`,
  `USN: uuid:00000000-0000-0000-0001-A0B1C2D3E4F6::${EOS_SERVICE_TYPE}`,
  "",
  "",
].join("\r\n");

const isUnavailable = (e: ServeEvent) => e.event === "eos-unavailable";

Deno.test("camera side: with --eos a failed XML parser load at start is one line, and no camera is fetched", async () => {
  let loads = 0;
  const t = side(() => {
    loads++;
    return Promise.reject(new TypeError('Import "saxes" not a dependency'));
  });
  t.side.start();
  await t.log.next("the parser unavailable", isUnavailable);
  t.side.heard(alive("10.0.0.9"), "10.0.0.9");
  t.side.heard(alive("10.0.0.9"), "10.0.0.9");
  t.side.heard(alive("10.0.0.10"), "10.0.0.10");
  t.side.searched("10.0.0.11", "Canon");
  await t.side.stop();
  assertEquals(loads, 1, "loaded once, at start");
  assertEquals(t.exchanges, [], "no camera is fetched: its description could not be read");
  const eos = t.log.events.filter((e) => e.event.startsWith("eos-"));
  assertEquals(eos.length, 1, JSON.stringify(eos));
  assertMatch(JSON.stringify(eos[0]), /saxes/);
});

Deno.test("camera side: an announcement heard while the parser loads waits for it, then is skipped when it fails", async () => {
  let fail!: (e: Error) => void;
  const t = side(() => new Promise((_, reject) => fail = reject));
  t.side.start();
  t.side.heard(alive("10.0.0.9"), "10.0.0.9");
  fail(new Error("no network to fetch npm:saxes"));
  await t.log.next("the parser unavailable", isUnavailable);
  await t.side.stop();
  assertEquals(t.exchanges, []);
  assertEquals(t.log.events.filter((e) => e.event.startsWith("eos-")).length, 1);
});

Deno.test("camera side: with the parser loaded, an announcing camera is fetched and ready", async () => {
  let loads = 0;
  const t = side(() => (loads++, import("../../lib/description/reader.ts")));
  t.side.heard(alive("10.0.0.9"), "10.0.0.9");
  await t.log.next("a fetch", (e) => e.event === "eos-fetch");
  await t.side.stop();
  assertEquals(loads, 1);
  assertEquals(t.exchanges, ["10.0.0.9"]);
  assert(!t.log.events.some(isUnavailable));
});

Deno.test("camera side: with a failed parser load no start-up search is sent, so no answer is fetched", async () => {
  const t = side(() => Promise.reject(new TypeError('Import "saxes" not a dependency')));
  t.side.searchFrom(["10.0.0.1"]);
  await t.log.next("the parser unavailable", isUnavailable);
  await t.side.stop();
  assertEquals(t.searches, []);
  assertEquals(t.exchanges, []);
  assertEquals(t.log.events.filter((e) => e.event.startsWith("eos-")).map((e) => e.event), [
    "eos-unavailable",
  ]);
});

Deno.test("camera side: with the parser loaded, the start-up search goes out and its answer is fetched", async () => {
  const t = side(() => import("../../lib/description/reader.ts"));
  t.side.searchFrom(["10.0.0.1"]);
  await t.log.next("a fetch", (e) => e.event === "eos-fetch");
  await t.side.stop();
  assertEquals(t.searches, ["10.0.0.1"]);
  assertEquals(t.exchanges[0], "10.0.0.9");
});

/**
 * The real failure, in a child on an empty cache that may not download (`--cached-only`, as on the
 * camera's access point after a fresh install: the dynamic import of the parser rejects): an EOS
 * description answered 200 must not end the process.
 */
const REAL = `
import { cameraSide } from ${
  JSON.stringify(new URL("../../lib/cameras/camera_side.ts", import.meta.url).href)
};
import { parseSsdpMessage } from ${
  JSON.stringify(new URL("../../lib/ssdp/message.ts", import.meta.url).href)
};
import { Waiters } from ${JSON.stringify(new URL("../../lab/waiters.ts", import.meta.url).href)};
const events = [];
const waiters = new Waiters();
let exchanges = 0;
const side = cameraSide({
  emit: (e) => { events.push(e); waiters.wake(); },
  ownUuid: ${JSON.stringify(TEST_UUID)},
  ssdpPort: 1900,
  probePtpip: false,
  send: () => Promise.resolve(),
  exchange: () => (exchanges++, Promise.resolve({ head: "HTTP/1.1 200 OK", body: new TextEncoder().encode(${
  JSON.stringify(new TextDecoder().decode(DESCRIPTION))
}) })),
  eos: { enabled: true, serves: () => true },
});
const notify = ${
  JSON.stringify([
    "NOTIFY * HTTP/1.1",
    "HOST: 239.255.255.250:1900",
    "LOCATION: http://10.0.0.9:49152/upnp/CameraDevDesc.xml",
    `NT: ${EOS_SERVICE_TYPE}`,
    "NTS: ssdp:alive",
    `USN: uuid:00000000-0000-0000-0001-A0B1C2D3E4F6::${EOS_SERVICE_TYPE}`,
    "",
    "",
  ].join("\r\n"))
};
side.heard(parseSsdpMessage(new TextEncoder().encode(notify)), "10.0.0.9");
await waiters.until(() => events.some((e) => e.event.startsWith("eos-")), "an eos- event", 5000);
side.heard(parseSsdpMessage(new TextEncoder().encode(notify)), "10.0.0.9");
await side.stop();
console.log(JSON.stringify({ events, exchanges }));
Deno.exit(0);
`;

Deno.test("camera side: the parser's real import failing ends nothing (child on an empty cache, --cached-only)", async () => {
  const cache = await tempDir("pch-empty-deno-dir-");
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", "--cached-only", REAL],
    env: { DENO_DIR: cache },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(child.stderr);
  assertEquals(child.code, 0, `the child ended: ${stderr.slice(0, 400)}`);
  assert(!stderr.includes("Uncaught"), stderr);
  const { events, exchanges } = JSON.parse(new TextDecoder().decode(child.stdout));
  const eos = (events as ServeEvent[]).filter((e) => e.event.startsWith("eos-"));
  assertEquals(eos.map((e) => e.event), ["eos-unavailable"]);
  assertMatch(JSON.stringify(eos[0]), /saxes/);
  assertEquals(exchanges, 0, "the camera is skipped: its description could not be read");
  const { error } = eos[0] as { error: string };
  assert(
    !error.includes("\n") && !error.includes("\x1b"),
    `one line, no colour: ${JSON.stringify(error)}`,
  );
});
