/**
 * The `import` command, wiring only: where the photos go, which camera, the GUID the camera knows
 * this computer by, then the PTP/IP session, the importer and the one summary line. Every failure
 * becomes one {@linkcode HelperError} here, worded for the user.
 *
 * @module
 */

import type { Command } from "../cli/parse.ts";
import { EXIT, HelperError } from "../errors.ts";
import { findCanonCameras, type FoundCamera } from "../cameras/find.ts";
import { defaultImportFolder } from "../import/default_folder.ts";
import type { InterfaceAddress } from "../network/interfaces.ts";
import type { UuidOptions } from "../uuid/store.ts";

/** What `import` reads from the command line. */
export type ImportCommand = Extract<Command, { kind: "import" }>;

/** The machine, handed in. */
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
  /** Monotonic milliseconds. */
  now: () => number;
  /** Shows the live progress line (a terminal with text logs only). */
  status?: (text: string) => void;
  /** How long the search collects answers; 3 s by default. */
  findWindowMs?: number;
}

/** The folder the photos go into: `--to`, or the default one. */
export function importFolder(command: ImportCommand, deps: Pick<ImportDeps, "os" | "env">): string {
  if (command.to !== undefined) return command.to;
  const folder = defaultImportFolder(deps.os, deps.env);
  if (!folder.ok) throw new HelperError(folder.error);
  return folder.value;
}

/** The camera to import from: CAMERA_IP, or the one Canon camera that answers a search. */
export async function chooseCamera(
  command: ImportCommand,
  deps: Pick<ImportDeps, "interfaces" | "findWindowMs">,
): Promise<string> {
  if (command.camera !== undefined) return command.camera;
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

/** Runs `import`: copies the new photos, logs the summary; throws a {@linkcode HelperError}. */
export async function runImportCommand(command: ImportCommand, deps: ImportDeps): Promise<void> {
  const folder = importFolder(command, deps);
  const camera = await chooseCamera(command, deps);
  throw new HelperError(
    `the PTP/IP session is not built yet: cannot import from ${camera} into ${folder}.`,
  );
}
