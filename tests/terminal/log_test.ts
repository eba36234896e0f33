// The log sink as the user sees it: text from the network is escaped, JSON lines parse.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  escapeControls,
  log,
  LOG_QUEUE_LINES,
  LogBuffer,
  logEvent,
  setupLogging,
} from "../../lib/terminal/log.ts";
import type { ServeEvent } from "../../lib/events.ts";

Deno.test("log lines", async (t) => {
  await t.step("control characters from the network are shown escaped in text lines", () => {
    const lines: string[] = [];
    setupLogging("normal", "text", (line) => lines.push(line));
    log.info("HTTP GET {path}", { path: "/\x1b]0;pwned\x07\x1b[2J\r\nFAKE" });
    assertEquals(lines.length, 1);
    const line = lines[0];
    // deno-lint-ignore no-control-regex
    assert(!/[\x00-\x09\x0b-\x1f\x7f]/.test(line), JSON.stringify(line));
    assertMatch(line, /HTTP GET \/\\x1b\]0;pwned\\x07\\x1b\[2J\\x0d\\x0aFAKE\n$/);
  });

  await t.step("JSON lines keep the exact value in properties", () => {
    const lines: string[] = [];
    setupLogging("normal", "json", (line) => lines.push(line));
    log.info("M-SEARCH from {from}", { event: "search", from: "10.0.0.2:5000" });
    const record = JSON.parse(lines[0]);
    assertEquals(record.level, "INFO");
    assertEquals(record.properties, { event: "search", from: "10.0.0.2:5000" });
  });

  await t.step("-q keeps warnings only, -v adds debug", () => {
    const quiet: string[] = [];
    setupLogging("quiet", "text", (line) => quiet.push(line));
    log.info("info");
    log.warn("warn");
    assertEquals(quiet.length, 1);
    // The one line a user runs the helper for survives -q.
    logEvent({
      event: "camera-ready",
      camera: "192.168.1.23",
      ip: "192.168.1.23",
      name: null,
      model: null,
      flow: "search",
      usn: null,
      via: "NOTIFY",
      chdkptp: "chdkptp -c -h=192.168.1.23",
      gphoto2: "gphoto2 --port ptpip:192.168.1.23",
    });
    logEvent({ event: "camera-pairing", ip: "192.168.1.23" });
    assertEquals(quiet.length, 2);
    assertMatch(quiet[1], /camera 192\.168\.1\.23 is ready/);
    // An EOS camera's line names only gphoto2: chdkptp speaks to PowerShots running CHDK.
    logEvent({
      event: "camera-ready",
      camera: "192.168.1.24 (Canon EOS 6D)",
      ip: "192.168.1.24",
      name: "Canon EOS 6D",
      model: "Canon EOS 6D",
      flow: "eos",
      usn: null,
      via: "eos-fetch",
      chdkptp: "chdkptp -c -h=192.168.1.24",
      gphoto2: "gphoto2 --port ptpip:192.168.1.24 --summary",
    });
    assertEquals(quiet.length, 3);
    assertMatch(quiet[2], /EOS camera 192\.168\.1\.24 \(Canon EOS 6D\) is ready/);
    assert(!quiet[2].includes("chdkptp"));
    const verbose: string[] = [];
    setupLogging("verbose", "text", (line) => verbose.push(line));
    log.debug("debug");
    assertEquals(verbose.length, 1);
  });

  await t.step("escapeControls leaves printable text alone", () => {
    assertEquals(escapeControls("Canon EOS R6 – ü ✓"), "Canon EOS R6 – ü ✓");
    assertEquals(escapeControls("\u0085\u009b"), "\\x85\\x9b");
  });
});

/** A writer whose writes wait until `release` is called, as a pipe nobody reads. */
function stalledWriter() {
  const written: string[] = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  const writer = {
    write: async (bytes: Uint8Array) => {
      await gate;
      written.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
    writeSync: (bytes: Uint8Array) => {
      written.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
  return { writer, written, release: () => release() };
}

Deno.test("the log buffer never blocks and counts what it drops", async (t) => {
  await t.step("past the bound lines are dropped, then reported once before the next", async () => {
    const out = stalledWriter();
    const reports: number[] = [];
    const buffer: LogBuffer = new LogBuffer(out.writer, (n) => {
      reports.push(n);
      buffer.push(`${n} dropped\n`);
    }, 3);
    for (let i = 0; i < 10; i++) buffer.push(`line ${i}\n`);
    assertEquals(buffer.dropped, 6, "line 0 is being written, 1-3 wait, 4-9 are dropped");
    out.release();
    await buffer.flush(1000);
    buffer.push("after\n");
    await buffer.flush(1000);
    assertEquals(reports, [6]);
    assertEquals(out.written.join(""), "line 0\nline 1\nline 2\nline 3\n6 dropped\nafter\n");
  });

  const recording = () => {
    const writes: string[] = [];
    const writer = {
      write: (bytes: Uint8Array) => {
        writes.push(new TextDecoder().decode(bytes));
        return Promise.resolve(bytes.length);
      },
      writeSync: (bytes: Uint8Array) => {
        writes.push(`sync: ${new TextDecoder().decode(bytes)}`);
        return bytes.length;
      },
    };
    return { writes, writer };
  };

  await t.step(
    "a line after a quiet spell goes at once, the burst behind it in one write",
    async () => {
      const { writes, writer } = recording();
      const buffer = new LogBuffer(writer, () => {}, LOG_QUEUE_LINES, 30);
      buffer.push("first\n");
      assertEquals(writes, ["first\n"], "written without waiting for a batch");
      const started = performance.now();
      for (let i = 0; i < 100; i++) buffer.push(`line ${i}\n`);
      await buffer.flush(1000);
      assertEquals(writes.length, 2);
      assertEquals(writes[1].split("\n").length, 101);
      assert(performance.now() - started >= 25, "the burst waited for the batch");
    },
  );

  await t.step("at exit, lines still waiting for their batch are written at once", async () => {
    const { writes, writer } = recording();
    const buffer = new LogBuffer(writer, () => {}, LOG_QUEUE_LINES, 40);
    buffer.push("first\n");
    await Promise.resolve();
    buffer.push("last words\n");
    buffer.flushSync();
    assertEquals(writes, ["first\n", "sync: last words\n"]);
    await buffer.flush(1000);
    assertEquals(writes.length, 2, "nothing is written twice");
  });

  await t.step("flush gives up at its deadline while the writer is stuck", async () => {
    const out = stalledWriter();
    const buffer = new LogBuffer(out.writer, () => {}, 3);
    buffer.push("stuck\n");
    const started = performance.now();
    await buffer.flush(20);
    assert(performance.now() - started < 1000);
    buffer.flushSync();
    assertEquals(out.written, [], "no blocking write while one is stuck");
    out.release();
    await buffer.flush(1000);
    assertEquals(out.written, ["stuck\n"]);
  });
});

Deno.test("events become today's log lines in one place", () => {
  const lines: string[] = [];
  setupLogging("normal", "json", (line) => lines.push(line));
  logEvent({
    event: "search",
    from: "10.0.0.2:5000",
    st: "upnp:rootdevice",
    location: "http://x/",
  });
  logEvent({ event: "hook-exit", ip: "10.0.0.3", code: 1, signal: null });
  const [search, exit] = lines.map((l) => JSON.parse(l));
  assertEquals(search.level, "INFO");
  // The message reads as the text line does; the exact values are in the properties.
  assertEquals(search.message, "10.0.0.2 is looking for a computer (upnp:rootdevice): answered");
  assertEquals(search.properties, {
    event: "search",
    from: "10.0.0.2:5000",
    st: "upnp:rootdevice",
    location: "http://x/",
  });
  assertEquals(exit.level, "WARN");
  assertEquals(exit.message, "--on-camera program for camera 10.0.0.3 exited with code 1");
  assertEquals(lines.length, 2, "one JSON object per event");
});

/** The messages of the text lines `events` make at `verbosity`, without the time. */
function textOf(verbosity: "normal" | "verbose", events: ServeEvent[]): string[] {
  const lines: string[] = [];
  setupLogging(verbosity, "text", (line) => lines.push(line.slice(13, -1)));
  for (const event of events) logEvent(event);
  return lines;
}

const PAIRING: ServeEvent[] = [
  {
    event: "interface",
    iface: "eth0",
    address: "192.168.1.20",
    ssdpPort: 1900,
    url: "http://192.168.1.20:8043/d.xml",
  },
  { event: "search", from: "192.168.1.23:49152", st: "upnp:rootdevice", location: "http://y/" },
  { event: "http", remote: "192.168.1.23", method: "GET", path: "d.xml", status: 200 },
  { event: "camera-pairing", ip: "192.168.1.23" },
  { event: "http", remote: "192.168.1.24", method: "GET", path: "other", status: 404 },
  { event: "device-fetched", ip: "192.168.1.24", server: "Linux/6.1 UPnP/1.0" },
];

Deno.test("the default text tells the camera's story; -v adds the technical lines", () => {
  assertEquals(textOf("normal", PAIRING), [
    "INF serving eth0 192.168.1.20: cameras there can find this computer; its description is at " +
    "http://192.168.1.20:8043/d.xml",
    "INF 192.168.1.23 is looking for a computer (upnp:rootdevice): answered",
    "INF 192.168.1.23 fetched this computer's name (its description)",
    "INF 192.168.1.23 is pairing or reconnecting: waiting for it to announce itself as a camera",
    "INF 192.168.1.24 asked for /other (GET): answered 404",
    "INF 192.168.1.24 fetched this computer's name but is no Canon camera (server Linux/6.1 " +
    "UPnP/1.0): not ready, no hook",
  ]);
  const verbose = textOf("verbose", PAIRING);
  for (
    const technical of [
      "DBG serving eth0 192.168.1.20: SSDP on UDP 1900, description at http://192.168.1.20:8043/d.xml",
      "DBG M-SEARCH from 192.168.1.23:49152 for upnp:rootdevice: answered with http://y/",
      "DBG HTTP GET /d.xml from 192.168.1.23: 200",
      "DBG HTTP GET /other from 192.168.1.24: 404",
    ]
  ) assert(verbose.includes(technical), `-v shows: ${technical}\n${verbose.join("\n")}`);
  // Nothing from before a camera is recognised calls the sender a camera.
  for (const line of textOf("normal", PAIRING)) assert(!/\bcamera 192/.test(line), line);
});
