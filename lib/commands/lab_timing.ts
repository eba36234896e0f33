/**
 * Shorter intervals for the lab tests, which run the program as a subprocess and would otherwise
 * wait out its production intervals: 3 s before a camera's presence is asked for, a 10 s refusal
 * summary, `import`'s 3 s search. They come from one environment variable that the program's own
 * permissions never let it read (it is in no `--allow-env` list the tasks, the binaries or the
 * packages grant); the lab grants it alongside the production flags. So a user's helper always runs
 * on the production intervals, and the lab still tests the program as it ships.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";

/** The variable the lab sets, e.g. `presence=300,refusals=1000,find=500`. */
export const LAB_TIMING_VARIABLE = "PTPIP_CANON_HELPER_LAB_TIMING";

/** The intervals the lab may shorten, in milliseconds. */
export interface LabTiming {
  /** How long after a camera's first fetch its presence is asked for. */
  presenceSearchDelayMs?: number;
  /** How often refused answers are summed up in one line. */
  refusalSummaryMs?: number;
  /** How long `import` collects answers to its search. */
  findWindowMs?: number;
}

const KEYS: Record<string, keyof LabTiming> = {
  presence: "presenceSearchDelayMs",
  refusals: "refusalSummaryMs",
  find: "findWindowMs",
};

/** Reads `presence=MS,refusals=MS,find=MS` (any subset); the error names what is wrong. */
export function parseLabTiming(text: string): Result<LabTiming> {
  const timing: LabTiming = {};
  for (const item of text.split(",").map((part) => part.trim()).filter(Boolean)) {
    const [key, value] = item.split("=");
    const field = Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
    if (!field) return err(`unknown interval "${key}" (known: ${Object.keys(KEYS).join(", ")})`);
    const ms = Number(value);
    if (!/^\d+$/.test(value ?? "") || ms < 1 || ms > 600_000) {
      return err(`${key} must be a whole number of milliseconds from 1 to 600000`);
    }
    timing[field] = ms;
  }
  return ok(timing);
}

/**
 * The lab's intervals when this process may read the variable and it is set; `undefined` in every
 * shipped configuration. Asks for the permission without prompting.
 */
export function readLabTiming(
  env: { granted(name: string): boolean; get(name: string): string | undefined },
): Result<LabTiming | undefined> {
  if (!env.granted(LAB_TIMING_VARIABLE)) return ok(undefined);
  const text = env.get(LAB_TIMING_VARIABLE);
  if (text === undefined) return ok(undefined);
  const parsed = parseLabTiming(text);
  return parsed.ok ? parsed : err(`${LAB_TIMING_VARIABLE}: ${parsed.error}`);
}
