/**
 * The photo sink as `serve` wires it, loaded with the camera side only when `--import-to` is given
 * (so the answer path never loads the PTP/IP client or the importer): the session opener (the GUID
 * `gphoto2-guid` gives, this computer's name, no CloseSession), the importer, the `--on-photo`
 * hook, and the status line shared with the camera watch.
 *
 * @module
 */

import type { Emit } from "../events.ts";
import { guidFromDeviceUuid } from "../gphoto2/guid.ts";
import { importNew } from "../import/importer.ts";
import { openPtpipSession } from "../ptpip/session.ts";
import type { Spawn } from "../cameras/hook_runner.ts";
import { PTPIP_PORT } from "../ptpip/port.ts";
import { noGuidError } from "../errors.ts";
import type { Clock } from "../util/timers.ts";
import { absolutePath } from "../util/path.ts";
import { type LeaveReason, PhotoSink, type SinkCamera } from "./photo_sink.ts";
import { PhotoHook } from "./photo_hook.ts";
import { statusMux } from "./status.ts";
import { eosWatch } from "./eos_body.ts";

/** What the camera watch tells the sink. */
export interface SinkSide {
  /** A camera is ready: it gets a link, or waits for a free one. */
  ready(camera: SinkCamera): void;
  /** A camera left or is no longer heard. */
  gone(ip: string, reason: LeaveReason): void;
  /** Ends every link and `--on-photo` run. */
  stop(): Promise<void>;
}

/** What `serve` hands the sink. */
export interface ServeSinkOptions {
  /** `--import-to`, as given. */
  importTo: string;
  /** `--on-photo`'s program and arguments, if given. */
  onPhoto?: readonly string[];
  /** The device UUID: the PTP/IP GUID derives from it. */
  uuid: string;
  /** This computer's name, sent to the camera. */
  hostName: string;
  /** Times the links and the `--on-photo` runs. */
  clock: Clock;
  /** Reports the links' and the `--on-photo` runs' steps, as log lines. */
  emit: Emit;
  /** The live status line (a terminal only). */
  status?: (text: string) => void;
  /** Starts `--on-photo`; `Deno.Command` by default. */
  spawn?: Spawn;
  /**
   * The camera's PTP/IP port, {@linkcode PTPIP_PORT}; a test gives a free one, as the fixed port may
   * be held on the test machine (the lab's fake cameras listen there).
   */
  ptpipPort?: number;
}

/** The sink and the camera watch's half of the status line. */
export interface ServeSink {
  /** What the camera watch tells of cameras coming and going. */
  sink: SinkSide;
  /** The status writer the camera watch uses instead of the line itself. */
  cameraStatus?: (text: string) => void;
}

/** Builds the sink; starts nothing until a camera is ready. */
export function serveSink(options: ServeSinkOptions): ServeSink {
  const guid = guidFromDeviceUuid(options.uuid);
  if (!guid.ok) throw noGuidError(guid.error);
  const mux = options.status ? statusMux(options.status) : undefined;
  const { clock } = options;
  const hook = options.onPhoto
    ? new PhotoHook(options.onPhoto, options.emit, { spawn: options.spawn, clock })
    : undefined;
  const photos = new PhotoSink({
    dest: absolutePath(options.importTo, () => Deno.cwd()),
    // Never CloseSession: 2016-and-later EOS bodies refuse everything after it, the body is known
    // only once the session is open, and closing the connections ends a session on every body.
    open: (ip) =>
      openPtpipSession({
        host: ip,
        port: options.ptpipPort ?? PTPIP_PORT,
        guid: guid.value,
        hostName: options.hostName,
        closeSession: false,
      }),
    importNew,
    watchFor: eosWatch(),
    clock,
    emit: options.emit,
    status: mux?.sink,
    imported: hook ? (ip, path) => hook.imported(ip, path) : undefined,
  });
  return {
    sink: {
      ready: (camera) => photos.ready(camera),
      gone: (ip, reason) => photos.gone(ip, reason),
      stop: async () => {
        await photos.stop();
        await hook?.stop();
      },
    },
    cameraStatus: mux?.cameras,
  };
}
