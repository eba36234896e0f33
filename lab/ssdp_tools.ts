/**
 * Small SSDP programs that tests run inside a namespace, as other hosts of the LAN:
 *
 *   flood --to HOST:PORT --count N --sources A,B,… [--sentinel ADDR]
 *     sends N camera M-SEARCHes round-robin from sockets bound to each source address, then searches
 *     from the sentinel address until answered, and prints {"answers": n, "sentinel": bool,
 *     "elapsedMs": t} (the helper answers in order, so every flood answer came before the sentinel's).
 *   listen --on ADDR [--port 1900]
 *     joins 239.255.255.250 on ADDR and prints each datagram received as a JSON line {"from", "text"}.
 *
 * @module
 */

import { CAMERA_SEARCH } from "./camera_sim.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function flood(args: string[]): Promise<void> {
  const [hostname, port] = flag(args, "--to")!.split(":");
  const to: Deno.NetAddr = { transport: "udp", hostname, port: Number(port) };
  const count = Number(flag(args, "--count"));
  const sources = flag(args, "--sources")!.split(",");
  const sentinelAddress = flag(args, "--sentinel");
  const sockets = sources.map((a) =>
    Deno.listenDatagram({ transport: "udp", hostname: a, port: 0 })
  );
  let answers = 0;
  const counting = sockets.map(async (s) => {
    try {
      for (;;) {
        await s.receive();
        answers++;
      }
    } catch {
      // closed at the end
    }
  });
  const started = performance.now();
  const search = encoder.encode(CAMERA_SEARCH);
  for (let i = 0; i < count; i++) await sockets[i % sockets.length].send(search, to);
  let sentinel = false;
  if (sentinelAddress) {
    // The flood may overrun the helper's receive buffer, so the sentinel is repeated (every 100 ms, at
    // most 50 times) until answered; any answer proves the flood did not shut this source out.
    const s = Deno.listenDatagram({ transport: "udp", hostname: sentinelAddress, port: 0 });
    const answered = s.receive().then(() => (sentinel = true), () => {});
    for (let i = 0; i < 50 && !sentinel; i++) {
      await s.send(search, to);
      await Promise.race([answered, new Promise((r) => setTimeout(r, 100))]);
    }
    s.close();
  }
  const elapsedMs = performance.now() - started;
  sockets.forEach((s) => s.close());
  await Promise.all(counting);
  console.log(JSON.stringify({ answers, sentinel, elapsedMs }));
}

async function listen(args: string[]): Promise<void> {
  const port = Number(flag(args, "--port") ?? 1900);
  const socket = Deno.listenDatagram({
    transport: "udp",
    hostname: "0.0.0.0",
    port,
    reuseAddress: true,
  });
  await socket.joinMulticastV4("239.255.255.250", flag(args, "--on")!);
  console.log(JSON.stringify({ listening: true }));
  for await (const [data, from] of socket) {
    console.log(
      JSON.stringify({ from: (from as Deno.NetAddr).hostname, text: decoder.decode(data) }),
    );
  }
}

if (import.meta.main) {
  const [command, ...args] = Deno.args;
  if (command === "flood") await flood(args);
  else if (command === "listen") await listen(args);
  else throw new Error("usage: ssdp_tools.ts flood|listen …");
}
