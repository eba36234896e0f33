// `probe` plays the camera from another host of a private LAN: it must grade the real helper as passing
// every requirement, and a deliberately wrong responder as failing on exactly its two faults.
// Needs network namespaces; skipped visibly elsewhere.

import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { helperArgv, startHelper } from "../../lab/helper_process.ts";
import { namespaceTest, type Netns, NetnsLab } from "../../lab/netns.ts";
import { lines } from "../../lab/lines.ts";
import { withTimeout } from "../../lib/util/timeout.ts";
import { WRONG_CONTENT_TYPE, WRONG_SERVER } from "../../lab/wrong_responder.ts";

const WRONG_RESPONDER = fileURLToPath(new URL("../../lab/wrong_responder.ts", import.meta.url));
const EVERY_REQUIREMENT = [
  "SSDP Server header names Microsoft-Windows and UPnP/1.0",
  "LOCATION is present and fetchable",
  "description answers HTTP 200",
  'Content-Type is exactly text/xml; charset="utf-8"',
  "USN and UDN name the same UUID",
  "friendlyName has a name before a colon",
];

async function probe(ns: Netns, args: string[]): Promise<{ code: number; stdout: string }> {
  const out = await ns.output(helperArgv(["probe", "--timeout", "1", ...args]));
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

/** The ✓ and ✗ requirement lines of one responder's section of the report. */
function verdicts(stdout: string, responder: string): { passed: string[]; failed: string[] } {
  const section = stdout.split("\n\n").find((s) => s.startsWith(`${responder} — `));
  assert(section, `a section for ${responder} in:\n${stdout}`);
  const lines = section.split("\n");
  return {
    passed: lines.filter((l) => l.startsWith("  ✓ ")).map((l) => l.slice(4)),
    failed: lines.filter((l) => l.startsWith("  ✗ ")).map((l) => l.slice(4)),
  };
}

await namespaceTest(
  "probe passes the helper and fails a wrong responder on its faults",
  async (t) => {
    await using lab = await NetnsLab.create();
    const camera = await lab.host("cam");
    const pc = await lab.host("pc");
    const other = await lab.host("other");
    await lab.link(camera, "10.233.1.2/24", pc, "10.233.1.1/24", { aName: "wlan0", bName: "eth0" });
    await lab.link(camera, "10.233.2.2/24", other, "10.233.2.3/24", {
      aName: "wlan1",
      bName: "eth0",
    });
    await using helper = await startHelper(["-n", "Studio", "10.233.1.1"], { netns: pc });
    await helper.waitForLine(/ready: waiting for a camera/);
    const wrong = other.spawn([
      Deno.execPath(),
      "run",
      "--unstable-net",
      "--allow-net",
      WRONG_RESPONDER,
      "--address",
      "10.233.2.3",
    ]);
    try {
      const output = lines(wrong.stdout);
      const first = await withTimeout(output.next(), 15_000, "the wrong responder listening");
      assertMatch(first.value ?? "", /"listening":true/);
      await output.return(undefined);

      // Each probe waits out its whole window, so the five run at once. None hears another's
      // answers (each listens on its own port), and the two that reach the helper from the camera
      // cost 6 answers of its source's burst of 10.
      const [fromCamera, fromPc, helperAlone, wrongAlone, nobody] = await Promise.all([
        probe(camera, []),
        probe(pc, []),
        probe(camera, ["10.233.1.1"]),
        probe(camera, ["10.233.2.3:1900"]),
        probe(camera, ["10.233.1.1:1901"]),
      ]);

      await t.step("by multicast from both interfaces, each responder is graded", () => {
        const { code, stdout } = fromCamera;
        assertEquals(code, 0, stdout);
        assertMatch(stdout, /sent a Canon camera's M-SEARCH to 239\.255\.255\.250:1900 from /);
        assertMatch(stdout, /wlan0 10\.233\.1\.2, wlan1 10\.233\.2\.2/);
        const good = verdicts(stdout, "10.233.1.1");
        assertEquals(good, { passed: EVERY_REQUIREMENT, failed: [] });
        assertMatch(stdout, /→ a Canon camera would list it as "Studio"/);
        const bad = verdicts(stdout, "10.233.2.3");
        assertEquals(bad.failed, [
          `${EVERY_REQUIREMENT[0]}: got "${WRONG_SERVER}"`,
          `${EVERY_REQUIREMENT[3]}: got ${WRONG_CONTENT_TYPE}`,
        ]);
        assertEquals(bad.passed, EVERY_REQUIREMENT.filter((_, i) => i !== 0 && i !== 3));
        assertMatch(stdout, /probe: 1 of 2 responders would pair with a Canon camera\./);
      });

      await t.step("by multicast on the helper's own computer, the helper is graded", () => {
        const { code, stdout } = fromPc;
        assertEquals(code, 0, stdout);
        assertMatch(stdout, /from eth0 10\.233\.1\.1, looped back to this computer too\./);
        assertEquals(verdicts(stdout, "10.233.1.1"), { passed: EVERY_REQUIREMENT, failed: [] });
      });

      await t.step("unicast to the helper alone passes", () => {
        const { code, stdout } = helperAlone;
        assertEquals(code, 0, stdout);
        assertEquals(verdicts(stdout, "10.233.1.1").failed, []);
        assertMatch(stdout, /probe: 1 of 1 responder would pair/);
      });

      await t.step("unicast to the wrong responder alone fails with exit code 1", () => {
        const { code, stdout } = wrongAlone;
        assertEquals(code, 1, stdout);
        assertEquals(verdicts(stdout, "10.233.2.3").failed.length, 2, stdout);
      });

      await t.step("no answer at all is exit code 1 with a hint", () => {
        const { code, stdout } = nobody;
        assertEquals(code, 1, stdout);
        assertMatch(stdout, /no answer within 1 s/);
        assertMatch(stdout, /ptpip-canon-helper doctor/);
      });
    } finally {
      wrong.kill("SIGKILL");
      await wrong.status;
      await wrong.stdout.cancel().catch(() => {});
      await wrong.stderr.cancel();
    }
  },
);
