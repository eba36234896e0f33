import { assertEquals } from "../support/assert.ts";
import { sendFailureHandler } from "../../lib/ssdp/send_failures.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { FakeClock } from "../support/clock.ts";

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
