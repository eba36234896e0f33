/**
 * The `gphoto2-guid` command: prints the libgphoto2 settings line that gives gphoto2 a stable PTP/IP
 * GUID (derived from the device UUID), or, with `--write`, puts it into gphoto2's settings file —
 * atomically, every other line kept — so an EOS body paired once reconnects.
 *
 * @module
 */

import { HelperError, uuidOrThrow } from "../errors.ts";
import {
  gphotoSettingsPath,
  guidAsUuid,
  guidFromDeviceUuid,
  guidSettingsLine,
  mergeGuidSettingBytes,
  type SettingsBytesMerge,
  type SettingsEnvironment,
} from "../gphoto2/guid.ts";
import { updateFile } from "../util/update_file.ts";
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

/** Where the command writes: the settings line (stdout) and the explanation (stderr). */
export interface CommandOutput {
  /** One line for stdout. */
  out: (line: string) => void;
  /** One line for stderr. */
  err: (line: string) => void;
}

const CONSOLE: CommandOutput = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Seams for tests. */
export interface Gphoto2GuidSeams {
  /** Runs between reading the settings file and replacing it (to write it meanwhile). */
  beforeReplace?: () => Promise<void>;
}

/**
 * Prints the line (stdout) or writes it; explanations go to stderr. The file is written as the user
 * left it: through a symbolic link, every other byte, its owner and mode kept, and a change another
 * program makes meanwhile merged rather than lost (see `util/update_file.ts`).
 */
export async function runGphoto2GuidCommand(
  config: Gphoto2GuidConfig,
  uuidOptions: UuidOptions,
  env: SettingsEnvironment,
  output: CommandOutput = CONSOLE,
  seams: Gphoto2GuidSeams = {},
): Promise<void> {
  const { uuid } = uuidOrThrow(await resolveUuid(uuidOptions));
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
  const empty = new Uint8Array(0);
  let merged: SettingsBytesMerge | undefined;
  const updated = await updateFile(path, (current) => {
    merged = mergeGuidSettingBytes(current ?? empty, guid.value);
    return merged.changed ? merged.bytes : undefined;
  }, { maxBytes: MAX_SETTINGS_BYTES, beforeReplace: seams.beforeReplace });
  if (!updated.ok) throw new HelperError(updated.error);
  const { target, changed } = updated.value;
  const shown = target === path ? path : `${target} (linked from ${path})`;
  output.out(line);
  if (!changed) {
    output.err(`${shown} already holds this GUID; nothing changed.`);
    return;
  }
  output.err(
    `wrote the GUID into ${shown}` +
      (merged?.previous === undefined
        ? "."
        : ` (it replaced ${merged.previous}; an EOS body paired with that one must pair again).`),
  );
}
