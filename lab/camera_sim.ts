/**
 * A camera simulator: does what a Canon camera does when it looks for a computer — sends an M-SEARCH,
 * reads the 200 OK, fetches the LOCATION over a raw TCP connection and reads the description — and checks
 * every byte the camera depends on. Its checks are written from the wire spec, independently of the
 * helper's own code, so they catch the helper drifting.
 *
 * As a program: `deno run --allow-net lab/camera_sim.ts --unicast 127.0.0.1:19000` (or
 * `--multicast 1900`), exits 0 when a whole pairing exchange passes, 1 otherwise, printing each check.
 *
 * @module
 */

import { readDescription } from "../lib/description/reader.ts";
import { fetchRaw } from "../lib/description/fetch.ts";
import { CAMERA_SEARCH } from "../lib/ssdp/search_request.ts";
import { withTimeout } from "../lib/util/timeout.ts";

// The transport (raw HTTP, XML reading, the camera's search) is shared with `probe`; the checks below
// stay the simulator's own, so they still catch the helper drifting.
export { CAMERA_SEARCH, fetchRaw, readDescription };

const SEARCH_ANSWER = new RegExp(
  "^HTTP/1\\.1 200 OK\\r\\n" +
    "ST: upnp:rootdevice\\r\\n" +
    "USN: uuid:([0-9a-fA-F-]{36})::upnp:rootdevice\\r\\n" +
    "LOCATION: (http://[^\\r\\n]+)\\r\\n" +
    "Cache-Control: max-age=(\\d+)\\r\\n" +
    "Server: Microsoft-Windows/10\\.0 UPnP/1\\.0 UPnP-Device-Host/1\\.0\\r\\n" +
    "Ext: \\r\\n" +
    "\\r\\n$",
);

const HTTP_SERVER = "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0 Microsoft-HTTPAPI/2.0";

/** What the camera learnt, and every check with its outcome. */
export interface PairingReport {
  ok: boolean;
  checks: { name: string; ok: boolean; detail?: string }[];
  answer?: string;
  uuid?: string;
  location?: string;
  friendlyName?: string;
  httpHead?: string;
  body?: string;
}

/** Where and how to search. */
export interface PairingOptions {
  /** Where the M-SEARCH goes: the helper's address (unicast) or the multicast group. */
  to: Deno.NetAddr;
  /** Local address to send from (default all). */
  from?: string;
  /** Give up after this long, per step. */
  timeoutMs?: number;
  /** The M-SEARCH text to send. */
  search?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends one M-SEARCH and returns the first answer's text (or throws on timeout). */
export async function searchOnce(
  options: PairingOptions,
): Promise<{ text: string; from: Deno.NetAddr }> {
  const socket = Deno.listenDatagram({
    transport: "udp",
    hostname: options.from ?? "0.0.0.0",
    port: 0,
  });
  try {
    await socket.send(encoder.encode(options.search ?? CAMERA_SEARCH), options.to);
    const [data, from] = await withTimeout(socket.receive(), options.timeoutMs ?? 3000, "answer");
    return { text: decoder.decode(data), from: from as Deno.NetAddr };
  } finally {
    socket.close();
  }
}

/** Runs a whole pairing exchange against a helper and checks it as a camera would. */
export async function pairOnce(options: PairingOptions): Promise<PairingReport> {
  const report: PairingReport = { ok: false, checks: [] };
  const check = (name: string, ok: boolean, detail?: string) => {
    report.checks.push({ name, ok, detail });
    return ok;
  };
  try {
    const answer = await searchOnce(options);
    report.answer = answer.text;
    const m = SEARCH_ANSWER.exec(answer.text);
    if (
      !check(
        "search answer is the exact Windows-style 200 OK",
        m !== null,
        JSON.stringify(answer.text),
      )
    ) {
      return report;
    }
    report.uuid = m![1];
    report.location = m![2];
    check(
      "answer comes from the port searched",
      answer.from.port === options.to.port || options.to.hostname.startsWith("239."),
    );

    const { head, body } = await fetchRaw(report.location, "GET", options.timeoutMs);
    report.httpHead = head;
    const [status, ...headerLines] = head.split("\r\n");
    check("description status is 200", status === "HTTP/1.1 200 OK", status);
    const headers = new Map(headerLines.map((l) => {
      const i = l.indexOf(":");
      return [l.slice(0, i), l.slice(i + 1).trim()] as const;
    }));
    check(
      'Content-Type is exactly text/xml; charset="utf-8"',
      headers.get("Content-Type") === 'text/xml; charset="utf-8"',
      headers.get("Content-Type"),
    );
    check(
      "Content-Length matches the body",
      headers.get("Content-Length") === String(body.length),
      `${headers.get("Content-Length")} vs ${body.length}`,
    );
    check("Connection: close (and the server closed it)", headers.get("Connection") === "close");
    check(
      "HTTP Server header claims Windows",
      headers.get("Server") === HTTP_SERVER,
      headers.get("Server"),
    );

    const xml = decoder.decode(body);
    report.body = xml;
    check("description starts with the XML declaration", xml.startsWith('<?xml version="1.0"?>'));
    const description = readDescription(xml);
    check(
      "root is urn:schemas-upnp-org:device-1-0",
      description.root === "root" && description.namespace === "urn:schemas-upnp-org:device-1-0",
    );
    check(
      "specVersion 1.0",
      description.fields.get("root/specVersion/major") === "1" &&
        description.fields.get("root/specVersion/minor") === "0",
    );
    const udn = description.fields.get("root/device/UDN");
    check("UDN matches the USN", udn === `uuid:${report.uuid}`, udn);
    report.friendlyName = description.fields.get("root/device/friendlyName");
    check(
      'friendlyName has the "NAME: PTPIPResponder:" form',
      /^[^:]+: PTPIPResponder:$/.test(report.friendlyName ?? ""),
      report.friendlyName,
    );
    check(
      "deviceType is a URN",
      /^urn:/.test(description.fields.get("root/device/deviceType") ?? ""),
    );
  } catch (error) {
    check("exchange completed", false, error instanceof Error ? error.message : String(error));
  }
  report.ok = report.checks.every((c) => c.ok);
  return report;
}

function parseTarget(args: string[]): Deno.NetAddr {
  const [mode, value] = args;
  if (mode === "--unicast" && value) {
    const [hostname, port] = value.split(":");
    return { transport: "udp", hostname, port: Number(port) };
  }
  if (mode === "--multicast") {
    const port = value === undefined || value.startsWith("--") ? 1900 : Number(value);
    return { transport: "udp", hostname: "239.255.255.250", port };
  }
  throw new Error("usage: camera_sim.ts --unicast HOST:PORT | --multicast [PORT] [--timeout MS]");
}

if (import.meta.main) {
  const timeoutAt = Deno.args.indexOf("--timeout");
  const timeoutMs = timeoutAt >= 0 ? Number(Deno.args[timeoutAt + 1]) : 5000;
  const report = await pairOnce({ to: parseTarget(Deno.args), timeoutMs });
  for (const c of report.checks) {
    console.log(`${c.ok ? "✓" : "✗"} ${c.name}${c.ok || !c.detail ? "" : `: ${c.detail}`}`);
  }
  console.log(
    JSON.stringify({
      ok: report.ok,
      uuid: report.uuid,
      location: report.location,
      friendlyName: report.friendlyName,
    }),
  );
  Deno.exit(report.ok ? 0 : 1);
}
