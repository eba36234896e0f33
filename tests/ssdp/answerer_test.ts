import { assert, assertEquals, assertMatch, fail } from "../support/assert.ts";
import {
  type InterfaceAddress,
  selectInterfaces,
  servedAddresses,
} from "../../lib/network/interfaces.ts";
import { RateLimiter, type RateLimits } from "../../lib/ssdp/rate_limit.ts";
import { deviceTargets, identityFor } from "../../lib/ssdp/search.ts";
import {
  ALL_TARGETS_SPACING_MS,
  type AnswererOptions,
  type Decision,
  SearchAnswerer,
} from "../../lib/ssdp/answerer.ts";
import { formatSearchResponse, locationProvider } from "../../lib/ssdp/response.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";
import { FakeClock } from "../support/clock.ts";

const targets = deviceTargets(identityFor(UUID));
const PATH = "ptpip-canon-desc-helper.xml";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const v4 = (name: string, address: string, netmask = "255.255.255.0"): InterfaceAddress => ({
  name,
  family: "IPv4",
  address,
  netmask,
});

const served = (all: InterfaceAddress[], lanAddress?: string) =>
  servedAddresses(selectInterfaces(all, { lanAddress }));

// Two served subnets: a camera on either must get the address of its own subnet.
const TWO_SUBNETS = served([v4("eth0", "192.168.1.20"), v4("wlan0", "10.0.0.5", "255.255.0.0")]);

const NO_LIMITS: RateLimits = { sourceRate: 0, sourceBurst: 1, globalRate: 0, sourceTable: 16 };

function answerer(options: Partial<AnswererOptions> = {}, addresses = TWO_SUBNETS) {
  const a = new SearchAnswerer({
    targets,
    maxAge: 900,
    locationOf: locationProvider(8043, PATH),
    anySource: false,
    mxDelay: false,
    limiter: new RateLimiter(NO_LIMITS, new FakeClock()),
    random: () => 0.5,
    ...options,
  });
  a.setServed(addresses);
  return a;
}

function search(st: string, { host = "239.255.255.250:1900", mx = "3" } = {}): Uint8Array {
  return encoder.encode(
    "M-SEARCH * HTTP/1.1\r\n" +
      `HOST: ${host}\r\n` +
      'MAN: "ssdp:discover"\r\n' +
      `MX: ${mx}\r\n` +
      `ST: ${st}\r\n\r\n`,
  );
}

const ROOT_SEARCH = search("upnp:rootdevice");

function answered(decision: Decision) {
  if (decision.kind !== "answer") fail(`expected an answer, ignored: ${decision.reason}`);
  return decision;
}

function ignored(decision: Decision): string {
  if (decision.kind !== "ignore") fail(`expected it ignored, answered ${decision.location}`);
  return decision.reason;
}

// The LOCATION line of an answer's bytes.
const locationOf = (bytes: Uint8Array) =>
  /\r\nLOCATION: (\S+)\r\n/.exec(decoder.decode(bytes))?.[1];

Deno.test("SearchAnswerer.decide", async (t) => {
  await t.step("answers a root-device search with the exact root-device answer", () => {
    const d = answered(answerer().decide(ROOT_SEARCH, "192.168.1.77"));
    assertEquals(d.searchTarget, "upnp:rootdevice");
    assertEquals(d.location, `http://192.168.1.20:8043/${PATH}`);
    assertEquals(d.answers.length, 1);
    assertEquals(d.answers[0].delayMs, 0);
    assertEquals(
      decoder.decode(d.answers[0].bytes),
      formatSearchResponse(targets[0], {
        location: `http://192.168.1.20:8043/${PATH}`,
        maxAge: 900,
      }),
    );
  });

  await t.step("answers from the served address of the source's subnet", () => {
    const a = answerer();
    const first = answered(a.decide(ROOT_SEARCH, "192.168.1.77"));
    const second = answered(a.decide(ROOT_SEARCH, "10.0.33.4"));
    assertEquals(first.location, `http://192.168.1.20:8043/${PATH}`);
    assertEquals(second.location, `http://10.0.0.5:8043/${PATH}`);
    assertEquals(locationOf(first.answers[0].bytes), first.location);
    assertEquals(locationOf(second.answers[0].bytes), second.location);
  });

  await t.step("a source on a third subnet is ignored, pointing at --any-source", () => {
    const reason = ignored(answerer().decide(ROOT_SEARCH, "172.16.0.9"));
    assertMatch(reason, /source 172\.16\.0\.9 is not on a served subnet/);
    assertMatch(reason, /--any-source/);
  });

  await t.step("--any-source answers a foreign source with the first served address", () => {
    const d = answered(answerer({ anySource: true }).decide(ROOT_SEARCH, "172.16.0.9"));
    assertEquals(d.location, `http://192.168.1.20:8043/${PATH}`);
    // A source on a served subnet still gets its own subnet's address.
    const own = answered(answerer({ anySource: true }).decide(ROOT_SEARCH, "10.0.1.1"));
    assertEquals(own.location, `http://10.0.0.5:8043/${PATH}`);
  });

  await t.step("a loopback source is answered when a loopback address is served", () => {
    const withLoopback = served([v4("lo", "127.0.0.1", "255.0.0.0")], "127.0.0.2");
    const d = answered(answerer({}, withLoopback).decide(ROOT_SEARCH, "127.0.0.1"));
    assertEquals(d.location, `http://127.0.0.2:8043/${PATH}`);
    // With only LAN addresses served, a loopback source gets nothing.
    assertMatch(ignored(answerer().decide(ROOT_SEARCH, "127.0.0.1")), /not on a served subnet/);
  });

  await t.step(
    "a loopback address served with a /32 mask still answers other 127/8 sources",
    () => {
      const lo32 = served([v4("lo", "127.0.0.2", "255.255.255.255")], "127.0.0.2");
      const d = answered(answerer({}, lo32).decide(ROOT_SEARCH, "127.0.0.1"));
      assertEquals(d.location, `http://127.0.0.2:8043/${PATH}`);
    },
  );

  await t.step("nothing served: ignored, saying so", () => {
    assertEquals(
      ignored(answerer({}, []).decide(ROOT_SEARCH, "192.168.1.77")),
      "no interface is served right now",
    );
    assertEquals(
      ignored(answerer({ anySource: true }, []).decide(ROOT_SEARCH, "192.168.1.77")),
      "no interface is served right now",
    );
  });

  await t.step("setServed replaces the served set", () => {
    const a = answerer();
    a.setServed(served([v4("eth9", "192.168.50.2")]));
    assertEquals(
      answered(a.decide(ROOT_SEARCH, "192.168.50.9")).location,
      `http://192.168.50.2:8043/${PATH}`,
    );
    assertMatch(ignored(a.decide(ROOT_SEARCH, "192.168.1.77")), /not on a served subnet/);
  });

  await t.step("unparseable datagrams and other searches are ignored with the reason", () => {
    const a = answerer();
    assertEquals(ignored(a.decide(new Uint8Array(0), "192.168.1.77")), "empty datagram");
    assertMatch(ignored(a.decide(search("urn:other:device:X:1"), "192.168.1.77")), /not ours/);
    const notify = a.decide(encoder.encode("NOTIFY * HTTP/1.1\r\nNT: a\r\n\r\n"), "192.168.1.77");
    // Chatter is dropped before decoding: the answerer knows nothing of cameras.
    assertEquals(ignored(notify), "not an M-SEARCH");
  });

  await t.step("the cheap M-SEARCH test takes any case and leading blanks", () => {
    const a = answerer();
    const lenient = encoder.encode(" \tm-SeArCh * HTTP/1.1\r\nST: upnp:rootdevice\r\n\r\n");
    answered(a.decide(lenient, "192.168.1.77"));
  });

  await t.step("a non-IPv4 source is ignored", () => {
    assertMatch(ignored(answerer().decide(ROOT_SEARCH, "fe80::1")), /not IPv4/);
  });

  await t.step("the rate limit refuses, and is charged only for answered searches", () => {
    const limits: RateLimits = { sourceRate: 1, sourceBurst: 2, globalRate: 0, sourceTable: 16 };
    const a = answerer({ limiter: new RateLimiter(limits, new FakeClock()) });
    // Ignored datagrams cost the source nothing.
    for (let i = 0; i < 5; i++) ignored(a.decide(search("urn:other:x"), "192.168.1.77"));
    answered(a.decide(ROOT_SEARCH, "192.168.1.77"));
    answered(a.decide(ROOT_SEARCH, "192.168.1.77"));
    assertEquals(ignored(a.decide(ROOT_SEARCH, "192.168.1.77")), "rate limit (source) reached");
    // Another source is unaffected.
    answered(a.decide(ROOT_SEARCH, "192.168.1.78"));
  });

  await t.step("the global limit is named when it refuses", () => {
    const limits: RateLimits = { sourceRate: 0, sourceBurst: 1, globalRate: 1, sourceTable: 16 };
    const a = answerer({ limiter: new RateLimiter(limits, new FakeClock()) });
    answered(a.decide(ROOT_SEARCH, "192.168.1.77"));
    assertEquals(ignored(a.decide(ROOT_SEARCH, "192.168.1.78")), "rate limit (global) reached");
  });

  await t.step("ssdp:all gets three answers, root first, spaced ALL_TARGETS_SPACING_MS", () => {
    const d = answered(answerer().decide(search("ssdp:all"), "192.168.1.77"));
    assertEquals(d.answers.length, 3);
    assertEquals(d.answers.map((x) => x.delayMs), [
      0,
      ALL_TARGETS_SPACING_MS,
      2 * ALL_TARGETS_SPACING_MS,
    ]);
    const sts = d.answers.map((x) => /\r\nST: (\S+)\r\n/.exec(decoder.decode(x.bytes))?.[1]);
    assertEquals(sts, targets.map((x) => x.st));
    assertEquals(sts[0], "upnp:rootdevice");
  });

  await t.step("without --mx-delay every answer goes at once, whatever the MX", () => {
    const d = answered(answerer({ random: () => 0.99 }).decide(ROOT_SEARCH, "192.168.1.77"));
    assertEquals(d.answers[0].delayMs, 0);
  });

  await t.step("--mx-delay spreads multicast answers over the MX by the injected random", () => {
    const delay = (random: number, mx: string) =>
      answered(
        answerer({ mxDelay: true, random: () => random }).decide(
          search("upnp:rootdevice", { mx }),
          "192.168.1.77",
        ),
      ).answers[0].delayMs;
    assertEquals(delay(0, "3"), 0);
    assertEquals(delay(0.5, "3"), 1500);
    assertEquals(delay(0.25, "2"), 500);
    assertEquals(delay(0.5, "0"), 0);
  });

  await t.step("--mx-delay caps the MX at 5 seconds", () => {
    const d = answered(
      answerer({ mxDelay: true, random: () => 0.5 }).decide(
        search("upnp:rootdevice", { mx: "120" }),
        "192.168.1.77",
      ),
    );
    assertEquals(d.answers[0].delayMs, 2500);
  });

  await t.step("--mx-delay keeps the ssdp:all spacing on top of the spread", () => {
    const d = answered(
      answerer({ mxDelay: true, random: () => 0.5 }).decide(search("ssdp:all"), "192.168.1.77"),
    );
    assertEquals(d.answers.map((x) => x.delayMs), [
      1500,
      1500 + ALL_TARGETS_SPACING_MS,
      1500 + 2 * ALL_TARGETS_SPACING_MS,
    ]);
  });

  await t.step("--mx-delay answers a unicast search (HOST not the group) at once", () => {
    const d = answered(
      answerer({ mxDelay: true, random: () => 0.9 }).decide(
        search("upnp:rootdevice", { host: "10.0.0.1:1900" }),
        "192.168.1.77",
      ),
    );
    assertEquals(d.answers[0].delayMs, 0);
  });

  await t.step("--mx-delay without a valid MX answers at once", () => {
    const d = answered(
      answerer({ mxDelay: true, random: () => 0.9 }).decide(
        search("upnp:rootdevice", { mx: "soon" }),
        "192.168.1.77",
      ),
    );
    assertEquals(d.answers[0].delayMs, 0);
  });
});

Deno.test("no reflection: only one host's own address is answered", async (t) => {
  await t.step("the subnet's broadcast and network addresses are refused", () => {
    const a = answerer();
    for (const source of ["192.168.1.255", "192.168.1.0", "10.0.255.255", "10.0.0.0"]) {
      const d = a.decide(search("upnp:rootdevice"), source);
      assertEquals(d.kind, "ignore", source);
      assertMatch((d as { reason: string }).reason, /not one host/);
    }
  });

  await t.step(
    "with --any-source too, multicast, limited broadcast and 0.0.0.0 are refused",
    () => {
      const a = answerer({ anySource: true });
      for (const source of ["239.255.255.250", "255.255.255.255", "0.0.0.0"]) {
        assertEquals(a.decide(search("upnp:rootdevice"), source).kind, "ignore", source);
      }
      assertEquals(a.decide(search("upnp:rootdevice"), "172.16.4.4").kind, "answer");
    },
  );
});

Deno.test("no amplification: answers are at most ten times the search's bytes", async (t) => {
  const bytesOf = (d: Decision) =>
    d.kind === "answer" ? d.answers.reduce((n, x) => n + x.bytes.byteLength, 0) : 0;

  await t.step("a camera-sized ssdp:all search gets every answer", () => {
    const d = answerer().decide(search("ssdp:all"), "192.168.1.23");
    assertEquals(d.kind === "answer" && d.answers.length, targets.length);
  });

  await t.step("the shortest ssdp:all search gets only what fits, root device first", () => {
    const tiny = encoder.encode("M-SEARCH * HTTP/1.1\r\nST:ssdp:all\r\n\r\n");
    const d = answerer().decide(tiny, "192.168.1.23");
    assertEquals(d.kind, "answer");
    assert(d.kind === "answer" && d.answers.length < targets.length);
    assert(bytesOf(d) <= tiny.byteLength * 10, `${bytesOf(d)} bytes for ${tiny.byteLength}`);
    assertMatch(
      decoder.decode(d.kind === "answer" ? d.answers[0].bytes : undefined),
      /upnp:rootdevice/,
    );
  });

  await t.step("every search's answer stays within the bound", () => {
    for (const st of ["ssdp:all", "upnp:rootdevice", `uuid:${UUID}`]) {
      for (const pad of [0, 10, 100]) {
        const datagram = encoder.encode(
          `M-SEARCH * HTTP/1.1\r\nST: ${st}\r\n${pad ? `X: ${"a".repeat(pad)}\r\n` : ""}\r\n`,
        );
        const d = answerer().decide(datagram, "192.168.1.23");
        assert(bytesOf(d) <= datagram.byteLength * 10, `${st} padded ${pad}`);
      }
    }
  });
});

Deno.test("a 1.4 KB search with a 1.3 KB header line is answered, like a short one", () => {
  const long = encoder.encode(
    'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\n' +
      `ST: upnp:rootdevice\r\nUSER-AGENT: ${"x".repeat(1300)}\r\n\r\n`,
  );
  assert(long.byteLength > 1400 && long.byteLength < 1500, `${long.byteLength} bytes`);
  const d = answerer().decide(long, "192.168.1.23");
  assertEquals(d.kind, "answer");
  const short = answerer().decide(search("upnp:rootdevice"), "192.168.1.23");
  assertEquals(d.kind === "answer" && d.answers, short.kind === "answer" && short.answers);
});
