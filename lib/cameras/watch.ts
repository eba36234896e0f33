/**
 * What the helper does about cameras while it serves: feeds the {@linkcode CameraTracker}, asks each
 * camera that fetched the description once for its presence (a unicast M-SEARCH from the SSDP socket,
 * so the answer comes back to the responder loop), and turns each step into an event, the live
 * status, the optional PTP/IP check and the `--on-camera` program.
 *
 * @module
 */

import { type Camera, cameraName, CameraTracker } from "./tracker.ts";
import { clientCommands, ptpipRefusalText, statusText } from "./text.ts";
import { PTPIP_PORT } from "../ptpip/port.ts";
import {
  type HookCamera,
  type HookEvents,
  HookRunner,
  hookStartError,
  type Spawn,
} from "./hook_runner.ts";
import type { Emit } from "../events.ts";
import { checkPtpipPort } from "./ptpip_check.ts";
import { unicastPresenceSearch } from "../ssdp/search_request.ts";
import { errorMessage } from "../errors.ts";
import type { PresenceHandler } from "../ssdp/responder.ts";
import type { SsdpMessage } from "../ssdp/message.ts";
import type { EosAnnouncement, EosNames } from "./eos_flow.ts";
import type { Clock, Timer } from "../util/timers.ts";
import type { SinkSide } from "../sink/serve_sink.ts";

/** Settings of the watch. */
export interface CameraWatchOptions {
  /** Our own UUID: our NOTIFYs echoing back are not a camera's. */
  ownUuid: string;
  /** Times the cameras, the presence searches, the max-age checks and the hook's caps. */
  clock: Clock;
  /** Where cameras listen for SSDP: 1900, or the helper's `-p` port in tests. */
  ssdpPort: number;
  /** `--on-camera` program and arguments. */
  onCamera?: readonly string[];
  /** `--probe-ptpip`; never used on an EOS-flow camera, whose one PTP/IP connection it would burn. */
  probePtpip: boolean;
  /** `--on-camera-any`: a device that is no Canon camera may be ready too. */
  anyDevice?: boolean;
  /** Sends from the SSDP socket. */
  send(bytes: Uint8Array, to: Deno.NetAddr): Promise<unknown>;
  /** Reports each step (one log line each). */
  emit: Emit;
  /** Starts the `--on-camera` program; `Deno.Command` by default. */
  spawn?: Spawn;
  /** Shows the live status (a terminal only). */
  status?: (text: string) => void;
  /** How long after a first fetch presence is asked for; {@linkcode PRESENCE_SEARCH_DELAY_MS} by default. */
  presenceSearchDelayMs?: number;
  /** `--import-to`: the photo sink, told when a camera is ready and when it leaves. */
  sink?: SinkSide;
}

/**
 * How long after a camera's first fetch we ask for its presence: a camera that is pairing lists the
 * computers first and comes up only once the user picked one; a reconnecting one comes up at once.
 */
const PRESENCE_SEARCH_DELAY_MS = 3000;
/** How often ready cameras are checked against their max-age. */
const SWEEP_INTERVAL_MS = 10_000;

const encoder = new TextEncoder();

function hookCamera(camera: Camera): HookCamera {
  return { ip: camera.ip, name: cameraName(camera) ?? "", model: camera.model, flow: camera.flow };
}

/** Follows cameras while the helper serves; hears their presence from the SSDP loop. */
export class CameraWatch implements PresenceHandler {
  readonly #tracker: CameraTracker;
  readonly #options: CameraWatchOptions;
  readonly #hooks?: HookRunner;
  readonly #timers = new Set<Timer>();
  readonly #pending = new Set<Promise<void>>();
  #sweeper?: Timer;

  /**
   * Keeps its settings; starts nothing.
   * @param options our UUID, clock, SSDP port, hook, and the socket to send from
   */
  constructor(options: CameraWatchOptions) {
    this.#options = options;
    this.#hooks = options.onCamera
      ? new HookRunner(options.onCamera, hookEvents(options.emit), {
        spawn: options.spawn,
        clock: options.clock,
        // A run that waited its turn is for a camera still up, not one that left meanwhile.
        wanted: (camera) => this.#tracker.get(camera.ip)?.state === "ready",
      })
      : undefined;
    const emit = options.emit;
    this.#tracker = new CameraTracker({
      ownUuid: options.ownUuid,
      clock: options.clock,
      anyDevice: options.anyDevice,
      events: {
        probe: (camera) => this.#schedulePresenceSearch(camera.ip),
        pairing: (camera) => emit({ event: "camera-pairing", ip: camera.ip }),
        ready: (camera, via) => this.#ready(camera, via),
        notCamera: (camera) =>
          emit({ event: "device-fetched", ip: camera.ip, server: camera.server ?? null }),
        gone: (camera, reason) => {
          emit({
            event: "camera-gone",
            ip: camera.ip,
            reason,
            chdkptp: clientCommands(camera.ip).chdkptp,
          });
          options.sink?.gone(camera.ip, reason);
        },
        changed: () => this.#showStatus(),
      },
    });
  }

  /** Whether SSDP messages other than searches from `ip` matter: a camera being followed. */
  wants(ip: string): boolean {
    return this.#tracker.follows(ip);
  }

  /** A followed camera's NOTIFY or answer. */
  heard(message: SsdpMessage, ip: string): void {
    this.#tracker.heard(message, ip);
  }

  /** A search from `ip` was answered; its User-Agent may name the camera. */
  searched(ip: string, userAgent: string | undefined): void {
    this.#tracker.searched(ip, userAgent);
  }

  /** `ip` fetched the description: a camera pairing or reconnecting. */
  fetched(ip: string): void {
    this.#tracker.fetched(ip);
  }

  /**
   * We fetched an EOS camera's description and it answered: it is armed, and ready. Returns `false`
   * when it left too recently to be ready again.
   */
  eosFetched(announcement: EosAnnouncement, names: EosNames): boolean {
    return this.#tracker.eosFetched(announcement.ip, {
      model: names.modelName ?? names.friendlyName,
      usn: announcement.usn,
      maxAgeSeconds: announcement.maxAgeSeconds,
    });
  }

  /** Whether the camera at `ip` left too recently to become ready again. */
  coolingDown(ip: string): boolean {
    return this.#tracker.coolingDown(ip);
  }

  /** Shows the first status and starts checking ready cameras' max-age. */
  start(): void {
    this.#showStatus();
    this.#sweeper = this.#options.clock.every(SWEEP_INTERVAL_MS, () => this.#tracker.sweep());
  }

  /** Stops the timers and the running programs. */
  async stop(): Promise<void> {
    this.#sweeper?.cancel();
    for (const timer of this.#timers) timer.cancel();
    this.#timers.clear();
    await Promise.all(this.#pending);
    await this.#options.sink?.stop();
    await this.#hooks?.stop();
  }

  #showStatus(): void {
    this.#options.status?.(statusText(this.#tracker.active));
  }

  #schedulePresenceSearch(ip: string): void {
    const delayMs = this.#options.presenceSearchDelayMs ?? PRESENCE_SEARCH_DELAY_MS;
    const timer = this.#options.clock.after(delayMs, () => {
      this.#timers.delete(timer);
      const to: Deno.NetAddr = { transport: "udp", hostname: ip, port: this.#options.ssdpPort };
      this.#options.emit({ event: "camera-search", ip, port: to.port });
      this.#options.send(encoder.encode(unicastPresenceSearch(ip, to.port)), to).catch((error) =>
        this.#options.emit({ event: "camera-search-failed", ip, error: errorMessage(error) })
      );
    });
    this.#timers.add(timer);
  }

  #ready(camera: Camera, via: string): void {
    const name = cameraName(camera);
    const emit = this.#options.emit;
    emit({
      event: "camera-ready",
      camera: name ? `${camera.ip} (${name})` : camera.ip,
      ip: camera.ip,
      name: name ?? null,
      model: camera.model ?? null,
      flow: camera.flow,
      usn: camera.usn ?? null,
      via,
      ...clientCommands(camera.ip),
    });
    const use = () => {
      this.#options.sink?.ready({ ip: camera.ip, model: camera.model ?? name });
      this.#hooks?.run(hookCamera(camera));
    };
    if (!this.#options.probePtpip || camera.flow === "eos") return use();
    // The check's connection is closed before the program starts, so the program finds the camera's
    // single PTP/IP slot free.
    const pending: Promise<void> = checkPtpipPort(camera.ip).then((result) => {
      const check = {
        event: "ptpip-check",
        ip: camera.ip,
        port: PTPIP_PORT,
        open: result.ok,
      } as const;
      emit(result.ok ? check : { ...check, reason: ptpipRefusalText(result.error) });
      use();
    }).finally(() => this.#pending.delete(pending));
    this.#pending.add(pending);
  }
}

/** The hook runner's reports as events. */
function hookEvents(emit: Emit): HookEvents {
  return {
    started: (camera, argv, pid) =>
      emit({ event: "hook-start", ip: camera.ip, command: argv.join(" "), argv, pid }),
    output: (camera, stream, line) => emit({ event: "hook-output", ip: camera.ip, stream, line }),
    exited: (camera, exit) =>
      emit({ event: "hook-exit", ip: camera.ip, code: exit.code, signal: exit.signal }),
    failed: (camera, error) =>
      emit({ event: "hook-error", ip: camera.ip, error: hookStartError(error) }),
    busy: (camera) => emit({ event: "hook-busy", ip: camera.ip }),
    deferred: (camera, reason, inMs) =>
      emit({ event: "hook-deferred", ip: camera.ip, reason, seconds: Math.ceil(inMs / 1000) }),
  };
}
