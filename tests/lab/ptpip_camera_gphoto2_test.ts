// The fake PTP/IP camera against a real client: Debian's gphoto2 (libgphoto2's ptp2 driver) lists
// the fake's folders and files, downloads them byte for byte, and downloads a file the camera adds
// while it is connected. That makes the fake a camera, not a mirror of our own client. Both run in
// a private network namespace on its loopback; skipped visibly without namespaces or gphoto2.

import { assert, assertEquals } from "../support/assert.ts";
import { namespaceTest, type Netns, NetnsLab } from "../../lab/netns.ts";
import { checkBytes, ptpipCamera } from "../../lab/ptpip_camera_process.ts";
import { succeeds } from "../../lab/commands.ts";
import { tempDir } from "../../lab/temp_dir.ts";

const FILES = [
  { path: "DCIM/100CANON/IMG_0001.JPG", seed: 1, size: 5_000, date: "20240501T101500" },
  { path: "DCIM/100CANON/IMG_0002.CR2", seed: 2, size: 3_000_017, date: "20240501T101501" },
  { path: "DCIM/101CANON/MVI_0003.MP4", seed: 3, size: 123_457, date: "20240502T080000" },
];
const ADDED = { path: "DCIM/101CANON/IMG_0004.JPG", seed: 4, size: 70_001 };
const decoder = new TextDecoder();

/** Runs gphoto2 in `ns` with its own HOME (its settings file gets a random PTP/IP GUID) and cwd. */
function gphoto2(ns: Netns, home: string, cwd: string, args: string[]) {
  return ns.spawn(["timeout", "60", "gphoto2", "--port", "ptpip:127.0.0.1", ...args], {
    env: { HOME: home, LANG: "C", LC_ALL: "C" },
    cwd,
  }).output();
}

function text(output: Deno.CommandOutput): string {
  return `${decoder.decode(output.stdout)}\n${decoder.decode(output.stderr)}`;
}

const hasGphoto2 = await succeeds("gphoto2", ["--version"]);
const name =
  "gphoto2 lists the fake camera's files, downloads them byte for byte, and one added while it waits";
if (!hasGphoto2) {
  console.warn(`SKIPPED "${name}": gphoto2 is not installed (apt-get install gphoto2)`);
  Deno.test({ name, ignore: true, fn: () => {} });
} else {
  await namespaceTest(name, async (t) => {
    await using lab = await NetnsLab.create();
    const ns = await lab.host("g2");
    const options = {
      files: FILES.map((f) => ({
        path: f.path,
        content: { seed: f.seed, size: f.size },
        captureDate: f.date,
      })),
      // Not a divisor of any size, so every file ends in a short EndData.
      dataChunkBytes: 40_000,
    };
    await using camera = ptpipCamera(ns, "127.0.0.1", options);
    await camera.waitFor("listening");
    const home = await tempDir("pch-gphoto2-home-");

    await t.step("--list-files shows every folder and file where the camera has it", async () => {
      const out = await gphoto2(ns, home, home, ["--list-files"]);
      const said = text(out);
      assert(out.success, said);
      for (const folder of ["DCIM/100CANON", "DCIM/101CANON"]) {
        assert(said.includes(`folder '/store_00010001/${folder}'`), said);
      }
      for (const file of FILES) assert(said.includes(file.path.split("/").pop()!), said);
      // libgphoto2 kept its new GUID in the temp HOME, not the user's.
      assert((await Deno.readTextFile(`${home}/.gphoto/settings`)).includes("ptp2_ip=guid="));
    });

    await t.step("--get-all-files fetches files identical to the camera's", async () => {
      const cwd = await tempDir("pch-gphoto2-all-");
      const out = await gphoto2(ns, home, cwd, ["--get-all-files"]);
      assert(out.success, text(out));
      for (const file of FILES) {
        await checkBytes(`${cwd}/${file.path.split("/").pop()}`, file.seed, file.size);
      }
    });

    await t.step(
      "a file added while gphoto2 waits comes as ObjectAdded and is downloaded",
      async () => {
        const cwd = await tempDir("pch-gphoto2-added-");
        const sessionsBefore = camera.all("session").length;
        const waiting = gphoto2(ns, home, cwd, [
          "--keep",
          "--wait-event-and-download=FILEADDED",
        ]);
        // The camera announces only to an open session with its event connection up.
        const session = await camera.waitFor("session", sessionsBefore + 1, 20_000);
        await camera.waitForMatch(
          "request",
          (e) => e.connection === session.connection && e.name === "GetStorageIDs",
          20_000,
        );
        assert(
          camera.all("event-connection").some((e) =>
            e.connectionNumber === session.connectionNumber
          ),
        );
        await camera.command(`add ${ADDED.path} ${ADDED.size} ${ADDED.seed}`);
        const out = await waiting;
        assert(out.success, text(out));
        await checkBytes(`${cwd}/${ADDED.path.split("/").pop()}`, ADDED.seed, ADDED.size);
      },
    );

    await t.step("gphoto2 used only standard operations, all answered OK", () => {
      const requests = camera.all("request");
      const names = new Set(requests.map((r) => r.name));
      for (
        const op of [
          "OpenSession",
          "GetDeviceInfo",
          "GetStorageIDs",
          "GetObjectHandles",
          "GetObjectInfo",
          "GetObject",
          "CloseSession",
        ]
      ) assert(names.has(op), `gphoto2 never sent ${op}: ${[...names]}`);
      const refused = requests.filter((r) => r.response !== 0x2001);
      assertEquals(refused, [], "requests not answered OK");
      // Three gphoto2 runs, each a command and an event connection; none refused.
      assertEquals(camera.all("session").length, 3);
      assertEquals(camera.all("event-connection").length, 3);
      assertEquals(camera.all("init-fail"), []);
    });
  });
}
