// The socket loop dispatches by message kind, with fake sockets: searches to the answerer, NOTIFYs and
// answers to presence, and the answer leaves before anything is reported; a failed send's line is
// throttled, its rescan not.

import { assert, assertEquals } from "../support/assert.ts";
import type { Decision } from "../../lib/ssdp/answerer.ts";
import type { SsdpMessage } from "../../lib/ssdp/message.ts";
import {
  dispatchOther,
  type PresenceHandler,
  runResponder,
  sendFailureHandler,
} from "../../lib/ssdp/responder.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { FakeClock } from "../support/clock.ts";

const encoder = new TextEncoder();
const NOTIFY = encoder.encode("NOTIFY * HTTP/1.1\r\nNT: a\r\nNTS: ssdp:alive\r\n\r\n");
const SEARCH = encoder.encode("M-SEARCH * HTTP/1.1\r\nST: upnp:rootdevice\r\n\r\n");

function presence(followed: string) {
  const heard: [string | undefined, string][] = [];
  const handler: PresenceHandler = {
    wants: (ip) => ip === followed,
    heard: (m: SsdpMessage, ip) => void heard.push([m.method, ip]),
  };
  return { handler, heard };
}

/** A socket that hands out the given datagrams, then reports itself closed. */
function fakeSocket(datagrams: [Uint8Array<ArrayBuffer>, string][], log: string[]) {
  let next = 0;
  return {
    receive: (): Promise<[Uint8Array<ArrayBuffer>, Deno.Addr]> => {
      const d = datagrams[next++];
      if (d === undefined) return Promise.reject(new Deno.errors.BadResource("closed"));
      return Promise.resolve([d[0], { transport: "udp", hostname: d[1], port: 1900 }]);
    },
    send: (bytes: Uint8Array, to: Deno.Addr) => {
      log.push(`send ${new TextDecoder().decode(bytes)} to ${(to as Deno.NetAddr).hostname}`);
      return Promise.resolve(bytes.length);
    },
  };
}

Deno.test("SSDP dispatch", async (t) => {
  await t.step("a followed camera's NOTIFY is decoded and reaches presence", () => {
    const p = presence("192.168.1.23");
    assertEquals(dispatchOther(NOTIFY, "192.168.1.23", p.handler), {
      kind: "ignore",
      reason: "NOTIFY is not a search",
    });
    assertEquals(p.heard, [["NOTIFY", "192.168.1.23"]]);
  });

  await t.step("chatter from a source nobody follows is dropped undecoded", () => {
    const p = presence("192.168.1.23");
    assertEquals(dispatchOther(NOTIFY, "192.168.1.24", p.handler).kind, "ignore");
    assertEquals(dispatchOther(NOTIFY, "192.168.1.24", undefined), {
      kind: "ignore",
      reason: "not an M-SEARCH",
    });
    assertEquals(p.heard, []);
  });

  await t.step(
    "searches go to the answerer, others to presence; answers go out first",
    async () => {
      const log: string[] = [];
      const p = presence("10.0.0.9");
      const decided: string[] = [];
      const search = {
        decide: (_: Uint8Array, ip: string): Decision => {
          decided.push(ip);
          return {
            kind: "answer",
            answers: [{ bytes: encoder.encode("OK"), delayMs: 0 }],
            searchTarget: "upnp:rootdevice",
            location: "http://x/",
          };
        },
      };
      const socket = fakeSocket([[SEARCH, "10.0.0.5"], [NOTIFY, "10.0.0.9"]], log);
      await runResponder(socket, { search, presence: p.handler }, {
        onAnswered: (_, from) => void log.push(`answered ${from.hostname}`),
        onReceiveError: () => assert(false, "no receive error"),
        onSendError: () => assert(false, "no send error"),
      }, false);
      assertEquals(decided, ["10.0.0.5"]);
      assertEquals(p.heard, [["NOTIFY", "10.0.0.9"]]);
      assertEquals(log, ["send OK to 10.0.0.5", "answered 10.0.0.5"]);
    },
  );
});

const to = (hostname: string): Deno.NetAddr => ({ transport: "udp", hostname, port: 1900 });

Deno.test("sendFailureHandler: a rescan for every failure, a line at most once a second", () => {
  const clock = new FakeClock(1_000);
  const events: ServeEvent[] = [];
  let rescans = 0;
  const failed = sendFailureHandler({
    clock,
    emit: (e) => events.push(e),
    rescan: () => rescans++,
  });
  failed(new Deno.errors.AddrNotAvailable("address gone"), to("192.168.1.20"));
  failed(new Error("again"), to("192.168.1.21"));
  clock.advance(1000);
  failed(new Error("a second on"), to("192.168.1.22"));
  clock.advance(1);
  failed("past a second", to("192.168.1.23"));
  assertEquals(rescans, 4);
  assertEquals(events, [
    { event: "send-failed", to: "192.168.1.20", error: "address gone" },
    { event: "send-failed", to: "192.168.1.23", error: "past a second" },
  ]);
});
