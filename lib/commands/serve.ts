/**
 * The `serve` command: the SSDP responder and the description server, kept in step with the machine's
 * interfaces until a stop signal. Everything that touches the machine comes in through
 * {@linkcode ServeEnvironment}, so tests can drive it.
 *
 * @module
 */

import { Announcer, type AnnouncerOptions } from "../ssdp/announcer.ts";
import { LazyCameraSide, type LazySideOptions } from "../cameras/lazy_side.ts";
import type { CameraSide } from "../cameras/camera_side.ts";
import { nameFromHostname, renderDescription } from "../description/document.ts";
import { DescriptionServer, type DescriptionServerOptions } from "../description/server.ts";
import { type InterfaceAddress, selectInterfaces, servedAddresses } from "../network/interfaces.ts";
import { flushLogs, logEvent, type LogFormat } from "../terminal/log.ts";
import type { Verbosity } from "../terminal/log.ts";
import type { Emit } from "../events.ts";
import { type FollowerOptions, NetworkFollower } from "../network/follower.ts";
import { missingInterfaces } from "../network/missing_interfaces.ts";
import { RateLimiter, type RateLimits, summariseRefusals } from "../ssdp/rate_limit.ts";
import { deviceOf, identityFor } from "../ssdp/search.ts";
import { locationProvider } from "../ssdp/response.ts";
import { type AnswererOptions, SearchAnswerer } from "../ssdp/answerer.ts";
import { type ResponderEvents, runResponder, sendFailureHandler } from "../ssdp/responder.ts";
import type { SearchSocket } from "../cameras/eos_watch.ts";
import type { EosFetchPlan, RawExchange } from "../cameras/eos_flow.ts";
import { Memberships, openSsdpSocket, type SsdpSocket } from "../ssdp/socket.ts";
import type { Spawn } from "../cameras/hook_runner.ts";
import { describeUuidSource, type ResolvedUuid } from "../uuid/store.ts";
import { errorMessage } from "../errors.ts";
import { type Clock, systemClock } from "../util/timers.ts";
import { httpLines, type SearchLines, searchLines } from "../terminal/request_lines.ts";

/** Everything `serve` (the default command) needs. */
export interface ServeConfig {
  /** LAN_IP: serve only this address; every LAN interface when absent. */
  lanAddress?: string;
  /** `-n`: the name the camera lists, trimmed; the host name when absent. */
  name?: string;
  /** `-p`: the SSDP port, 1900 but in tests. */
  ssdpPort: number;
  /** `-P`: the TCP port of the description. */
  descPort: number;
  /** `-f`: the description's URL path, without its leading slash. */
  descPath: string;
  /** `--max-age`: seconds cameras may cache an answer. */
  maxAge: number;
  /** `-a`: one description listener on every address instead of one per served address. */
  bindAll: boolean;
  /** `-i`: the interfaces to serve; empty means every LAN interface. */
  interfaceNames: string[];
  /** `--uuid`: the device UUID to use, braces stripped. */
  uuid?: string;
  /** `--uuid-file`: where the UUID is kept instead of the per-user file. */
  uuidFile?: string;
  /** `-q`/`-v`: how much is logged. */
  verbosity: Verbosity;
  /** `--log-format`: text lines or JSON lines. */
  logFormat: LogFormat;
  /** `--any-source`: answer sources outside the served subnets too. */
  anySource: boolean;
  /** `--mx-delay`: spread answers to multicast searches over their MX. */
  mxDelay: boolean;
  /** `--announce`: send NOTIFY alive and byebye as well. */
  announce: boolean;
  /** Seconds between interface re-reads; 0 turns re-reading off. */
  rescanSeconds: number;
  /** The abuse limits (`--source-rate` and the rest). */
  limits: RateLimits;
  /** `--on-camera -- PROGRAM [ARG…]`: run each time a camera becomes ready. */
  onCamera?: string[];
  /** `--probe-ptpip`: one TCP connect to a ready camera's PTP/IP port. */
  probePtpip: boolean;
  /** `--eos`: fetch the description of EOS bodies that announce themselves. */
  eos: boolean;
  /** `--on-camera-any`: any device that fetched and answered counts as a camera. */
  onCameraAny: boolean;
  /** `--import-to DIR`: the photo sink's destination; no sink when absent. */
  importTo?: string;
  /** `--on-photo PROGRAM` and its `--on-photo-arg`s: run once per imported photo. */
  onPhoto?: string[];
}

/** The machine as `serve` sees it. */
export interface ServeEnvironment {
  /** The helper's version, for the start line and the description. */
  version: string;
  /** This computer's host name: the default name shown by the camera. */
  hostname: () => string;
  /** The interfaces now; read at start and at every rescan. */
  networkInterfaces: () => InterfaceAddress[];
  /** Time for rate limits, summaries and camera timeouts; the runtime's by default. */
  clock?: Clock;
  /** Uniform in [0, 1), for `--mx-delay`. */
  random: () => number;
  /** Resolves when the user asks to stop (Ctrl+C, SIGTERM). */
  stopRequested: Promise<string>;
  /** Where events go; {@linkcode logEvent} (the log) by default. */
  emit?: Emit;
  /** Shows the live one-line status; only given on a terminal. */
  status?: (text: string) => void;
  /** Opens the SSDP socket; the real one on `0.0.0.0` by default, a fake in the in-process tests. */
  openSsdpSocket?: (port: number) => SsdpSocket;
  /** Starts the `--on-camera` program; `Deno.Command` by default. */
  spawn?: Spawn;
  /** Sends a request to an EOS camera and reads its answer; `exchangeRaw` by default. */
  exchange?: RawExchange;
  /** Opens the socket of the start-up EOS search, bound to a served address. */
  openSearchSocket?: (address: string) => SearchSocket;
  /** The intervals a test shortens: production values by default. */
  timing?: Partial<ServeTiming>;
}

/** The intervals of `serve`, in milliseconds; the camera side's have their defaults there. */
export interface ServeTiming {
  /** How often refused answers are summed up in one line. */
  refusalSummaryMs: number;
  /** How long after a flood of answers or requests began it is summed up in one line. */
  floodSummaryMs: number;
  /** How long after a camera's first fetch its presence is asked for. */
  presenceSearchDelayMs?: number;
  /** How an announcing EOS camera's description is fetched again while it waits. */
  eosFetchPlan?: EosFetchPlan;
}

/** How long a client has to send its request head to the description server. */
const HEADER_TIMEOUT_MS = 5_000;
/** Concurrent description connections; a camera needs one, a LAN full of them a few. */
const MAX_CONNECTIONS = 64;
/** How long a stop waits for stderr to take the last log lines. */
const LOG_FLUSH_DEADLINE_MS = 1000;
/** The production intervals. */
const TIMING: ServeTiming = {
  refusalSummaryMs: 10_000,
  floodSummaryMs: 1000,
};

/**
 * Runs until a stop is requested. When it cannot start it throws a `HelperError`, or a `SocketError`
 * for a port it cannot open, which the edge words with the processes on that port.
 */
export async function serve(
  config: ServeConfig,
  uuid: ResolvedUuid,
  env: ServeEnvironment,
): Promise<void> {
  try {
    await run(config, uuid, env);
  } finally {
    // The last lines ("stopped", or what led to a failure) reach stderr before the exit, unless
    // nobody reads it: the stop never waits on the log for long.
    await flushLogs(LOG_FLUSH_DEADLINE_MS);
  }
}

async function run(config: ServeConfig, uuid: ResolvedUuid, env: ServeEnvironment): Promise<void> {
  const emit = env.emit ?? logEvent;
  const timing = { ...TIMING, ...env.timing };
  const clock = env.clock ?? systemClock;
  const device = deviceOf(identityFor(uuid.uuid));
  const locationOf = locationProvider(config.descPort, config.descPath);
  const name = config.name ?? nameFromHostname(env.hostname());
  emit({ event: "start", version: env.version, name });
  emit({ event: "uuid", uuid: uuid.uuid, source: describeUuidSource(uuid) });

  // Whatever was started is undone in reverse, on a stop and on a failed start alike.
  await using stack = new AsyncDisposableStack();
  const limiter = new RateLimiter(config.limits, clock);
  const conn = (env.openSsdpSocket ?? openSsdpSocket)(config.ssdpPort);
  stack.defer(() => conn.close());
  const lines = { emit, clock, summaryMs: timing.floodSummaryMs };
  const searches = searchLines(lines);
  stack.defer(() => searches.close());
  const requests = httpLines(lines);
  stack.defer(() => requests.close());
  const answerer = new SearchAnswerer(
    answererOptions(config, { targets: device.all, locationOf, limiter, random: env.random }),
  );
  const send = (bytes: Uint8Array, to: Deno.NetAddr) => conn.send(bytes, to);
  const serves = (ip: string) => answerer.serves(ip);
  const cameras = new LazyCameraSide(
    cameraOptions(config, env, { uuid: uuid.uuid, name, emit, clock, timing, send, serves }),
  );
  stack.defer(() => cameras.stop());
  const description = { uuid: uuid.uuid, name, deviceType: device.type.st, version: env.version };
  const server = new DescriptionServer(serverOptions(config, description, (request) => {
    requests.requested(request);
    // Only the description is ever answered 200: a GET of it is a camera pairing or reconnecting.
    if (request.status === 200 && request.method === "GET") cameras.fetched(request.remote);
  }));
  stack.defer(() => server.close());
  const announced = { targets: [device.root, device.uuid], locationOf, emit };
  const announcer = config.announce
    ? new Announcer(announcerOptions(config, announced))
    : undefined;
  if (announcer) stack.defer(() => announcer.stop());

  // With --eos the EOS watch is on from the start: it asks for bodies that announced already.
  if (config.eos) await cameras.load();

  const memberships = new Memberships(conn);
  const follower = new NetworkFollower(
    followerOptions(config, env, { emit, locationOf, memberships, server }, async (served) => {
      answerer.setServed(served);
      await announcer?.update(served);
      // EOS bodies that announced before this address was served are asked for once.
      cameras.searchFrom(served.map((s) => s.address));
    }),
  );
  if (config.bindAll) server.listen("0.0.0.0");
  await follower.start(config.rescanSeconds);
  stack.defer(() => follower.stop());
  reportUnknownInterfaces(env.networkInterfaces(), config.interfaceNames, emit);
  const refusals = summariseRefusals({ limiter, intervalMs: timing.refusalSummaryMs, clock, emit });
  stack.defer(() => refusals.cancel());

  const rescan = () => follower.rescan();
  const events = responderEvents({ emit, clock, searches, cameras, rescan });
  const handlers = { search: answerer, presence: cameras };
  const responding = runResponder(conn, handlers, events, config.verbosity === "verbose");
  emit({ event: "ready", served: follower.served.map((s) => s.address) });
  cameras.start();
  const signal = await env.stopRequested;
  await stack.disposeAsync();
  // The socket loop ends once its socket is closed: the stop line is the last one, after the count
  // of any flood still being summed up.
  await responding;
  searches.close();
  requests.close();
  emit({ event: "stop", signal });
}

/** The answerer's settings: the flags it reads, and the parts `run` made (named there, typed here). */
function answererOptions(
  config: Pick<ServeConfig, "maxAge" | "anySource" | "mxDelay">,
  parts: Pick<AnswererOptions, "targets" | "locationOf" | "limiter" | "random">,
): AnswererOptions {
  return { ...parts, maxAge: config.maxAge, anySource: config.anySource, mxDelay: config.mxDelay };
}

/** What the camera side is built from besides the flags. */
interface CameraParts {
  /** The device UUID. */
  uuid: string;
  /** The name the camera lists: the photo sink sends it as the host name. */
  name: string;
  /** Where the camera side's and the sink's events go. */
  emit: Emit;
  /** serve's one clock. */
  clock: Clock;
  /** The presence delay and the EOS fetch plan a test shortens. */
  timing: ServeTiming;
  /** Sends from the SSDP socket. */
  send: (bytes: Uint8Array, to: Deno.NetAddr) => Promise<unknown>;
  /** Whether `ip` is a served host, asked by the EOS watch. */
  serves: (ip: string) => boolean;
}

/** The flags the camera side and the photo sink read. */
type CameraFlags = Pick<
  ServeConfig,
  "importTo" | "onPhoto" | "ssdpPort" | "onCamera" | "probePtpip" | "onCameraAny" | "eos"
>;

/** How the camera side (and with `--import-to` the photo sink) is loaded, and a failed load said. */
function cameraOptions(
  config: CameraFlags,
  env: ServeEnvironment,
  parts: CameraParts,
): LazySideOptions {
  return {
    load: () => loadCameraSide(config, env, parts),
    onLoadError: (error) =>
      parts.emit({ event: "cameras-unavailable", error: errorMessage(error) }),
    status: env.status,
  };
}

async function loadCameraSide(
  config: CameraFlags,
  env: ServeEnvironment,
  parts: CameraParts,
): Promise<CameraSide> {
  const { cameraSide } = await import("../cameras/camera_side.ts");
  // --import-to: the photo sink loads with the camera side, never before the first answer.
  const photos = config.importTo === undefined
    ? undefined
    : (await import("../sink/serve_sink.ts")).serveSink({
      importTo: config.importTo,
      onPhoto: config.onPhoto,
      uuid: parts.uuid,
      hostName: parts.name,
      clock: parts.clock,
      emit: parts.emit,
      status: env.status,
      spawn: env.spawn,
    });
  return cameraSide({
    sink: photos?.sink,
    emit: parts.emit,
    ownUuid: parts.uuid,
    clock: parts.clock,
    ssdpPort: config.ssdpPort,
    onCamera: config.onCamera,
    probePtpip: config.probePtpip,
    anyDevice: config.onCameraAny,
    send: parts.send,
    status: photos?.cameraStatus ?? env.status,
    spawn: env.spawn,
    presenceSearchDelayMs: parts.timing.presenceSearchDelayMs,
    exchange: env.exchange,
    eos: {
      enabled: config.eos,
      serves: parts.serves,
      openSearchSocket: env.openSearchSocket,
      plan: parts.timing.eosFetchPlan,
    },
  });
}

/** The description server's settings: its port and path, the document it serves, who hears requests. */
function serverOptions(
  config: Pick<ServeConfig, "descPort" | "descPath">,
  description: Parameters<typeof renderDescription>[0],
  onRequest: DescriptionServerOptions["onRequest"],
): DescriptionServerOptions {
  return {
    port: config.descPort,
    path: config.descPath,
    body: new TextEncoder().encode(renderDescription(description)),
    headerTimeoutMs: HEADER_TIMEOUT_MS,
    maxConnections: MAX_CONNECTIONS,
    onRequest,
  };
}

/** The announcer's settings: `--max-age`, and a failed send as one line. */
function announcerOptions(
  config: Pick<ServeConfig, "maxAge">,
  parts: Pick<AnnouncerOptions, "targets" | "locationOf"> & { emit: Emit },
): AnnouncerOptions {
  return {
    targets: parts.targets,
    maxAge: config.maxAge,
    locationOf: parts.locationOf,
    onError: (error, address) =>
      parts.emit({ event: "announce-failed", address, error: errorMessage(error) }),
  };
}

/** The follower's settings: which interfaces are served (LAN_IP, `-i`), and how they are served. */
function followerOptions(
  config: Pick<ServeConfig, "lanAddress" | "interfaceNames" | "bindAll" | "ssdpPort">,
  env: Pick<ServeEnvironment, "networkInterfaces">,
  parts: Pick<FollowerOptions, "emit" | "locationOf" | "memberships" | "server">,
  onChange: FollowerOptions["onChange"],
): FollowerOptions {
  return {
    select: () =>
      servedAddresses(selectInterfaces(env.networkInterfaces(), {
        lanAddress: config.lanAddress,
        interfaceNames: config.interfaceNames,
      })),
    ...parts,
    bindAll: config.bindAll,
    ssdpPort: config.ssdpPort,
    onChange,
  };
}

/** One line for each `-i` name no interface has. */
function reportUnknownInterfaces(
  interfaces: readonly InterfaceAddress[],
  names: readonly string[],
  emit: Emit,
): void {
  for (const { name, why } of missingInterfaces(interfaces, names)) {
    if (why === "absent") emit({ event: "unknown-interface", name });
  }
}

/** What the socket loop reports, as lines and as what the cameras hear. */
function responderEvents(parts: {
  emit: Emit;
  clock: Pick<Clock, "now">;
  searches: SearchLines;
  cameras: Pick<CameraSide, "searched">;
  rescan: () => void;
}): ResponderEvents {
  const { emit, searches, cameras } = parts;
  return {
    onDecision: (d, from) =>
      emit({
        event: "datagram",
        from: `${from.hostname}:${from.port}`,
        verdict: d.kind === "answer" ? `answered (${d.answers.length})` : `ignored: ${d.reason}`,
      }),
    onAnswered: (d, from) => {
      searches.answered(d, from);
      cameras.searched(from.hostname, d.userAgent);
    },
    onReceiveError: (error) => emit({ event: "receive-error", error: errorMessage(error) }),
    onSendError: sendFailureHandler({ clock: parts.clock, emit, rescan: parts.rescan }),
  };
}
