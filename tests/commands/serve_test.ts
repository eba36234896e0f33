// `serve` as one component, in-process: a fake SSDP socket and hook spawner, a description server on
// 127.0.0.1, an injected clock and short intervals. It drives a whole pairing (search → answer bytes →
// GET → presence search → the camera's answer → ready → hook), an address change, a flood summary and
// the stop, on any OS, without root or a network namespace.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { parseCommandLine } from "../../lib/cli/parse.ts";
import { serve, type ServeConfig, type ServeEnvironment } from "../../lib/commands/serve.ts";
import { fetchRaw } from "../../lib/description/fetch.ts";
import type { ServeEvent } from "../../lib/events.ts";
import type { InterfaceAddress } from "../../lib/network/interfaces.ts";
import type { SsdpSocket } from "../../lib/ssdp/socket.ts";
import { REQUEST_LINES } from "../../lib/terminal/request_lines.ts";
import { systemClock } from "../../lib/util/timers.ts";
import { withTimeout } from "../../lib/util/timeout.ts";
import { Waiters } from "../../lab/waiters.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Every wait below ends in a failure after this long, never in a hang. */
const WAIT_MS = 3000;

const search = (st = "upnp:rootdevice") =>
  encoder.encode(
    `M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\n` +
      `ST: ${st}\r\n\r\n`,
  );

const cameraAnswer = encoder.encode(
  "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nST: ssdp:all\r\n" +
    "SERVER: Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0\r\n" +
    "USN: uuid:00000000-0000-0000-0001-0123456789ab::upnp:rootdevice\r\n\r\n",
);

interface Sent {
  text: string;
  to: Deno.NetAddr;
}

/** What came so far, and a wait (with a deadline) for the first that matches. */
class Recorded<T> {
  readonly seen: T[] = [];
  readonly #waiters = new Waiters();

  push(item: T): void {
    this.seen.push(item);
    this.#waiters.wake();
  }

  next(what: string, match: (item: T) => boolean): Promise<T> {
    return this.#waiters.until(() => this.seen.find(match), what, WAIT_MS);
  }
}

/** An SSDP socket whose datagrams the test hands in and whose sends it reads. */
class FakeSsdpSocket implements SsdpSocket {
  readonly sent = new Recorded<Sent>();
  readonly joined: string[] = [];
  failNextSend = false;
  readonly #inbox: [Uint8Array<ArrayBuffer>, Deno.NetAddr][] = [];
  /** The responder keeps more than one receive waiting at once. */
  readonly #receivers: {
    resolve: (d: [Uint8Array<ArrayBuffer>, Deno.Addr]) => void;
    reject: (e: Error) => void;
  }[] = [];
  #closed = false;

  deliver(bytes: Uint8Array<ArrayBuffer>, hostname: string, port = 50_000): void {
    const datagram: [Uint8Array<ArrayBuffer>, Deno.NetAddr] = [bytes, {
      transport: "udp",
      hostname,
      port,
    }];
    const receiver = this.#receivers.shift();
    if (receiver) receiver.resolve(datagram);
    else this.#inbox.push(datagram);
  }

  receive(): Promise<[Uint8Array<ArrayBuffer>, Deno.Addr]> {
    if (this.#closed) return Promise.reject(new Deno.errors.BadResource("closed"));
    const queued = this.#inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => this.#receivers.push({ resolve, reject }));
  }

  send(bytes: Uint8Array, to: Deno.Addr): Promise<number> {
    if (this.failNextSend) {
      this.failNextSend = false;
      return Promise.reject(new Deno.errors.AddrNotAvailable("address gone"));
    }
    this.sent.push({ text: decoder.decode(bytes), to: to as Deno.NetAddr });
    return Promise.resolve(bytes.length);
  }

  joinMulticastV4(_group: string, address: string): Promise<Deno.MulticastV4Membership> {
    this.joined.push(address);
    return Promise.resolve({
      leave: () => Promise.resolve(),
      setLoopback: () => Promise.resolve(),
      setTTL: () => Promise.resolve(),
    });
  }

  close(): void {
    this.#closed = true;
    for (const r of this.#receivers.splice(0)) r.reject(new Deno.errors.BadResource("closed"));
  }
}

/** A hook program that is never started: it records its environment and exits at once. */
function fakeSpawn(runs: Recorded<Record<string, string>>) {
  return (_argv: readonly string[], env: Record<string, string>): Deno.ChildProcess => {
    runs.push(env);
    const empty = () => new ReadableStream<Uint8Array<ArrayBuffer>>({ start: (c) => c.close() });
    return {
      pid: 4242,
      stdout: empty(),
      stderr: empty(),
      status: Promise.resolve({ success: true, code: 0, signal: null }),
      kill: () => {},
    } as unknown as Deno.ChildProcess;
  };
}

function lanInterface(address: string): InterfaceAddress {
  return {
    family: "IPv4",
    name: "eth0",
    address,
    netmask: "255.255.255.0",
  };
}

function freeTcpPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function serveConfig(args: string[]): ServeConfig {
  const command = parseCommandLine(args);
  assert(command.kind === "serve");
  return command.config;
}

/** `serve` running in-process on a fake SSDP socket, with recorded events and hook runs. */
function startServing(config: ServeConfig, env: Partial<ServeEnvironment> = {}) {
  const socket = new FakeSsdpSocket();
  const events = new Recorded<ServeEvent>();
  const hooks = new Recorded<Record<string, string>>();
  let stop!: (signal: string) => void;
  const serving = serve(config, { uuid: UUID, source: { kind: "flag" } }, {
    version: "0.0.0-test",
    hostname: () => "test-host",
    networkInterfaces: () => [lanInterface("192.168.50.10")],
    random: () => 0,
    stopRequested: new Promise((resolve) => stop = resolve),
    emit: (event) => events.push(event),
    openSsdpSocket: () => socket,
    spawn: fakeSpawn(hooks),
    timing: { refusalSummaryMs: 20, presenceSearchDelayMs: 0 },
    ...env,
  });
  return { socket, events, hooks, stop: (signal: string) => stop(signal), serving };
}

Deno.test("serve in-process: a whole pairing, an address change, a flood summary and the stop", async () => {
  const descPort = freeTcpPort();
  const config = serveConfig([
    "--bind-all",
    "--desc-port",
    String(descPort),
    "--rescan-interval",
    "0",
    "--name",
    "Studio",
    "--uuid",
    UUID,
    "--on-camera",
    "--",
    "on-camera-program",
    "{ip}",
  ]);
  let interfaces = [lanInterface("192.168.50.10")];
  const { socket, events, hooks, stop, serving } = startServing(config, {
    networkInterfaces: () => interfaces,
  });

  await events.next("ready", (e) => e.event === "ready");
  assertEquals(socket.joined, ["192.168.50.10"]);

  // The camera's search gets the Windows-style answer, pointing at the address on its subnet.
  socket.deliver(search(), "192.168.50.23");
  const answer = await socket.sent.next("the answer", (s) => s.to.hostname === "192.168.50.23");
  assertMatch(answer.text, /^HTTP\/1\.1 200 OK\r\n/);
  assertMatch(
    answer.text,
    /\r\nSERVER: Microsoft-Windows\/10\.0 UPnP\/1\.0 UPnP-Device-Host\/1\.0\r\n/i,
  );
  assertMatch(answer.text, new RegExp(`\\r\\nUSN: uuid:${UUID}::upnp:rootdevice\\r\\n`, "i"));
  const location = answer.text.match(/\r\nLOCATION: (\S+)\r\n/i)?.[1];
  assertMatch(location ?? "", new RegExp(`^http://192\\.168\\.50\\.10:${descPort}/`));

  // It fetches the description (here from loopback, where the server listens on every address).
  const described = await fetchRaw(
    `http://127.0.0.1:${descPort}${new URL(location!).pathname}`,
    "GET",
    WAIT_MS,
  );
  assertMatch(described.head, /^HTTP\/1\.1 200 OK\r\n/);
  assertMatch(described.head, /\r\nContent-Type: text\/xml; charset="utf-8"\r\n/);
  assertMatch(
    decoder.decode(described.body),
    /<friendlyName>Studio: PTPIPResponder:<\/friendlyName>/,
  );
  await events.next("pairing", (e) => e.event === "camera-pairing" && e.ip === "127.0.0.1");

  // The helper asks the camera for its presence; the camera's answer makes it ready, and the hook runs.
  await socket.sent.next("the presence search", (s) => s.to.hostname === "127.0.0.1");
  socket.deliver(cameraAnswer, "127.0.0.1", 1900);
  const ready = await events.next("camera ready", (e) => e.event === "camera-ready");
  assertEquals(ready.event === "camera-ready" && ready.ip, "127.0.0.1");
  const hook = await hooks.next("the hook", () => true);
  assertEquals(hook.CAMERA_IP, "127.0.0.1");

  // The address changes; a failed send makes the helper look again at once.
  interfaces = [lanInterface("192.168.60.10")];
  socket.failNextSend = true;
  socket.deliver(search(), "192.168.50.23");
  await events.next("the new address", (e) => e.event === "interface-added");
  socket.deliver(search(), "192.168.60.23");
  const moved = await socket.sent.next("the answer", (s) => s.to.hostname === "192.168.60.23");
  assertMatch(
    moved.text,
    new RegExp(`\\r\\nLOCATION: http://192\\.168\\.60\\.10:${descPort}/`, "i"),
  );
  assert(socket.joined.includes("192.168.60.10"));

  // A flood from one source is answered up to its burst, then summed up in one line.
  for (let i = 0; i < 50; i++) socket.deliver(search(), "192.168.60.66");
  const summary = await events.next("the flood summary", (e) => e.event === "rate-limited");
  assert(summary.event === "rate-limited" && summary.source > 0);
  const flooded = socket.sent.seen.filter((s) => s.to.hostname === "192.168.60.66").length;
  assertEquals(flooded, config.limits.sourceBurst);

  stop("SIGTERM");
  await withTimeout(serving, WAIT_MS, "stop");
  assertEquals(events.seen.at(-1), { event: "stop", signal: "SIGTERM" });
});

const EOS_TYPE = "urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1";
const EOS_CAMERA = "192.168.50.30";
const eosNotify = (nts: "ssdp:alive" | "ssdp:byebye") =>
  encoder.encode(
    [
      "NOTIFY * HTTP/1.1",
      "HOST: 239.255.255.250:1900",
      "CACHE-CONTROL: max-age=1800",
      `LOCATION: http://${EOS_CAMERA}:49152/upnp/CameraDevDesc.xml`,
      `NT: ${EOS_TYPE}`,
      `NTS: ${nts}`,
      "SERVER: Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0",
      `USN: uuid:00000000-0000-0000-0001-A0B1C2D3E4F6::${EOS_TYPE}`,
      "",
      "",
    ].join("\r\n"),
  );

Deno.test("serve in-process with --eos: an announcing EOS body is fetched, ready, hooked once, gone", async () => {
  const config = serveConfig([
    "--eos",
    "--probe-ptpip",
    "--bind-all",
    "--rescan-interval",
    "0",
    "--desc-port",
    String(freeTcpPort()),
    "--on-camera",
    "--",
    "on-camera-program",
  ]);
  const requests: { hostname: string; port: number; text: string }[] = [];
  const searches: string[] = [];
  const description = '<root xmlns="urn:schemas-upnp-org:device-1-0"><device>' +
    "<friendlyName>EOS6D</friendlyName><modelName>Canon EOS 6D</modelName></device></root>";
  const { socket, events, hooks, stop, serving } = startServing(config, {
    exchange: (hostname, port, request) => {
      requests.push({ hostname, port, text: decoder.decode(request) });
      return Promise.resolve({ head: "HTTP/1.1 200 OK", body: encoder.encode(description) });
    },
    openSearchSocket: (address) => {
      searches.push(address);
      // No EOS body answers the search; closing the socket ends the wait, as on a real one.
      let closed!: (error: Error) => void;
      const receiving = new Promise<never>((_, reject) => closed = reject);
      return {
        receive: () => receiving,
        send: (bytes) => Promise.resolve(bytes.length),
        close: () => closed(new Deno.errors.BadResource("closed")),
      };
    },
    timing: {
      refusalSummaryMs: 10_000,
      presenceSearchDelayMs: 0,
      eosFetchPlan: { intervalMs: 1, maxFetches: 2, maxFailures: 2 },
    },
  });
  await events.next("ready", (e) => e.event === "ready");
  // The search goes out once the XML parser has loaded, which may be after "ready".
  await events.next("the start-up search", (e) => e.event === "eos-search");
  assertEquals(searches, ["192.168.50.10"], "the start-up search goes from the served address");

  socket.deliver(eosNotify("ssdp:alive"), EOS_CAMERA, 1900);
  const ready = await events.next("camera ready", (e) => e.event === "camera-ready");
  assert(ready.event === "camera-ready");
  assertEquals(
    [ready.ip, ready.flow, ready.model, ready.camera],
    [EOS_CAMERA, "eos", "Canon EOS 6D", `${EOS_CAMERA} (Canon EOS 6D)`],
  );
  const hook = await hooks.next("the hook", () => true);
  assertEquals(
    [hook.CAMERA_IP, hook.CAMERA_FLOW, hook.CAMERA_MODEL],
    [EOS_CAMERA, "eos", "Canon EOS 6D"],
  );
  await events.next("the fetches' end", (e) => e.event === "eos-fetches-done");
  assertEquals(requests.length, 2);
  assert(requests.every((r) => r.hostname === EOS_CAMERA && r.port === 49152));
  assertMatch(requests[0].text, /^GET \/upnp\/CameraDevDesc\.xml HTTP\/1\.1\r\n/);
  assertMatch(requests[0].text, /\r\nUser-Agent: Microsoft-Windows\/10\.0 UPnP\/1\.0\r\n/);

  socket.deliver(eosNotify("ssdp:byebye"), EOS_CAMERA, 1900);
  await events.next("gone", (e) => e.event === "camera-gone" && e.reason === "byebye");
  stop("SIGTERM");
  await withTimeout(serving, WAIT_MS, "stop");
  assertEquals(hooks.seen.length, 1, "the hook ran once");
  assertEquals(
    events.seen.filter((e) => e.event === "ptpip-check"),
    [],
    "--probe-ptpip never touches an EOS-flow camera",
  );
  // The camera's NOTIFYs never count as searches, and are never answered.
  assertEquals(socket.sent.seen.filter((s) => s.to.hostname === EOS_CAMERA), []);
});

Deno.test("serve in-process, limits off: a flood of searches is answered in full and logged within the budget", async () => {
  const config = serveConfig([
    "--bind-all",
    "--desc-port",
    String(freeTcpPort()),
    "--rescan-interval",
    "0",
    "--source-rate",
    "0",
    "--global-rate",
    "0",
    "--uuid",
    UUID,
  ]);
  // The clock stands still: the log's budget cannot refill while the flood comes in.
  const { socket, events, stop, serving } = startServing(config, {
    clock: { ...systemClock, now: () => 1_000 },
    timing: { refusalSummaryMs: 10_000, presenceSearchDelayMs: 0, floodSummaryMs: 20 },
  });
  await events.next("ready", (e) => e.event === "ready");
  const flood = REQUEST_LINES.burst + 150;
  for (let i = 0; i < flood; i++) socket.deliver(search(), `192.168.50.${100 + (i % 3)}`);
  const summed = await events.next("the summary", (e) => e.event === "searches-summed");
  assertEquals(socket.sent.seen.length, flood, "every search is answered");
  assertEquals(events.seen.filter((e) => e.event === "search").length, REQUEST_LINES.burst);
  assertEquals(summed.event === "searches-summed" && [summed.count, summed.sources], [150, 3]);

  // What is counted when the stop comes is said before the stop line.
  for (let i = 0; i < 5; i++) socket.deliver(search(), "192.168.50.200");
  await socket.sent.next("the last answer", () => socket.sent.seen.length === flood + 5);
  stop("SIGTERM");
  await withTimeout(serving, WAIT_MS, "stop");
  assertEquals(events.seen.slice(-2), [
    { event: "searches-summed", count: 5, sources: 1, seconds: 0 },
    { event: "stop", signal: "SIGTERM" },
  ]);
});

Deno.test("serve in-process: an -i name no interface has is reported once, however often given", async () => {
  const config = serveConfig([
    "--bind-all",
    "-i",
    "eth0",
    "-i",
    "wlan9",
    "-i",
    "wlan9",
    "--desc-port",
    String(freeTcpPort()),
    "--rescan-interval",
    "0",
    "--uuid",
    UUID,
  ]);
  const { events, stop, serving } = startServing(config);
  await events.next("ready", (e) => e.event === "ready");
  assertEquals(
    events.seen.filter((e) => e.event === "unknown-interface"),
    [{ event: "unknown-interface", name: "wlan9" }],
  );
  stop("SIGTERM");
  await serving;
});
