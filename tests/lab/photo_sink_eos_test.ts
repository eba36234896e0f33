// `serve --eos --import-to DIR` on a private LAN: an EOS 6D (lab/fake_device.ts --kind eos6d, its
// SSDP and description side) announces itself, is fetched and comes up; its PTP/IP side
// (lab/ptpip_camera_main.ts in eos mode, in the same namespace on 15740) then gets photos added,
// which only the next GetEvent reports. Each must be in DEST, byte-identical, within 2 s of the add
// at the median of 10, and the body never gets CloseSession (libgphoto2 sends none to EOS bodies:
// they refuse everything after it). Needs network namespaces; skipped visibly elsewhere.

import { assert, assertEquals } from "../support/assert.ts";
import { median } from "../../bench/stats.ts";
import { startHelper } from "../../lab/helper_process.ts";
import { namespaceTest, NetnsLab } from "../../lab/netns.ts";
import { addOneAtATime, describeLatencies, eos6dPairing } from "../../lab/photo_sink_lab.ts";
import { ptpipCamera } from "../../lab/ptpip_camera_process.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { OPERATION } from "../../lib/ptpip/codes.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const MODEL = "Canon EOS 6D";

await namespaceTest(
  "--eos --import-to: an announcing EOS 6D is fetched, connected to, and each new photo imported within 2 s",
  async (t) => {
    await using lab = await NetnsLab.create();
    const subnet = "10.236.9";
    const ip = `${subnet}.2`;
    const { pc, camera: cam } = await lab.pcAndCamera(subnet);
    const dest = await tempDir("pch-sink-eos-");
    await using camera = ptpipCamera(cam, ip, {
      eos: true,
      model: MODEL,
      serialNumber: "083021001234",
      files: [{ path: "DCIM/100CANON/IMG_0001.JPG", content: { seed: 1, size: 5000 } }],
    });
    await camera.waitFor("listening");
    await using helper = await startHelper(
      ["--eos", "--import-to", dest, "--uuid", UUID],
      { netns: pc },
    );
    await helper.waitForLine(/ready: waiting for a camera/);
    await using eos = eos6dPairing(cam, ip);
    await eos.waitFor("listening");
    await eos.command("announce");

    await t.step("announced, fetched, ready, connected; the card's photo imported", async () => {
      await helper.waitForLine(/EOS camera 10\.236\.9\.2 \(Canon EOS 6D\) is ready/);
      assertEquals((await eos.waitFor("request")).armed, true, "the Windows GET armed it");
      await helper.waitForLine(
        /importing new photos from Canon EOS 6D at 10\.236\.9\.2 into .*: the helper holds its PTP\/IP connection/,
      );
      await helper.waitForLine(/ INF imported \d{4}\/\d{4}-\d\d-\d\d\/IMG_0001\.JPG from camera/);
      const names = camera.all("request").map((r) => String(r.name));
      const codes = camera.all("request").map((r) => r.code as number);
      for (const op of ["EosSetRemoteMode", "EosSetEventMode", "EosGetEvent"] as const) {
        assert(codes.includes(OPERATION[op]), `${op} sent: ${names.join(", ")}`);
      }
    });

    await t.step("ten photos, one at a time: each in DEST within 2 s of the add", async () => {
      const latencies = await addOneAtATime(camera, helper, dest, ip);
      console.log(`    EOS add -> file (1 MB each): ${describeLatencies(latencies)}`);
      assert(median(latencies) <= 2000, `median ${median(latencies)} ms`);
      // Each photo fetched once, with Canon's operations, and acknowledged.
      const requests = camera.all("request");
      const fetched = requests.filter((r) =>
        r.code === OPERATION.EosGetObject || r.code === OPERATION.EosGetPartialObject ||
        r.code === OPERATION.GetObject || r.code === OPERATION.GetPartialObject
      );
      assert(fetched.length >= 11, `${fetched.length} fetches`);
      const completes = requests.filter((r) => r.code === OPERATION.EosTransferComplete);
      assertEquals(completes.length, 11, "TransferComplete after each photo");
    });

    await t.step("stopping leaves the session open: no CloseSession, one connection", async () => {
      const { code, stderr } = await helper.stop("SIGTERM");
      assertEquals(code, 0, stderr);
      await camera.waitFor("closed");
      const codes = camera.all("request").map((r) => r.code as number);
      assertEquals(codes.filter((c) => c === OPERATION.CloseSession), [], "no CloseSession");
      assertEquals(camera.all("session").length, 1, "one session, never reconnected");
      assertEquals(stderr.split("\n").filter((l) => /trying again in/.test(l)), []);
      assertEquals(eos.all("ptpip-connect"), [], "the 6D's own listener untouched");
    });
  },
);
