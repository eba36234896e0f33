/**
 * The `uuid` command: show the device UUID and where it is kept, or, with `--reset --force`, replace it.
 *
 * @module
 */

import { UsageError, uuidOrThrow } from "../errors.ts";
import {
  describeUuidSource,
  previousUuidPath,
  replaceUuidFile,
  resolveUuid,
  type UuidOptions,
} from "../uuid/store.ts";

/** Shows or resets the UUID. Output goes to stdout; the reset warning to stderr. */
export async function runUuidCommand(
  command: { reset: boolean; force: boolean },
  options: UuidOptions,
): Promise<void> {
  if (!command.reset) {
    const resolved = uuidOrThrow(await resolveUuid(options));
    console.log(resolved.uuid);
    console.error(describeUuidSource(resolved));
    return;
  }
  if (!command.force) {
    throw new UsageError(
      "uuid --reset makes a new device UUID: every camera paired with this computer must then pair " +
        "again. Add --force to do it.",
    );
  }
  const path = options.uuidFile ?? options.userFile;
  if (options.uuid !== undefined || path === undefined) {
    throw new UsageError(
      "uuid --reset needs a file to write: use the default or --uuid-file PATH.",
    );
  }
  const uuid = options.randomUuid();
  const previous = uuidOrThrow(await replaceUuidFile(path, uuid));
  console.log(uuid);
  console.error(
    `new UUID saved in ${path}` +
      (previous ? ` (the previous one, ${previous}, is kept in ${previousUuidPath(path)})` : "") +
      ". Every camera paired before must pair again " +
      "(on the camera: delete the old connection, then add this computer anew).",
  );
}
