/**
 * The `import` command, wiring only: where the photos go, which camera, the GUID the camera knows
 * this computer by, then the PTP/IP session, the importer and the one summary line. Every failure
 * becomes one {@linkcode HelperError} here, worded for the user.
 *
 * @module
 */

import { errorMessage, EXIT, HelperError, noGuidError, uuidOrThrow } from "../errors.ts";
import type { Emit } from "../events.ts";
import { PTPIP_PORT } from "../ptpip/port.ts";
import { guidFromDeviceUuid } from "../gphoto2/guid.ts";
import { type ImportFailure, importNew } from "../import/importer.ts";
import { ptpipSource } from "../import/ptpip_source.ts";
import { eosSource } from "../import/eos_source.ts";
import { isEosBody, startEosMode } from "../ptpip/eos.ts";
import { INIT_FAIL } from "../ptpip/codes.ts";
import { cleanText } from "../util/text.ts";
import { openPtpipSession, type SessionFailure, type SessionTimeouts } from "../ptpip/session.ts";
import { formatBytes, formatSeconds, ImportReporter } from "../terminal/import_progress.ts";
import { findCanonCameras, type FindOptions, type FoundCamera } from "../cameras/find.ts";
import { defaultImportFolder } from "../import/default_folder.ts";
import type { InterfaceAddress } from "../network/interfaces.ts";
import { resolveUuid, type UuidOptions } from "../uuid/store.ts";
import { systemClock } from "../util/timers.ts";

/** What `import` reads from the command line. */
export interface ImportCommand {
  /** Where the camera is searched for: the SSDP port and the `-i` names. */
  config: Pick<FindOptions, "ssdpPort" | "interfaceNames">;
  /** CAMERA_IP: the camera to import from; searched for when absent. */
  camera?: string;
  /** `--to DIR`: where the photos go; the Pictures folder's Canon folder when absent. */
  to?: string;
}

/** The machine, handed in, and the settings a test changes. */
export interface ImportDeps {
  /** How the device UUID is found (as for `serve`). */
  uuid: UuidOptions;
  /** This computer's name, sent to the camera. */
  hostname: () => string;
  /** The system, for the default folder. */
  os: typeof Deno.build.os;
  /** Environment variables, for the default folder. */
  env: (name: string) => string | undefined;
  /** The interface list, for the search. */
  interfaces: () => InterfaceAddress[];
  /** Reports each step; `logEvent` in production. */
  emit: Emit;
  /** Shows the live progress line (a terminal with text logs only). */
  status?: (text: string) => void;
  /** How long the search collects answers; 3 s by default. */
  findWindowMs?: number;
  /** The camera's PTP/IP port; 15740 but in tests. */
  ptpipPort?: number;
  /** Session deadlines a test shortens. */
  timeouts?: Partial<SessionTimeouts>;
  /**
   * Called as the copying begins: the signal that stops it between two chunks (Ctrl+C), keeping
   * the partial file. Until then a stop signal ends the process at once: there is nothing to undo.
   */
  stopSignal?: () => AbortSignal;
}

/** The folder the photos go into: `--to`, or the default one. */
function importFolder(command: ImportCommand, deps: Pick<ImportDeps, "os" | "env">): string {
  if (command.to !== undefined) return command.to;
  const folder = defaultImportFolder(deps.os, deps.env);
  if (!folder.ok) throw new HelperError(folder.error);
  return folder.value;
}

/** The camera to import from: CAMERA_IP, or the one Canon camera that answers a search. */
async function chooseCamera(
  command: ImportCommand,
  deps: Pick<ImportDeps, "interfaces" | "findWindowMs" | "status">,
): Promise<string> {
  if (command.camera !== undefined) return command.camera;
  deps.status?.("looking for Canon cameras on the network…");
  const found = await findCanonCameras({
    ssdpPort: command.config.ssdpPort,
    interfaceNames: command.config.interfaceNames,
    interfaces: deps.interfaces,
    windowMs: deps.findWindowMs,
  });
  if (!found.ok) {
    throw new HelperError(
      "no network interface to look for the camera from: connect to the camera's network, or " +
        "name the interface with -i NAME, or give the camera's address: " +
        "ptpip-canon-helper import CAMERA_IP.",
    );
  }
  return onlyCamera(found.value);
}

/** The one camera found, or the error for none or several. Pure. */
export function onlyCamera(found: readonly FoundCamera[]): string {
  if (found.length === 1) return found[0].ip;
  if (found.length === 0) {
    throw new HelperError(
      "no Canon camera answered on the network. Start the helper (ptpip-canon-helper) and pair " +
        'the camera with it ("connect to computer"), then run import again while the camera ' +
        "shows it is connected; or give the camera's address: ptpip-canon-helper import CAMERA_IP.",
    );
  }
  throw new HelperError(
    `${found.length} Canon cameras answered: ${found.map((c) => c.ip).join(", ")}. Say which ` +
      `one to import from: ptpip-canon-helper import ${found[0].ip}`,
    EXIT.usage,
  );
}

/** The words for a session that would not open, or broke before the import began. Pure. */
function sessionFailureMessage(
  failure: SessionFailure,
  camera: string,
  port: number,
): string {
  const where = `camera ${camera} (PTP/IP port ${port})`;
  const check = 'Check that the camera is on, in "connect to computer" mode (Wi-Fi > computer) ' +
    "showing it is connected, on this computer's network, and paired with this helper.";
  switch (failure.kind) {
    case "refused":
      return `${where} refused the connection: it is not waiting for a computer, or another ` +
        "program (gphoto2, an --on-camera hook) holds its one connection. " + check;
    case "unreachable":
    case "timeout":
      return `${where} did not answer (${failure.detail}). ${check}`;
    case "init-fail":
      return failure.code === INIT_FAIL.Busy
        ? `${where} is busy: another program holds its connection (gphoto2, an --on-camera ` +
          "hook, EOS Utility) or it is still listing computers. Close the other program and " +
          "run import again."
        : `${where} does not accept this computer: ${failure.detail}. Pair it with the helper ` +
          "first: run ptpip-canon-helper, on the camera choose Wi-Fi > computer and pick this " +
          "computer, then run import again (with the same --uuid or --uuid-file, if any).";
    case "busy":
      return `${where} is busy (${failure.detail}): another program may be using it (gphoto2, ` +
        "an --on-camera hook). Close it and run import again.";
    default:
      return `${where} broke off the session (${failure.detail}). Nothing was imported; run ` +
        "import again, and if it keeps happening restart the camera's Wi-Fi connection.";
  }
}

/** The words for an import that stopped part-way. Pure. */
function importFailureMessage(failure: ImportFailure, camera: string): string {
  switch (failure.kind) {
    case "source":
      return `the import from camera ${camera} stopped, its connection lost (${failure.detail}). ` +
        "Run import again to resume where it stopped.";
    case "disk-full":
      return `the destination is full: ${failure.detail}. Make room and run import again.`;
    case "aborted":
      return `${failure.detail}. Run import again to resume.`;
    default:
      return failure.detail + ".";
  }
}

/** Runs `import`: copies the new photos, logs the summary; throws a {@linkcode HelperError}. */
export async function runImportCommand(command: ImportCommand, deps: ImportDeps): Promise<void> {
  const folder = importFolder(command, deps);
  const camera = await chooseCamera(command, deps);
  const resolved = uuidOrThrow(await resolveUuid(deps.uuid));
  const guid = guidFromDeviceUuid(resolved.uuid);
  if (!guid.ok) throw noGuidError(guid.error);
  const port = deps.ptpipPort ?? PTPIP_PORT;
  deps.status?.(`connecting to camera ${camera}…`);
  let eos = false;
  const opened = await openPtpipSession({
    host: camera,
    port,
    guid: guid.value,
    hostName: deps.hostname(),
    timeouts: deps.timeouts,
    // Never to an EOS body: 2016-and-later ones refuse everything after it (libgphoto2).
    closeSession: () => !eos,
  });
  if (!opened.ok) throw new HelperError(sessionFailureMessage(opened.error, camera, port));
  await using session = opened.value;
  const info = await session.deviceInfo();
  if (!info.ok) throw new HelperError(sessionFailureMessage(info.error, camera, port));
  eos = isEosBody(info.value);
  if (eos) {
    // Canon's remote and event modes, as libgphoto2 enters them before touching the card.
    const started = await startEosMode(session, info.value);
    if (!started.ok) throw new HelperError(sessionFailureMessage(started.error, camera, port));
  }
  const source = eos ? eosSource(session, info.value) : ptpipSource(session, info.value);
  if (command.to === undefined) await mkdirParents(folder);
  deps.emit({
    event: "import-start",
    camera,
    model: cleanText(info.value.model, 80) || "a camera",
    to: folder,
  });
  // The runtime's clock times the progress and dates photos that carry no date.
  const reporter = new ImportReporter({ emit: deps.emit, status: deps.status, clock: systemClock });
  const result = await importNew(source, {
    dest: folder,
    clock: () => systemClock.wallNow(),
    onProgress: (event) => reporter.handle(event),
    signal: deps.stopSignal?.(),
  });
  await session.close();
  const summary = result.ok ? result.value : result.error.summary;
  deps.emit({
    event: "import-summary",
    camera,
    imported: summary.imported,
    bytes: summary.bytes,
    size: formatBytes(summary.bytes),
    seconds: formatSeconds(summary.ms),
    skipped: summary.alreadyImported,
  });
  if (!result.ok) throw new HelperError(importFailureMessage(result.error, camera));
  if (summary.failed.length > 0) {
    throw new HelperError(
      `${summary.failed.length} of the camera's photos could not be imported (see the lines ` +
        "above); the others are complete. Run import again to retry them.",
    );
  }
}

/** Makes the default folder and its parents: a fresh home may have no Pictures folder yet. */
async function mkdirParents(folder: string): Promise<void> {
  try {
    await Deno.mkdir(folder, { recursive: true });
  } catch (error) {
    throw new HelperError(
      `cannot make ${folder}: ${errorMessage(error)}. Choose a folder with --to DIR.`,
    );
  }
}
