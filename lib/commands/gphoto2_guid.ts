/**
 * The `gphoto2-guid` command: prints the libgphoto2 settings line that gives gphoto2 a stable PTP/IP
 * GUID (derived from the device UUID), or, with `--write`, puts it into gphoto2's settings file —
 * atomically, every other line kept — so an EOS body paired once reconnects.
 *
 * @module
 */

import { errorMessage, HelperError } from "../errors.ts";
import {
  gphotoSettingsPath,
  guidAsUuid,
  guidFromDeviceUuid,
  guidSettingsLine,
  mergeGuidSetting,
  type SettingsEnvironment,
} from "../gphoto2/guid.ts";
import { replaceFileChecked } from "../util/checked_write.ts";
import { resolveUuid, type UuidOptions } from "../uuid/store.ts";

/** What the command line asks for. */
export interface Gphoto2GuidConfig {
  /** `--write`: put the line into the settings file instead of only printing it. */
  write: boolean;
  /** `--settings-file PATH`: the file to write instead of the one libgphoto2 reads. */
  settingsPath?: string;
}

/** Larger settings files are not read: libgphoto2's own holds a few dozen short lines. */
const MAX_SETTINGS_BYTES = 1 << 20;

/** The settings file's content, `""` when it does not exist, and its permission bits. */
async function readSettings(path: string): Promise<{ text: string; mode: number }> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { text: "", mode: 0o644 };
    throw new HelperError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  if (!info.isFile) throw new HelperError(`${path} is not a regular file; nothing was written.`);
  if (info.size > MAX_SETTINGS_BYTES) {
    throw new HelperError(
      `${path} is ${info.size} bytes, too big for gphoto2's settings; nothing was written.`,
    );
  }
  return { text: await Deno.readTextFile(path), mode: (info.mode ?? 0o644) & 0o777 };
}

/** Where the command writes: the settings line (stdout) and the explanation (stderr). */
export interface CommandOutput {
  /** One line for stdout. */
  out: (line: string) => void;
  /** One line for stderr. */
  err: (line: string) => void;
}

const CONSOLE: CommandOutput = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Prints the line (stdout) or writes it; explanations go to stderr. */
export async function runGphoto2GuidCommand(
  config: Gphoto2GuidConfig,
  uuidOptions: UuidOptions,
  env: SettingsEnvironment,
  output: CommandOutput = CONSOLE,
): Promise<void> {
  const { uuid } = await resolveUuid(uuidOptions);
  const guid = guidFromDeviceUuid(uuid);
  if (!guid.ok) throw new HelperError(`cannot derive a GUID from the device UUID: ${guid.error}`);
  const line = guidSettingsLine(guid.value);
  const path = config.settingsPath ?? gphotoSettingsPath(env);
  if (!config.write) {
    output.out(line);
    output.err(
      `PTP/IP GUID ${guidAsUuid(guid.value)}, derived from device UUID ${uuid}. ` +
        `Add --write to put it into ${path} (other lines are kept).`,
    );
    return;
  }
  const { text, mode } = await readSettings(path);
  const merged = mergeGuidSetting(text, guid.value);
  if (!merged.changed) {
    output.out(line);
    output.err(`${path} already holds this GUID; nothing changed.`);
    return;
  }
  try {
    await replaceFileChecked(path, merged.text, mode);
  } catch (error) {
    throw new HelperError(`cannot write ${path}: ${errorMessage(error)}. It is unchanged.`);
  }
  output.out(line);
  output.err(
    `wrote the GUID into ${path}` +
      (merged.previous === undefined
        ? "."
        : ` (it replaced ${merged.previous}; an EOS body paired with that one must pair again).`),
  );
}
