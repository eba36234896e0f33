/**
 * A fake Canon camera in "connect to computer" mode, run as a program on another host of a test LAN:
 * it searches for computers (multicast M-SEARCH), fetches the description of the first answer, then
 * makes itself discoverable as a device — a NOTIFY `ssdp:alive` right after the fetch (unless
 * `--notify never`), and a `200 OK` with its Server and USN to each M-SEARCH on its SSDP port for
 * `ssdp:all` or its Canon service type. As Canon cameras are reported to, it never answers
 * `upnp:rootdevice`, and it sends Canon's Server header and USN shape.
 * It also listens on the PTP/IP port, 15740, and reports every connection (then closes it), so a test
 * can tell whether the helper touched it.
 *
 *   deno run --unstable-net --allow-net lab/fake_camera.ts
 *       [--port 1900] [--server "…"] [--uuid UUID] [--notify after-get|never] [--ptpip on|off]
 *
 * `--ptpip off` leaves port 15740 to a real fake PTP/IP camera (`ptpip_camera_main.ts`) in the same
 * namespace. Each step is printed as a JSON line on stdout (`{"event":"fetched"}`,
 * `{"event":"searched-by"}`, …), so a test can wait for it. On stdin it takes `byebye` (a NOTIFY
 * `ssdp:byebye` to the group, as a camera leaving sends), answered by `{"event":"done"}`. Runs until
 * killed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fetchRaw } from "../lib/description/fetch.ts";
import { CAMERA_SEARCH } from "../lib/ssdp/search_request.ts";
import { withTimeout } from "../lib/util/timeout.ts";
import { lines } from "./lines.ts";

/** The Server header the fake camera sends unless told otherwise. */
export const FAKE_CAMERA_SERVER = "Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0";

/** The Canon service type the fake camera offers. */
export const FAKE_CAMERA_TYPE = "urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1";

/** The fake camera's UUID unless told otherwise. */
export const FAKE_CAMERA_UUID = "00000000-0000-0000-0001-a0b1c2d3e4f5";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const GROUP = "239.255.255.250";

function report(event: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...details }));
}

function header(text: string, name: string): string | undefined {
  return new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, "im").exec(text)?.[1];
}

function deviceLines(server: string, uuid: string, ssdpPort: number, first: string[]): string {
  return [
    ...first,
    "CACHE-CONTROL: max-age=1800",
    `LOCATION: http://0.0.0.0:${ssdpPort}/camera.xml`,
    `SERVER: ${server}`,
    `USN: uuid:${uuid}::${FAKE_CAMERA_TYPE}`,
    "",
    "",
  ].join("\r\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "1900" },
      server: { type: "string", default: FAKE_CAMERA_SERVER },
      uuid: { type: "string", default: FAKE_CAMERA_UUID },
      notify: { type: "string", default: "after-get" },
      ptpip: { type: "string", default: "on" },
    },
  });
  const port = Number(values.port);

  // The device side: its own SSDP port, where the helper's unicast M-SEARCH arrives.
  const device = Deno.listenDatagram({
    transport: "udp",
    hostname: "0.0.0.0",
    port,
    reuseAddress: true,
  });
  const answering = (async () => {
    for await (const [data, from] of device) {
      const text = decoder.decode(data);
      if (!text.startsWith("M-SEARCH")) continue;
      const addr = from as Deno.NetAddr;
      const st = header(text, "ST");
      report("searched-by", { from: addr.hostname, port: addr.port, st });
      if (st !== "ssdp:all" && st !== FAKE_CAMERA_TYPE) continue;
      const answer = deviceLines(values.server, values.uuid, port, [
        "HTTP/1.1 200 OK",
        "EXT:",
        `ST: ${FAKE_CAMERA_TYPE}`,
      ]);
      await device.send(encoder.encode(answer), addr);
      report("answered", { to: addr.hostname });
    }
  })();

  if (values.ptpip !== "off") {
    const ptpip = Deno.listen({ hostname: "0.0.0.0", port: 15740 });
    (async () => {
      for await (const conn of ptpip) {
        report("ptpip-connection", { from: (conn.remoteAddr as Deno.NetAddr).hostname });
        conn.close();
      }
    })();
  }

  // Commands: `byebye` says the camera leaves.
  (async () => {
    for await (const line of lines(Deno.stdin.readable)) {
      const command = line.trim();
      if (command === "byebye") {
        const byebye = deviceLines(values.server, values.uuid, port, [
          "NOTIFY * HTTP/1.1",
          `HOST: ${GROUP}:1900`,
          `NT: ${FAKE_CAMERA_TYPE}`,
          "NTS: ssdp:byebye",
        ]);
        await device.send(encoder.encode(byebye), { transport: "udp", hostname: GROUP, port });
      }
      report("done", { command });
    }
  })();

  // The camera side: look for a computer the way the camera does, and read its description.
  const searcher = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 });
  await searcher.send(encoder.encode(CAMERA_SEARCH), { transport: "udp", hostname: GROUP, port });
  const [answer] = await withTimeout(searcher.receive(), 10_000, "answer to the camera's search");
  searcher.close();
  const location = header(decoder.decode(answer), "LOCATION");
  if (location === undefined) throw new Error("the answer has no LOCATION");
  const { head } = await fetchRaw(location);
  report("fetched", { location, status: head.split("\r\n")[0] });

  if (values.notify === "after-get") {
    const notify = deviceLines(values.server, values.uuid, port, [
      "NOTIFY * HTTP/1.1",
      `HOST: ${GROUP}:1900`,
      `NT: ${FAKE_CAMERA_TYPE}`,
      "NTS: ssdp:alive",
    ]);
    await device.send(encoder.encode(notify), { transport: "udp", hostname: GROUP, port });
    report("notified");
  }
  await answering;
}
