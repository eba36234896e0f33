// probe's pure parts: splitting an HTTP head, grading a responder requirement by requirement, and the
// report's text.

import { readDescription } from "../../lib/description/reader.ts";
import { parseResponseHead } from "../../lib/description/fetch.ts";
import { err, ok } from "../../lib/util/result.ts";
import {
  type FetchOutcome,
  formatProbeReport,
  gradeResponder,
  listedName,
  locationRefusal,
  MAX_PROBE_ANSWERS,
  passes,
  type ProbeAnswer,
  ProbeAnswers,
  REQUIREMENTS,
} from "../../lib/diagnostics/probe.ts";
import { isRejection, parseSsdpMessage } from "../../lib/ssdp/message.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const LOCATION = "http://10.0.0.1:8043/d.xml";
const WINDOW = { seconds: 3, looped: false, dropped: 0 };

function answer(headers: Record<string, string>): ProbeAnswer {
  const lines = ["HTTP/1.1 200 OK", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  const message = parseSsdpMessage(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  assert(!isRejection(message));
  return { from: "10.0.0.1", port: 1900, message };
}

const windowsAnswer = (over: Record<string, string> = {}) =>
  answer({
    ST: "upnp:rootdevice",
    USN: `uuid:${UUID}::upnp:rootdevice`,
    LOCATION,
    Server: "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0",
    ...over,
  });

function fetched(
  contentType = 'text/xml; charset="utf-8"',
  friendlyName = "Studio: PTPIPResponder:",
  udn = `uuid:${UUID.toUpperCase()}`,
): FetchOutcome {
  const xml = `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device>` +
    `<friendlyName>${friendlyName}</friendlyName><UDN>${udn}</UDN></device></root>`;
  return ok({
    head: parseResponseHead(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nX: 1`),
    description: ok(readDescription(xml)),
  });
}

const failed = (a: ProbeAnswer, f: FetchOutcome | undefined) =>
  gradeResponder(a, f).requirements.filter((r) => !r.ok).map((r) => r.name);

Deno.test("parseResponseHead splits the status and headers", () => {
  const head = parseResponseHead(
    "HTTP/1.1 404 Not Found\r\ncontent-TYPE: a\r\nContent-Type: b\r\nbad",
  );
  assertEquals(head.status, 404);
  assertEquals(head.statusLine, "HTTP/1.1 404 Not Found");
  assertEquals([...head.headers], [["content-type", "a"]]);
  assertEquals(parseResponseHead("ICY 200 OK").status, undefined);
});

Deno.test("listedName is the part before the first colon", () => {
  assertEquals(listedName("Studio: PTPIPResponder:"), "Studio");
  assertEquals(listedName("NoColon"), undefined);
  assertEquals(listedName(" : x"), undefined);
  assertEquals(listedName(undefined), undefined);
});

Deno.test("a Windows-like responder meets every requirement", () => {
  const report = gradeResponder(windowsAnswer(), fetched());
  assertEquals(report.requirements.map((r) => [r.name, r.ok]), [
    [REQUIREMENTS.server, true],
    [REQUIREMENTS.location, true],
    [REQUIREMENTS.status, true],
    [REQUIREMENTS.contentType, true],
    [REQUIREMENTS.uuid, true],
    [REQUIREMENTS.friendlyName, true],
  ]);
  assert(passes(report));
  assertEquals(report.listedAs, "Studio");
});

Deno.test("each fault fails exactly its requirement", async (t) => {
  await t.step("a Server header without Windows", () => {
    assertEquals(failed(windowsAnswer({ Server: "Linux/6.1 UPnP/1.0 X/1" }), fetched()), [
      REQUIREMENTS.server,
    ]);
    assertEquals(failed(windowsAnswer({ Server: "Microsoft-Windows/10.0 UPnP/1.1" }), fetched()), [
      REQUIREMENTS.server,
    ]);
  });

  await t.step("a Content-Type other than the exact quoted form", () => {
    for (const type of ["text/xml", "text/xml; charset=utf-8", 'text/xml;charset="utf-8"']) {
      assertEquals(failed(windowsAnswer(), fetched(type)), [REQUIREMENTS.contentType], type);
    }
  });

  await t.step("a UDN of another UUID, and a friendlyName without a colon", () => {
    assertEquals(failed(windowsAnswer(), fetched(undefined, undefined, "uuid:other")), [
      REQUIREMENTS.uuid,
    ]);
    assertEquals(failed(windowsAnswer(), fetched(undefined, "Studio")), [
      REQUIREMENTS.friendlyName,
    ]);
  });

  await t.step("a non-200 status", () => {
    const outcome = fetched();
    assert(outcome.ok);
    outcome.value.head = parseResponseHead(
      'HTTP/1.1 404 Not Found\r\nContent-Type: text/xml; charset="utf-8"',
    );
    assertEquals(failed(windowsAnswer(), outcome), [REQUIREMENTS.status]);
  });

  await t.step("no LOCATION, or one that cannot be fetched, fails everything after it", () => {
    const rest = [
      REQUIREMENTS.status,
      REQUIREMENTS.contentType,
      REQUIREMENTS.uuid,
      REQUIREMENTS.friendlyName,
    ];
    assertEquals(failed(windowsAnswer({ LOCATION: "" }), undefined), [
      REQUIREMENTS.location,
      ...rest,
    ]);
    const report = gradeResponder(windowsAnswer(), err("Connection refused"));
    assertEquals(report.requirements.find((r) => !r.ok)?.detail, `${LOCATION}: Connection refused`);
  });

  await t.step("a description that is not XML fails the UUID and the name", () => {
    const outcome = fetched();
    assert(outcome.ok);
    outcome.value.description = err("unclosed tag");
    assertEquals(failed(windowsAnswer(), outcome), [REQUIREMENTS.uuid, REQUIREMENTS.friendlyName]);
  });
});

Deno.test("the report lists the answers, each responder's verdicts and the count", () => {
  const good = windowsAnswer();
  const bad = { ...windowsAnswer({ Server: "Linux" }), from: "10.0.0.9" };
  const reports = [gradeResponder(good, fetched()), gradeResponder(bad, fetched("text/xml"))];
  const text = formatProbeReport([good, bad], reports, WINDOW);
  assertMatch(text, /^2 answers within 3 s:$/m);
  assertMatch(
    text,
    /^ {2}10\.0\.0\.9:1900 {2}ST upnp:rootdevice .* Server Linux {2}LOCATION http/m,
  );
  assertMatch(text, /^10\.0\.0\.1 — http:\/\/10\.0\.0\.1:8043\/d\.xml\n {2}✓ SSDP Server header/m);
  assertMatch(
    text,
    /^ {2}✗ SSDP Server header names Microsoft-Windows and UPnP\/1\.0: got "Linux"$/m,
  );
  assertMatch(text, /^ {2}✗ Content-Type is exactly text\/xml; charset="utf-8": got text\/xml$/m);
  assertMatch(text, /^ {2}→ a Canon camera would list it as "Studio"$/m);
  assertMatch(text, /^ {2}→ a Canon camera would not pair with it$/m);
  assertMatch(text, /^probe: 1 of 2 responders would pair with a Canon camera\.$/m);
  assertMatch(formatProbeReport([], [], WINDOW), /^probe: no answer within 3 s\.$/m);
  assertMatch(
    formatProbeReport([], [], { ...WINDOW, looped: true }),
    /^probe: no answer within 3 s, neither from the network nor from this computer \(the search was looped back to it\)\.$/m,
  );
});

Deno.test("nothing a responder sends can drive the terminal", () => {
  const evil = windowsAnswer({ Server: "x\x1b]0;owned\x07\x1b[2J", USN: "uuid:\x9b31m" });
  const text = formatProbeReport([evil], [gradeResponder(evil, undefined)], WINDOW);
  // deno-lint-ignore no-control-regex
  assert(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(text), JSON.stringify(text));
  assertMatch(text, /Server x\\x1b\]0;owned\\x07\\x1b\[2J/);
  assertMatch(text, /got "x\\x1b\]0;owned/);
});

Deno.test("probe keeps a bounded number of answers and counts the rest", () => {
  const answers = new ProbeAnswers(2);
  for (let i = 0; i < 5; i++) answers.add(windowsAnswer());
  assertEquals(answers.kept.length, 2);
  assertEquals(answers.dropped, 3);
  assertEquals(new ProbeAnswers().limit, MAX_PROBE_ANSWERS);
  const text = formatProbeReport(answers.kept, [], { ...WINDOW, dropped: 3 });
  assertMatch(text, /^2 answers within 3 s \(and 3 more, not kept\):$/m);
});

Deno.test("a LOCATION is fetched only on the host that answered", () => {
  assertEquals(locationRefusal("http://10.0.0.1:8043/d.xml", "10.0.0.1"), undefined);
  assertEquals(
    locationRefusal("http://10.0.0.77:80/admin", "10.0.0.1"),
    "not fetched: it names 10.0.0.77, not 10.0.0.1, the host that answered",
  );
  assertEquals(
    locationRefusal("file:///etc/passwd", "10.0.0.1"),
    "not fetched: not an http:// URL",
  );
  assertEquals(locationRefusal("::", "10.0.0.1"), "not fetched: not a URL");
  const elsewhere = windowsAnswer({ LOCATION: "http://192.168.9.9/x.xml" });
  const report = gradeResponder(
    elsewhere,
    err(locationRefusal("http://192.168.9.9/x.xml", "10.0.0.1")!),
  );
  assertEquals(
    report.requirements.find((r) => r.name === REQUIREMENTS.location)?.detail,
    "http://192.168.9.9/x.xml: not fetched: it names 192.168.9.9, not 10.0.0.1, the host that answered",
  );
});
