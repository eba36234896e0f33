// `probe`'s network side on 127.0.0.1: the camera's M-SEARCH sent unicast to a fake helper, its answer
// collected within the window, its description fetched the camera's way and graded. The window is
// the module's own wait (no clock can be handed in), kept short here.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { TEST_UUID } from "../support/uuid.ts";
import { runProbe } from "../../lib/diagnostics/probe_run.ts";
import { DescriptionServer } from "../../lib/description/server.ts";
import { renderDescription } from "../../lib/description/document.ts";
import { descriptionUrl, formatSearchResponse } from "../../lib/ssdp/response.ts";
import { deviceOf, identityFor } from "../../lib/ssdp/search.ts";
import { DEVICE_TYPE } from "../../lib/ssdp/wire.ts";

const WINDOW_SECONDS = 0.3;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A helper on 127.0.0.1: an SSDP socket answering every search with `location`, and its searches. */
function fakeHelper(location: (httpPort: number) => string) {
  let fetches = 0;
  const server = new DescriptionServer({
    port: 0,
    path: "desc.xml",
    body: encoder.encode(
      renderDescription({ uuid: TEST_UUID, name: "pc", deviceType: DEVICE_TYPE, version: "0" }),
    ),
    headerTimeoutMs: 2000,
    maxConnections: 8,
    onRequest: () => void fetches++,
  });
  const httpPort = server.listen("127.0.0.1");
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const searches: string[] = [];
  const answer = formatSearchResponse(deviceOf(identityFor(TEST_UUID)).root, {
    location: location(httpPort),
    maxAge: 1800,
  });
  const loop = (async () => {
    try {
      for await (const [data, from] of socket) {
        searches.push(decoder.decode(data));
        await socket.send(encoder.encode(answer), from);
      }
    } catch {
      // closed
    }
  })();
  return {
    target: { hostname: "127.0.0.1", port: (socket.addr as Deno.NetAddr).port },
    searches,
    fetches: () => fetches,
    [Symbol.asyncDispose]: async () => {
      socket.close();
      await loop;
      server.close();
    },
  };
}

const options = (target: { hostname: string; port: number }) => ({
  target,
  ssdpPort: 1900,
  interfaceNames: [],
  timeoutSeconds: WINDOW_SECONDS,
});

Deno.test("probe: a helper that answers the camera's search and serves its description passes", async () => {
  await using helper = fakeHelper((port) => descriptionUrl("127.0.0.1", port, "desc.xml"));
  const { text, ok } = await runProbe(options(helper.target), () => []);
  assertEquals(helper.searches.length, 1, "one M-SEARCH");
  assertMatch(helper.searches[0], /^M-SEARCH \* HTTP\/1\.1\r\n/);
  assertMatch(helper.searches[0], /\r\nST: upnp:rootdevice\r\n/i);
  assertMatch(
    text,
    new RegExp(`^probe: sent a Canon camera's M-SEARCH to 127\\.0\\.0\\.1:${helper.target.port} `),
  );
  assertEquals(helper.fetches(), 1, "its description fetched once");
  assert(ok, text);
});

Deno.test("probe: an answer whose LOCATION names another host is not fetched, and fails", async () => {
  await using helper = fakeHelper((port) => descriptionUrl("127.0.0.2", port, "desc.xml"));
  const { text, ok } = await runProbe(options(helper.target), () => []);
  assertEquals(ok, false, text);
  assertMatch(text, /127\.0\.0\.2/);
  assertEquals(helper.fetches(), 0, "nothing fetched");
});

Deno.test("probe: nothing answering is said in one line with the window, and fails", async () => {
  const silent = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  try {
    const { text, ok } = await runProbe(
      options({ hostname: "127.0.0.1", port: (silent.addr as Deno.NetAddr).port }),
      () => [],
    );
    assertEquals(ok, false);
    assertMatch(text, /\nprobe: no answer within 0\.3 s\.\n/);
  } finally {
    silent.close();
  }
});
