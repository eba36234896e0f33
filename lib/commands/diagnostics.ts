/**
 * The two diagnostic commands as the user runs them: `doctor` (what on this machine would stop a camera
 * from pairing) and `probe` (play the camera against whatever answers). Each prints its report on
 * stdout and fails with a {@linkcode HelperError} when something is wrong.
 *
 * @module
 */

import { formatChecks, gradeDoctor, hasFailures } from "../diagnostics/doctor.ts";
import { type DoctorConfig, gatherDoctorFacts } from "../diagnostics/doctor_facts.ts";
import { HelperError } from "../errors.ts";
import type { InterfaceAddress } from "../network/interfaces.ts";
import { type ProbeOptions, runProbe } from "../diagnostics/probe_run.ts";
import type { SearchTarget } from "../ssdp/search_sockets.ts";
import { locateUuid, type UuidOptions } from "../uuid/store.ts";

/** What `probe` reads from the command line. */
export interface ProbeCommand {
  /** Where the multicast search goes: the SSDP port and the `-i` names. */
  config: Pick<ProbeOptions, "ssdpPort" | "interfaceNames">;
  /** HOST[:PORT]: search this host alone; the multicast group when absent. */
  target?: SearchTarget;
  /** `--timeout`: how long to collect answers. */
  timeoutSeconds: number;
}

/** Runs `doctor`: changes nothing, exits non-zero when a check fails. */
export async function runDoctor(
  config: DoctorConfig,
  uuidOptions: UuidOptions,
  networkInterfaces: () => InterfaceAddress[],
): Promise<void> {
  const checks = gradeDoctor(
    await gatherDoctorFacts(config, {
      os: Deno.build.os,
      networkInterfaces,
      locateUuid: () => locateUuid(uuidOptions),
      execPath: Deno.execPath(),
      userUuidFile: uuidOptions.userFile,
    }),
  );
  console.log(formatChecks(checks));
  if (hasFailures(checks)) throw new HelperError("doctor found problems: see the fixes above.");
}

/** Runs `probe`: exits non-zero unless some responder meets every requirement. */
export async function runProbeCommand(
  command: ProbeCommand,
  networkInterfaces: () => InterfaceAddress[],
): Promise<void> {
  const { text, ok } = await runProbe({
    target: command.target,
    ssdpPort: command.config.ssdpPort,
    interfaceNames: command.config.interfaceNames,
    timeoutSeconds: command.timeoutSeconds,
  }, networkInterfaces);
  console.log(text);
  if (!ok) throw new HelperError("no responder meets every requirement of a Canon camera.");
}
