/**
 * The oldest Deno the helper runs on, and the check that says so in one line instead of failing
 * somewhere deeper (a lockfile parse error, a missing API, a failing test).
 *
 * @module
 */

/**
 * The oldest Deno the whole test suite was seen green on, without rewriting a lockfile: 2.8.3 never
 * cuts off a client that stalls in its request head, and 2.5 to 2.7 fail the lab's leak checks. The
 * README and CI's matrix name the same version (tests/repo/workflows_test.ts holds them together).
 */
export const MINIMUM_DENO = "2.9.0";

/** `major.minor.patch` of a Deno version string such as `2.9.6` or `2.10.0-rc.1`. */
function parts(version: string): number[] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? match.slice(1).map(Number) : undefined;
}

/**
 * Why `running` cannot run the helper, as one line naming both versions and the fix; `undefined` when
 * it is `required` or newer. A version string that cannot be read is let through: refusing to start
 * over it would be worse than the failure the check exists to explain.
 */
export function denoVersionProblem(running: string, required: string): string | undefined {
  const have = parts(running);
  const need = parts(required);
  if (!have || !need) return undefined;
  for (let i = 0; i < 3; i++) {
    if (have[i] > need[i]) return undefined;
    if (have[i] < need[i]) {
      return `Deno ${running} is too old: ptpip-canon-helper needs Deno ${required} or newer. ` +
        "Upgrade with `deno upgrade` (or run `npx deno@2 task start`).";
    }
  }
  return undefined;
}
