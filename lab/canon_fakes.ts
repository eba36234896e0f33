/**
 * In-process fakes of the devices the helper meets, built from /work/shared/camera-facts.md, for tests
 * on 127.0.0.1 and in the namespace lab:
 *
 * - {@linkcode FakePowerShot}: the search flow's device side once paired. It answers `M-SEARCH` for
 *   `ssdp:all` and its Canon type only (never `upnp:rootdevice`), with Canon's Server and USN shape,
 *   and sends no NOTIFY.
 * - {@linkcode FakeEos6D}: the EOS flow. It announces `ICPO-WFTEOSSystemService:1` with a LOCATION on
 *   its HTTP port, serves `CameraDevDesc.xml` there and records every request's bytes, arms its
 *   PTP/IP listener only after a GET with a Windows User-Agent, and records every connection to it
 *   (the first one after arming "burns" it, as the 6D's one-shot listener is reported to).
 * - {@linkcode FakeUpnpPc}: a generic Linux UPnP host (MiniUPnPd-like), a look-alike that must never
 *   be called a camera: it answers `upnp:rootdevice` and `ssdp:all` and announces itself.
 *
 * Every fake binds the address it is given and sends only where it is told, so on 127.0.0.1 nothing
 * leaves the machine. All sockets close on dispose.
 *
 * @module
 */

import { isRejection, parseSsdpMessage } from "../lib/ssdp/message.ts";
import { CANON_SERVER } from "../lib/cameras/recognise.ts";
import { EOS_SERVICE_TYPE } from "../lib/cameras/eos_type.ts";
import { SSDP_MULTICAST_ADDRESS as SSDP_GROUP } from "../lib/ssdp/wire.ts";
import { WAIT_MS, Waiters } from "./waiters.ts";

/** The Canon type a PowerShot in the search flow offers (Airnef, Schroden). */
export const POWERSHOT_TYPE = "urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1";

/** A generic Linux UPnP stack's Server header. */
export const LINUX_UPNP_SERVER = "Linux/5.15 UPnP/1.0 MiniUPnPd/2.3";

/** Where a fake sends a datagram: the multicast group in a namespace, a test's socket on loopback. */
export type Destination = Deno.NetAddr;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One M-SEARCH a fake received. */
export interface SeenSearch {
  /** Its ST. */
  st?: string;
  /** Whether the fake answered it. */
  answered: boolean;
}

function datagram(lines: string[]): Uint8Array {
  return encoder.encode([...lines, "", ""].join("\r\n"));
}

/** The SSDP socket and search loop every fake shares; `answer` gives the reply's lines per ST. */
export class SsdpDevice implements AsyncDisposable {
  /** Every search received, in order. */
  readonly searches: SeenSearch[] = [];
  readonly socket: Deno.DatagramConn;
  readonly #loop: Promise<void>;
  readonly #waiters = new Waiters();

  /** Resolves once the socket listens (and has joined the SSDP group, when asked to). */
  readonly listening: Promise<void>;

  constructor(
    hostname: string,
    port: number,
    answer: (st: string) => string[] | undefined,
    joinGroup = false,
  ) {
    // Only a socket bound to the wildcard address receives datagrams sent to the group.
    const socket = Deno.listenDatagram({
      transport: "udp",
      hostname: joinGroup ? "0.0.0.0" : hostname,
      port,
      reuseAddress: true,
    });
    this.socket = socket;
    this.listening = joinGroup
      ? socket.joinMulticastV4(SSDP_GROUP, hostname).then(() => {})
      : Promise.resolve();
    this.#loop = (async () => {
      try {
        for await (const [data, from] of socket) {
          const parsed = parseSsdpMessage(data);
          if (isRejection(parsed) || parsed.method !== "M-SEARCH") continue;
          const st = parsed.headers.get("st");
          const lines = st === undefined ? undefined : answer(st);
          if (lines) await socket.send(datagram(lines), from);
          this.searches.push({ st, answered: lines !== undefined });
          this.#waiters.wake();
        }
      } catch {
        // the socket was closed by dispose
      }
    })();
  }

  /** The port it listens on. */
  get port(): number {
    return (this.socket.addr as Deno.NetAddr).port;
  }

  /** Resolves once `count` searches have been received; rejects after `ms`. */
  async searched(count: number, ms = WAIT_MS): Promise<void> {
    await this.#waiters.until(() => this.searches.length >= count, `${count} searches`, ms);
  }

  /** Sends one datagram made of `lines` from its SSDP socket. */
  async send(lines: string[], to: Destination): Promise<void> {
    await this.socket.send(datagram(lines), to);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.socket.close();
    await this.#loop;
  }
}

/** A Canon USN: `uuid:00000000-0000-0000-0001-<MAC>::<type>`. */
export function canonUsn(mac: string, type: string): string {
  return `uuid:00000000-0000-0000-0001-${mac}::${type}`;
}

/** Options of a fake: where it listens. */
export interface FakeOptions {
  /** The address to bind (the namespace's own, or 127.0.0.1). */
  hostname: string;
  /** Its SSDP port (1900 in a namespace, 0 for any on loopback). */
  ssdpPort?: number;
  /**
   * Also hear searches sent to the SSDP group, on `hostname`'s interface: only in a network
   * namespace, never on a shared network (needs `--unstable-net`).
   */
  joinGroup?: boolean;
}

/** A PowerShot after pairing: answers `ssdp:all` and its Canon type, never NOTIFYs. */
export class FakePowerShot implements AsyncDisposable {
  /** Its MAC, in its USN. */
  static readonly MAC = "A0B1C2D3E4F5";
  readonly ssdp: SsdpDevice;

  constructor(options: FakeOptions) {
    this.ssdp = new SsdpDevice(options.hostname, options.ssdpPort ?? 0, (st) => {
      if (st !== "ssdp:all" && st !== POWERSHOT_TYPE) return undefined;
      return [
        "HTTP/1.1 200 OK",
        "CACHE-CONTROL: max-age=1800",
        "EXT:",
        `LOCATION: http://${options.hostname}:49152/upnp/CameraDevDesc.xml`,
        `SERVER: ${CANON_SERVER}`,
        `ST: ${POWERSHOT_TYPE}`,
        `USN: ${canonUsn(FakePowerShot.MAC, POWERSHOT_TYPE)}`,
      ];
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.ssdp[Symbol.asyncDispose]();
  }
}

/** One HTTP request the 6D received. */
export interface SeenRequest {
  /** The request head as received, blank line included. */
  bytes: string;
  /** Whether it armed the PTP/IP listener (a GET of the description with a Windows User-Agent). */
  armed: boolean;
}

/** One connection to the 6D's PTP/IP port. */
export interface SeenConnect {
  /** Whether the listener was armed when it came. */
  armed: boolean;
  /** Whether it was the one connection the armed listener accepts (every later one is burnt). */
  accepted: boolean;
}

/** Options of {@linkcode FakeEos6D}. */
export interface FakeEos6DOptions extends FakeOptions {
  /** Its description port (49152 on the camera; 0 for any on loopback). */
  httpPort?: number;
  /** Its PTP/IP port (15740 on the camera; 0 for any on loopback). */
  ptpipPort?: number;
}

/** The description path the 6D announces. */
export const EOS_DESCRIPTION_PATH = "/upnp/CameraDevDesc.xml";

/** The description the fake 6D serves (fields as reported; `X_targetId` before pairing). */
export const EOS_6D_DESCRIPTION = `<?xml version="1.0" encoding="utf-8"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>EOS6D</friendlyName>
<manufacturer>Canon</manufacturer><modelName>Canon EOS 6D</modelName>
<UDN>uuid:00000000-0000-0000-0001-A0B1C2D3E4F6</UDN>
<X_targetId>00000000-0000-0000-0001-FFFFFFFFFFFF</X_targetId></device></root>`;

/** An EOS 6D in "EOS Utility" mode. */
export class FakeEos6D implements AsyncDisposable {
  /** Its MAC, in its USN and UDN. */
  static readonly MAC = "A0B1C2D3E4F6";
  readonly ssdp: SsdpDevice;
  /** Every HTTP request's head, in order. */
  readonly requests: SeenRequest[] = [];
  /** Every connection to its PTP/IP port, in order. */
  readonly connects: SeenConnect[] = [];
  #armed = false;
  #burnt = false;
  readonly #http: Deno.Listener;
  readonly #ptpip: Deno.Listener;
  readonly #loops: Promise<void>[];
  readonly #hostname: string;
  readonly #waiters = new Waiters();

  constructor(options: FakeEos6DOptions) {
    this.#hostname = options.hostname;
    this.ssdp = new SsdpDevice(options.hostname, options.ssdpPort ?? 0, (st) => {
      if (st !== "ssdp:all" && st !== EOS_SERVICE_TYPE) return undefined;
      return ["HTTP/1.1 200 OK", "EXT:", `ST: ${EOS_SERVICE_TYPE}`, ...this.#identity()];
    }, options.joinGroup);
    this.#http = Deno.listen({ hostname: options.hostname, port: options.httpPort ?? 0 });
    this.#ptpip = Deno.listen({ hostname: options.hostname, port: options.ptpipPort ?? 0 });
    this.#loops = [this.#serveHttp(), this.#servePtpip()];
  }

  /** Whether a Windows-looking GET has armed the PTP/IP listener. */
  get armed(): boolean {
    return this.#armed;
  }

  /** Its LOCATION. */
  get location(): string {
    return `http://${this.#hostname}:${
      (this.#http.addr as Deno.NetAddr).port
    }${EOS_DESCRIPTION_PATH}`;
  }

  /** Its PTP/IP port. */
  get ptpipPort(): number {
    return (this.#ptpip.addr as Deno.NetAddr).port;
  }

  #identity(): string[] {
    return [
      "CACHE-CONTROL: max-age=1800",
      `LOCATION: ${this.location}`,
      `SERVER: ${CANON_SERVER}`,
      `USN: ${canonUsn(FakeEos6D.MAC, EOS_SERVICE_TYPE)}`,
    ];
  }

  /** Sends its `ssdp:alive` (the real 6D does once, on joining the network). */
  announce(to: Destination): Promise<void> {
    return this.ssdp.send([
      "NOTIFY * HTTP/1.1",
      "HOST: 239.255.255.250:1900",
      `NT: ${EOS_SERVICE_TYPE}`,
      "NTS: ssdp:alive",
      ...this.#identity(),
    ], to);
  }

  /** Sends its `ssdp:byebye` (going to sleep). */
  byebye(to: Destination): Promise<void> {
    return this.ssdp.send([
      "NOTIFY * HTTP/1.1",
      "HOST: 239.255.255.250:1900",
      `NT: ${EOS_SERVICE_TYPE}`,
      "NTS: ssdp:byebye",
      `USN: ${canonUsn(FakeEos6D.MAC, EOS_SERVICE_TYPE)}`,
    ], to);
  }

  /** Resolves once `count` HTTP requests have been received; rejects after `ms`. */
  async fetched(count: number, ms = WAIT_MS): Promise<void> {
    await this.#waiters.until(() => this.requests.length >= count, `${count} HTTP requests`, ms);
  }

  /** Resolves once `count` PTP/IP connections have come; rejects after `ms`. */
  async connected(count: number, ms = WAIT_MS): Promise<void> {
    await this.#waiters.until(() => this.connects.length >= count, `${count} connections`, ms);
  }

  async #serveHttp(): Promise<void> {
    try {
      for await (const conn of this.#http) {
        const head = await readHead(conn);
        const [requestLine = ""] = head.split("\r\n", 1);
        const userAgent = /\r\nuser-agent:[ \t]*([^\r\n]*)/i.exec(head)?.[1] ?? "";
        const isDescription = requestLine === `GET ${EOS_DESCRIPTION_PATH} HTTP/1.1`;
        const arms = isDescription && userAgent.includes("Windows");
        if (arms) this.#armed = true;
        this.requests.push({ bytes: head, armed: arms });
        const body = encoder.encode(EOS_6D_DESCRIPTION);
        const response = isDescription
          ? `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
          : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        try {
          await conn.write(encoder.encode(response));
          if (isDescription) await conn.write(body);
        } finally {
          conn.close();
        }
        this.#waiters.wake();
      }
    } catch {
      // the listener was closed by dispose
    }
  }

  async #servePtpip(): Promise<void> {
    try {
      for await (const conn of this.#ptpip) {
        const accepted = this.#armed && !this.#burnt;
        if (accepted) this.#burnt = true;
        this.connects.push({ armed: this.#armed, accepted });
        conn.close();
        this.#waiters.wake();
      }
    } catch {
      // the listener was closed by dispose
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#http.close();
    this.#ptpip.close();
    await Promise.all(this.#loops);
    await this.ssdp[Symbol.asyncDispose]();
  }
}

/** Reads a request head (up to the blank line, at most 8 KiB). */
async function readHead(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(8192);
  let text = "";
  while (!text.includes("\r\n\r\n") && text.length < buffer.length) {
    const n = await conn.read(buffer);
    if (n === null) break;
    text += decoder.decode(buffer.subarray(0, n));
  }
  return text;
}

/** A generic Linux UPnP host: answers root-device and all searches, announces itself. */
export class FakeUpnpPc implements AsyncDisposable {
  /** Its device UUID (random-looking, not Canon's shape). */
  static readonly UUID = "4d696e69-5550-6e50-0000-0123456789ab";
  readonly ssdp: SsdpDevice;
  readonly #hostname: string;

  constructor(options: FakeOptions) {
    this.#hostname = options.hostname;
    this.ssdp = new SsdpDevice(options.hostname, options.ssdpPort ?? 0, (st) => {
      if (st !== "ssdp:all" && st !== "upnp:rootdevice") return undefined;
      return [
        "HTTP/1.1 200 OK",
        "EXT:",
        "ST: upnp:rootdevice",
        ...this.#identity("upnp:rootdevice"),
      ];
    });
  }

  #identity(type: string): string[] {
    return [
      "CACHE-CONTROL: max-age=120",
      `LOCATION: http://${this.#hostname}:5000/rootDesc.xml`,
      `SERVER: ${LINUX_UPNP_SERVER}`,
      `USN: uuid:${FakeUpnpPc.UUID}::${type}`,
    ];
  }

  /** Sends its `ssdp:alive` for the root device. */
  announce(to: Destination): Promise<void> {
    return this.ssdp.send([
      "NOTIFY * HTTP/1.1",
      "HOST: 239.255.255.250:1900",
      "NT: upnp:rootdevice",
      "NTS: ssdp:alive",
      ...this.#identity("upnp:rootdevice"),
    ], to);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.ssdp[Symbol.asyncDispose]();
  }
}
