/**
 * The two diagnostic commands as the user runs them: `doctor` (what on this machine would stop a camera
 * from pairing) and `probe` (play the camera against whatever answers). Each prints its report on
 * stdout and fails with a {@linkcode HelperError} when something is wrong.
 *
 * @module
 */

import type { DoctorConfig, ProbeConfig, ProbeTarget } from "../cli/parse.ts";
import { formatChecks, gradeDoctor, hasFailures } from "../diagnostics/doctor.ts";
import { gatherDoctorFacts } from "../diagnostics/doctor_facts.ts";
import { HelperError } from "../errors.ts";
import type { InterfaceAddress } from "../network/interfaces.ts";
import { runProbe } from "../diagnostics/probe_run.ts";
import { locateUuid, type UuidOptions } from "../uuid/store.ts";

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
  command: { config: ProbeConfig; target?: ProbeTarget; timeoutSeconds: number },
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
