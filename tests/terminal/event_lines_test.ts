// Every event's wording: the camera's story by default, the technical lines with -v.

import { assert, assertEquals } from "../support/assert.ts";
import { eventLine } from "../../lib/terminal/event_lines.ts";
import { logEvent, setupLogging } from "../../lib/terminal/log.ts";
import type { ServeEvent } from "../../lib/events.ts";

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

Deno.test("eventLine gives the level, the template and the technical detail", () => {
  assertEquals(eventLine({ event: "stop", signal: "SIGINT" }), ["info", "stopped ({signal})"]);
  assertEquals(
    eventLine({ event: "http", remote: "10.0.0.2", method: "GET", path: "d.xml", status: 200 }),
    [
      "info",
      "{remote} fetched this computer's name (its description)",
      "HTTP {method} /{path} from {remote}: {status}",
    ],
  );
  assertEquals(
    eventLine({ event: "camera-gone", ip: "10.0.0.2", reason: "byebye", chdkptp: "chdkptp" }),
    ["info", "camera {ip} left (ssdp:byebye)"],
  );
});

Deno.test("both hook programs' ends: a signal and a failure warn, a clean exit informs", () => {
  const camera = { event: "hook-exit", ip: "10.0.0.3" } as const;
  const photo = { event: "photo-hook-exit", ip: "10.0.0.3", path: "/p/IMG_1.JPG" } as const;
  assertEquals(eventLine({ ...camera, code: 0, signal: "SIGTERM" }), [
    "warn",
    "--on-camera program for camera {ip} was ended by {signal}",
  ]);
  assertEquals(eventLine({ ...camera, code: 2, signal: null }), [
    "warn",
    "--on-camera program for camera {ip} exited with code {code}",
  ]);
  assertEquals(eventLine({ ...camera, code: 0, signal: null }), [
    "info",
    "--on-camera program for camera {ip} exited with code {code}",
  ]);
  assertEquals(eventLine({ ...photo, code: 0, signal: "SIGKILL" }), [
    "warn",
    "--on-photo program for {path} was ended by {signal}",
  ]);
  assertEquals(eventLine({ ...photo, code: 1, signal: null }), [
    "warn",
    "--on-photo program for {path} exited with code {code}",
  ]);
  assertEquals(eventLine({ ...photo, code: 0, signal: null }), [
    "info",
    "--on-photo program for {path} exited with code {code}",
  ]);
});
