import { assertEquals, assertMatch } from "../support/assert.ts";
import { denoVersionProblem, MINIMUM_DENO } from "../../lib/util/deno_version.ts";

Deno.test("denoVersionProblem", async (t) => {
  await t.step("the required version itself and anything newer pass", () => {
    for (const running of ["2.9.0", "2.9.6", "2.10.0", "2.10.0-rc.1", "3.0.0", "10.0.0"]) {
      assertEquals(denoVersionProblem(running, "2.9.0"), undefined, running);
    }
  });

  await t.step("older versions get one line naming both versions and the fix", () => {
    for (const running of ["2.8.3", "2.2.15", "1.46.3", "2.0.0", "2.8.99"]) {
      const problem = denoVersionProblem(running, "2.9.0") ?? "";
      assertMatch(problem, new RegExp(`^Deno ${running.replaceAll(".", "\\.")} is too old`));
      assertMatch(problem, /needs Deno 2\.9\.0 or newer/);
      assertMatch(problem, /deno upgrade/);
      assertEquals(problem.includes("\n"), false);
    }
  });

  await t.step("numbers compare as numbers, not text", () => {
    assertEquals(denoVersionProblem("2.10.0", "2.9.0"), undefined);
    assertMatch(denoVersionProblem("2.9.0", "2.10.0") ?? "", /too old/);
  });

  await t.step("an unreadable version is let through", () => {
    assertEquals(denoVersionProblem("canary", "2.9.0"), undefined);
  });

  await t.step("the Deno running these tests is supported", () => {
    assertEquals(denoVersionProblem(Deno.version.deno, MINIMUM_DENO), undefined);
  });
});
