// The logger itself: which records are made, and the two line formats, byte for byte.

import { assert, assertEquals } from "../support/assert.ts";
import {
  configureLogger,
  jsonLine,
  log,
  type LogRecord,
  renderMessage,
  textLine,
} from "../../lib/terminal/logger.ts";

const AT = Date.UTC(2026, 11, 3, 7, 44, 47, 154);
const record = (over: Partial<LogRecord> = {}): LogRecord => ({
  level: "info",
  template: "M-SEARCH from {from} for {st}",
  properties: { event: "search", from: "10.0.0.2:5000", st: "upnp:rootdevice" },
  timestamp: AT,
  ...over,
});

Deno.test("renderMessage puts each property where its name is", () => {
  assertEquals(renderMessage(record()), "M-SEARCH from 10.0.0.2:5000 for upnp:rootdevice");
  assertEquals(
    renderMessage({
      template: "on {addresses}: {code} {signal} {missing}",
      properties: { addresses: ["10.0.0.1", "10.0.1.1"], code: 0, signal: null },
    }),
    "on 10.0.0.1, 10.0.1.1: 0 null {missing}",
  );
  // A property named like Object's own members is only used when given.
  assertEquals(renderMessage({ template: "{toString}", properties: {} }), "{toString}");
});

Deno.test("text lines: UTC time, level, message, network text escaped", () => {
  assertEquals(
    textLine(record()),
    "07:44:47.154 INF M-SEARCH from 10.0.0.2:5000 for upnp:rootdevice\n",
  );
  assertEquals(
    textLine(
      record({ level: "warning", template: "{x}", properties: { x: "a\x1b[2J\r\nb\u009b" } }),
    ),
    "07:44:47.154 WRN a\\x1b[2J\\x0d\\x0ab\\x9b\n",
  );
});

Deno.test("text and JSON lines escape what reorders or hides text (lib/util/text.ts's set)", () => {
  // U+202E in a request path would show `/gpj.exe` as `/exe.jpg`; zero-width and tag characters hide.
  const path = "/\u202egpj.exe\u200b\u2066\u{e0041}\ud800";
  const properties = { event: "x", path };
  assertEquals(
    textLine(record({ template: "GET {path}", properties })),
    "07:44:47.154 INF GET /\\u202egpj.exe\\u200b\\u2066\\udb40\\udc41\\ud800\n",
  );
  const line = jsonLine(record({ template: "GET {path}", properties }));
  assert(!/[\u200b\u202e\u2066]|\udb40/.test(line), line);
  assertEquals(JSON.parse(line).properties.path, path);
});

Deno.test("JSON lines: LogTape's fields, exact properties, every control character escaped", () => {
  const line = jsonLine(
    record({ level: "warning", properties: { event: "x", from: "\u009b\u2028" } }),
  );
  assert(line.endsWith("}\n") && !line.slice(0, -1).includes("\n"));
  assert(!/[\u007f-\u009f\u2028\u2029]/.test(line), line);
  assertEquals(JSON.parse(line), {
    "@timestamp": "2026-12-03T07:44:47.154Z",
    level: "WARN",
    message: "M-SEARCH from \u009b\u2028 for {st}",
    logger: "ptpip-canon-helper",
    properties: { event: "x", from: "\u009b\u2028" },
  });
});

Deno.test("the time: UTC, the text line's HH:MM:SS.mmm and the JSON line's full ISO 8601", () => {
  const edges: [number, string][] = [
    [0, "1970-01-01T00:00:00.000Z"],
    [-1, "1969-12-31T23:59:59.999Z"],
    [951_782_400_000, "2000-02-29T00:00:00.000Z"], // a leap day of a century divisible by 400
    [4_107_542_400_000, "2100-03-01T00:00:00.000Z"], // after a century that is no leap year
    [253_402_300_799_999, "9999-12-31T23:59:59.999Z"],
    [-62_167_219_200_000, "0000-01-01T00:00:00.000Z"],
    [Date.UTC(2026, 11, 3, 9, 5, 7, 45), "2026-12-03T09:05:07.045Z"],
  ];
  for (const [timestamp, iso] of edges) {
    const line = record({ template: "x", properties: {}, timestamp });
    assertEquals(textLine(line), `${iso.slice(11, 23)} INF x\n`, iso);
    assertEquals(JSON.parse(jsonLine(line))["@timestamp"], iso, iso);
  }
});

Deno.test("records below the lowest level or refused by the filter are never made", () => {
  const seen: string[] = [];
  configureLogger({
    lowestLevel: "info",
    filter: (r) => r.properties.keep === true,
    sink: (r) => seen.push(`${r.level} ${r.template}`),
    now: () => AT,
  });
  log.debug("debug", { keep: true });
  log.info("dropped");
  log.info("info", { keep: true });
  log.warn("warn", { keep: true });
  log.fatal("fatal", { keep: true });
  assertEquals(seen, ["info info", "warning warn", "fatal fatal"]);
});
