/**
 * One of the in-process fakes of `canon_fakes.ts` as a program, to run on another host of a test LAN
 * (a network namespace): an announcing EOS 6D, or a generic Linux UPnP PC.
 *
 *   deno run --unstable-net --allow-net lab/fake_device.ts --kind eos6d|upnp-pc --host IP
 *       [--ptpip on|off]
 *
 * It listens on the ports the real device uses (SSDP 1900, and for the 6D HTTP 49152 and PTP/IP
 * 15740; the 6D also hears the SSDP group), prints `{"event":"listening"}` and then one JSON line per
 * thing that happens to it (`request`, `ptpip-connect`, `searched`, `fetched`). It takes commands on
 * stdin, one per line: `announce` and `byebye` (multicast to the group), `fetch URL` (the PC GETs a
 * description, as a control point or a curl would). Runs until stdin ends or it is killed.
 * `--ptpip off` leaves port 15740 to a real fake PTP/IP camera (`ptpip_camera_main.ts`, `eos` mode)
 * on the same host: the 6D's own listener then takes any free port, and its connects are not the
 * session's.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { FakeEos6D, FakeUpnpPc } from "./canon_fakes.ts";
import { fetchRaw } from "../lib/description/fetch.ts";
import { SSDP_MULTICAST_ADDRESS, SSDP_PORT } from "../lib/ssdp/wire.ts";
import { lines } from "./lines.ts";

const GROUP: Deno.NetAddr = { transport: "udp", hostname: SSDP_MULTICAST_ADDRESS, port: SSDP_PORT };

function report(event: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...details }));
}

/** Reports each new entry of a list the fake appends to, as it comes. */
async function follow<T>(list: T[], next: (count: number) => Promise<void>, event: string) {
  for (let count = 1;; count++) {
    // A wait's deadline is for tests; this program runs until it is killed, so a quiet spell is no
    // failure and the wait starts again.
    while (!await next(count).then(() => true, () => false));
    report(event, list[count - 1] as Record<string, unknown>);
  }
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    kind: { type: "string" },
    host: { type: "string" },
    ptpip: { type: "string", default: "on" },
  },
});
const host = values.host ?? "0.0.0.0";

let device: FakeEos6D | FakeUpnpPc;
if (values.kind === "eos6d") {
  const eos = new FakeEos6D({
    hostname: host,
    ssdpPort: SSDP_PORT,
    httpPort: 49152,
    ptpipPort: values.ptpip === "off" ? 0 : 15740,
    joinGroup: true,
  });
  follow(eos.requests, (n) => eos.fetched(n), "request");
  follow(eos.connects, (n) => eos.connected(n), "ptpip-connect");
  device = eos;
} else if (values.kind === "upnp-pc") {
  device = new FakeUpnpPc({ hostname: host, ssdpPort: SSDP_PORT });
} else {
  console.error(`--kind must be eos6d or upnp-pc, not ${values.kind}`);
  Deno.exit(2);
}
follow(device.ssdp.searches, (n) => device.ssdp.searched(n), "searched");
await device.ssdp.listening;
report("listening");

for await (const line of lines(Deno.stdin.readable)) {
  const [command, argument] = line.trim().split(" ");
  if (command === "announce") await device.announce(GROUP);
  else if (command === "byebye" && device instanceof FakeEos6D) await device.byebye(GROUP);
  else if (command === "fetch") {
    const { head } = await fetchRaw(argument, "GET", 3000);
    report("fetched", { status: head.split("\r\n", 1)[0] });
  } else {
    console.error(`unknown command: ${command}`);
    continue;
  }
  report("done", { command });
}
await device[Symbol.asyncDispose]();
