import { assertEquals } from "../support/assert.ts";
import { httpLines, REQUEST_LINES, searchLines } from "../../lib/terminal/request_lines.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { DEFAULT_RATE_LIMITS, RateLimiter } from "../../lib/ssdp/rate_limit.ts";
import { FakeClock } from "../support/clock.ts";

/** Request lines on a clock the test moves, summing up 1000 ms after the first past the budget. */
function recorded() {
  const clock = new FakeClock(5_000);
  const events: ServeEvent[] = [];
  const options = { emit: (e: ServeEvent) => events.push(e), clock, summaryMs: 1000 };
  return { clock, events, searches: searchLines(options), http: httpLines(options) };
}

const from = (hostname: string): Deno.NetAddr => ({ transport: "udp", hostname, port: 50_000 });
const answered = { searchTarget: "upnp:rootdevice", location: "http://192.168.1.2:8080/desc.xml" };

Deno.test("searchLines: a search line each within the budget, then searches-summed", () => {
  const r = recorded();
  for (let i = 0; i < REQUEST_LINES.burst + 3; i++) r.searches.answered(answered, from("10.0.0.1"));
  assertEquals(r.events.length, REQUEST_LINES.burst);
  assertEquals(r.events[0], {
    event: "search",
    from: "10.0.0.1:50000",
    st: "upnp:rootdevice",
    location: "http://192.168.1.2:8080/desc.xml",
  });
  r.clock.advance(1000);
  assertEquals(r.events.at(-1), { event: "searches-summed", count: 3, sources: 1, seconds: 1 });
});

Deno.test("httpLines: the path without its leading slash, summed up as http-summed; close says what is counted", () => {
  const r = recorded();
  const request = { remote: "10.0.0.2", method: "GET", path: "/desc.xml", status: 200 };
  for (let i = 0; i < REQUEST_LINES.burst + 2; i++) r.http.requested(request);
  assertEquals(r.events[0], {
    event: "http",
    remote: "10.0.0.2",
    method: "GET",
    path: "desc.xml",
    status: 200,
  });
  r.http.close();
  assertEquals(r.events.length, REQUEST_LINES.burst + 1);
  assertEquals(r.events.at(-1), { event: "http-summed", count: 2, sources: 1, seconds: 0 });
  assertEquals(r.clock.pending, 0, "the pending summary's timer is cancelled");
  r.searches.close();
  assertEquals(r.events.length, REQUEST_LINES.burst + 1, "searches have nothing counted");
});

Deno.test("REQUEST_LINES: every search the default limits answer has its own line", () => {
  // Many sources flood at 2 000 searches a second for 30 s; whatever the default global limit lets
  // through must fit the log's budget, so nothing users rely on is summed up at the defaults.
  const r = recorded();
  const limiter = new RateLimiter(DEFAULT_RATE_LIMITS, r.clock);
  let answeredCount = 0;
  for (let i = 0; i < 60_000; i++) {
    if (i % 2 === 0) r.clock.advance(1);
    const source = 0x0a000000 + (i % 5000);
    if (limiter.take(source) === undefined) {
      answeredCount++;
      r.searches.answered(answered, from(String(source)));
    }
  }
  assertEquals(r.events.filter((e) => e.event === "search").length, answeredCount);
  assertEquals(r.clock.pending, 0);
  assertEquals(r.events.filter((e) => e.event === "searches-summed"), []);
  assertEquals(
    answeredCount > 30 * DEFAULT_RATE_LIMITS.globalRate * 0.9,
    true,
    `answered ${answeredCount}`,
  );
});
