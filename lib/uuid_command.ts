/**
 * The `uuid` command: show the device UUID and where it is kept, or, with `--reset --force`, replace it.
 *
 * @module
 */

import { dirname } from "node:path";
import { HelperError, UsageError } from "./errors.ts";
import { describeUuidSource, resolveUuid, type UuidOptions } from "./uuid_store.ts";

/** Shows or resets the UUID. Output goes to stdout; the reset warning to stderr. */
export async function runUuidCommand(
  command: { reset: boolean; force: boolean },
  options: UuidOptions,
): Promise<void> {
  if (!command.reset) {
    const resolved = await resolveUuid(options);
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
  const temp = `${path}.${uuid}.tmp`;
  try {
    // A reset may come before the first start, when the folder does not exist yet.
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(temp, uuid);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw new HelperError(
      `cannot write the UUID file ${path}: ${error instanceof Error ? error.message : error}. ` +
        "The old UUID, if any, is unchanged.",
    );
  }
  console.log(uuid);
  console.error(
    `new UUID saved in ${path}. Every camera paired before must pair again ` +
      "(on the camera: delete the old connection, then add this computer anew).",
  );
}
