// `ptpip-canon-helper import` as a user runs it, on a private LAN: the program in the "pc"
// namespace, the fake PTP/IP camera (lab/ptpip_camera_main.ts) in the "cam" namespace on its real
// port. Photos arrive byte-identical, the summary is one line, a second run copies nothing, the
// camera is found without its address, an unpaired camera and a drop mid-file each end in one
// clear line and exit code 1, and the next run completes the cut file. Needs network namespaces;
// skipped visibly elsewhere.

import { fileURLToPath } from "node:url";
import { assertEquals, assertMatch } from "../support/assert.ts";
import type { DeviceProcess } from "../../lab/device_process.ts";
import { startHelper } from "../../lab/helper_process.ts";
import { namespaceTest, type Netns, NetnsLab } from "../../lab/netns.ts";
import { checkBytes, ptpipCamera } from "../../lab/ptpip_camera_process.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { OPERATION } from "../../lib/ptpip/codes.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const SUBNET = "10.236.4";
const CAMERA_IP = `${SUBNET}.2`;
const FILES = [
  { path: "DCIM/100CANON/IMG_0001.JPG", seed: 1, size: 5_000, date: "20240501T101500" },
  { path: "DCIM/100CANON/IMG_0002.CR3", seed: 2, size: 3_000_017, date: "20240501T101501" },
  { path: "DCIM/101CANON/IMG_0003.JPG", seed: 3, size: 123_457, date: "20240502T080000" },
];
const WHERE = [
  "2024/2024-05-01/IMG_0001.JPG",
  "2024/2024-05-01/IMG_0002.CR3",
  "2024/2024-05-02/IMG_0003.JPG",
];
const CANON_SSDP = fileURLToPath(new URL("../../lab/canon_fakes.ts", import.meta.url));
const RECOGNISE = fileURLToPath(new URL("../../lib/cameras/recognise.ts", import.meta.url));

/** The fake camera on CAMERA_IP in `ns` with `files` on its card. */
function startCamera(
  ns: Netns,
  files: typeof FILES,
  extra: Record<string, unknown> = {},
): DeviceProcess {
  return ptpipCamera(ns, CAMERA_IP, {
    files: files.map((f) => ({
      path: f.path,
      content: { seed: f.seed, size: f.size },
      captureDate: f.date,
    })),
    ...extra,
  });
}

/** Runs `import ARGS` in `pc` to its end. */
async function runImport(pc: Netns, args: string[]) {
  const started = performance.now();
  // Answers on the lab's LAN come within milliseconds: 1 s of search instead of 3 is plenty.
  const helper = await startHelper(["import", ...args, "--uuid", UUID], {
    netns: pc,
    labTiming: "find=1000",
  });
  const result = await helper.exit();
  return { ...result, lines: result.stderr.split("\n"), ms: performance.now() - started };
}

function fetches(camera: DeviceProcess, from: number): Record<string, unknown>[] {
  return camera.events.slice(from).filter((e) =>
    e.event === "request" &&
    (e.code === OPERATION.GetObject || e.code === OPERATION.GetPartialObject)
  );
}

await namespaceTest("import copies a camera's photos over PTP/IP on a LAN", async (t) => {
  await using lab = await NetnsLab.create();
  const { pc, camera: cam } = await lab.pcAndCamera(SUBNET);
  const to = await tempDir("pch-import-lab-");

  {
    await using camera = startCamera(cam, FILES);
    await camera.waitFor("listening");

    await t.step(
      "import CAMERA_IP --to DIR: byte-identical files and one summary line",
      async () => {
        const run = await runImport(pc, [CAMERA_IP, "--to", to]);
        assertEquals(run.code, 0, run.stderr);
        for (const [i, file] of FILES.entries()) {
          await checkBytes(`${to}/${WHERE[i]}`, file.seed, file.size);
        }
        assertMatch(
          run.stderr,
          new RegExp(
            ` INF importing from Canon PowerShot SX740 HS at ${
              CAMERA_IP.replaceAll(".", "\\.")
            } into `,
          ),
        );
        assertEquals(
          run.lines.filter((l) =>
            / INF imported 2024\/2024-05-0[12]\/IMG_000[123]\.(JPG|CR3) \(.* in \d+ ms\)$/.test(l)
          ).length,
          3,
        );
        const summary = run.lines.filter((l) => l.includes("new photo"));
        assertEquals(summary.length, 1, run.stderr);
        assertMatch(summary[0], / INF imported 3 new photos, 3\.1 MB in \d+\.\d s$/);
        console.log(`    first import: ${Math.round(run.ms)} ms for the process`);
      },
    );

    await t.step("a second run copies nothing and fetches nothing", async () => {
      const before = camera.events.length;
      const run = await runImport(pc, [CAMERA_IP, "--to", to]);
      assertEquals(run.code, 0, run.stderr);
      assertMatch(run.stderr, / INF imported 0 new photos, 0 B in \d+\.\d s; 3 already imported/);
      assertEquals(fetches(camera, before), []);
    });

    await t.step("--log-format json -q: one JSON object per line, the summary kept", async () => {
      const run = await runImport(pc, [CAMERA_IP, "--to", to, "--log-format", "json", "-q"]);
      assertEquals(run.code, 0, run.stderr);
      const records = run.lines.filter((l) => l !== "").map((l) => JSON.parse(l));
      assertEquals(records.map((r) => r.properties.event), ["import-summary"]);
      assertEquals(records[0].properties.skipped, 3);
    });

    await t.step("without CAMERA_IP the camera answering as a Canon camera is found", async () => {
      // The camera's SSDP side: Canon's Server header, answering ssdp:all on the group.
      const script = `
        import { SsdpDevice } from "${CANON_SSDP}";
        import { CANON_SERVER } from "${RECOGNISE}";
        const device = new SsdpDevice("${CAMERA_IP}", 1900, (st) => st !== "ssdp:all" ? undefined : [
          "HTTP/1.1 200 OK", "CACHE-CONTROL: max-age=1800", "EXT:", "SERVER: " + CANON_SERVER,
          "ST: urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1",
          "USN: uuid:00000000-0000-0000-0001-A0B1C2D3E4F5",
        ], true);
        await device.listening;
        console.log("listening");
        await new Promise(() => {});
      `;
      const ssdp = cam.spawn([Deno.execPath(), "eval", "--unstable-net", script]);
      try {
        const reader = ssdp.stdout.pipeThrough(new TextDecoderStream()).getReader();
        assertMatch((await reader.read()).value ?? "", /listening/);
        reader.releaseLock();
        await camera.command(`add DCIM/101CANON/IMG_0004.JPG 70001 4 20240503T090000`);
        const run = await runImport(pc, ["--to", to]);
        assertEquals(run.code, 0, run.stderr);
        assertMatch(run.stderr, new RegExp(`at ${CAMERA_IP.replaceAll(".", "\\.")} into`));
        assertMatch(run.stderr, / imported 1 new photo, 70\.0 kB in \d+\.\d s; 3 already imported/);
        await checkBytes(`${to}/2024/2024-05-03/IMG_0004.JPG`, 4, 70_001);
      } finally {
        ssdp.kill("SIGKILL");
        await ssdp.output().catch(() => {});
      }
    });

    await t.step("nothing answers: one line saying to pair first or give the IP", async () => {
      const run = await runImport(pc, ["--to", to]);
      assertEquals(run.code, 1, run.stderr);
      assertMatch(
        run.stderr,
        /ptpip-canon-helper: no Canon camera answered on the network\. Start the helper .* ptpip-canon-helper import CAMERA_IP\.$/,
      );
    });

    await t.step("an unpaired camera (InitFail): pair with the helper first, exit 1", async () => {
      await camera.command("init-fail 1");
      const run = await runImport(pc, [CAMERA_IP, "--to", to]);
      await camera.command("init-fail off");
      assertEquals(run.code, 1, run.stderr);
      const last = run.lines.filter((l) => l !== "").at(-1) ?? "";
      assertMatch(
        last,
        new RegExp(
          `^ptpip-canon-helper: camera ${
            CAMERA_IP.replaceAll(".", "\\.")
          } \\(PTP/IP port 15740\\) does not accept this computer: .*Pair it with the helper first`,
        ),
      );
    });
  }

  await t.step(
    "a drop mid-file: exit 1 and what to do; the next run completes the file",
    async () => {
      const dropTo = await tempDir("pch-import-lab-drop-");
      await using camera = startCamera(cam, [FILES[1]], {
        drop: { afterBytes: 1_000_000 },
        dataChunkBytes: 65_536,
      });
      await camera.waitFor("listening");
      const cut = await runImport(pc, [CAMERA_IP, "--to", dropTo]);
      assertEquals(cut.code, 1, cut.stderr);
      assertMatch(
        cut.stderr,
        / INF imported 0 new photos, 0 B in .*\nptpip-canon-helper: the import from camera [\d.]+ stopped, its connection lost \(.*\)\. Run import again to resume where it stopped\.$/,
      );
      const before = camera.events.length;
      const again = await runImport(pc, [CAMERA_IP, "--to", dropTo]);
      assertEquals(again.code, 0, again.stderr);
      assertMatch(again.stderr, / imported 1 new photo, 3\.0 MB in /);
      await checkBytes(`${dropTo}/${WHERE[1]}`, FILES[1].seed, FILES[1].size);
      const resumed = fetches(camera, before);
      assertEquals(resumed.length, 1);
      assertEquals(resumed[0].code, OPERATION.GetPartialObject, "resumed, not fetched again");
      assertEquals((resumed[0].params as number[])[1], 1_000_000);
    },
  );
});
