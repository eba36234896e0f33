// `serve --import-to DIR` on a private LAN: a PowerShot (lab/fake_camera.ts, its SSDP side) searches,
// pairs and comes up; its PTP/IP side (lab/ptpip_camera_main.ts, in the same namespace on 15740)
// then gets photos added, and each must be in DEST, byte-identical, within 2 s of the add. Ten added
// in one second all arrive, once each; a drop mid-file reconnects and completes the file; a byebye
// ends the session. Needs network namespaces; skipped visibly elsewhere.

import { assert, assertEquals } from "../support/assert.ts";
import { median } from "../../bench/stats.ts";
import { startHelper } from "../../lab/helper_process.ts";
import { namespaceTest, NetnsLab } from "../../lab/netns.ts";
import {
  addOneAtATime,
  describeLatencies,
  importedLine,
  PHOTO_DATE as DATE,
  PHOTO_DAY as DAY,
  powershotPairing,
} from "../../lab/photo_sink_lab.ts";
import { checkBytes, ptpipCamera } from "../../lab/ptpip_camera_process.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { OPERATION } from "../../lib/ptpip/codes.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

await namespaceTest(
  "--import-to: a PowerShot that pairs is imported from, each new photo within 2 s of its taking",
  async (t) => {
    await using lab = await NetnsLab.create();
    const subnet = "10.236.7";
    const ip = `${subnet}.2`;
    const { pc, camera: cam } = await lab.pcAndCamera(subnet);
    const dest = await tempDir("pch-sink-lab-");
    await using camera = ptpipCamera(cam, ip, {
      files: [{ path: "DCIM/100CANON/IMG_0001.JPG", content: { seed: 1, size: 5000 } }],
      model: "Canon PowerShot SX740 HS",
    });
    await camera.waitFor("listening");
    await using helper = await startHelper(["--import-to", dest, "--uuid", UUID], { netns: pc });
    await helper.waitForLine(/ready: waiting for a camera/);
    await using ssdp = powershotPairing(cam);

    await t.step("ready, connected, and the card's photo imported", async () => {
      await helper.waitForLine(/camera 10\.236\.7\.2 .*is ready/);
      await helper.waitForLine(
        /importing new photos from Canon PowerShot SX740 HS at 10\.236\.7\.2 into .*: the helper holds its PTP\/IP connection/,
      );
      // The photo has no capture date in this card: its day is the import's.
      await helper.waitForLine(/ INF imported \d{4}\/\d{4}-\d\d-\d\d\/IMG_0001\.JPG from camera/);
      // GetObjectHandles comes right after DeviceInfo: a PowerShot keeps such a connection.
      const codes = camera.all("request").map((r) => r.code as number);
      const info = codes.indexOf(OPERATION.GetDeviceInfo);
      assert(info >= 0, JSON.stringify(codes));
      assertEquals(codes.slice(info + 1, info + 3), [
        OPERATION.GetStorageIDs,
        OPERATION.GetObjectHandles,
      ]);
    });

    await t.step("ten photos, one at a time: each in DEST within 2 s of the add", async () => {
      const latencies = await addOneAtATime(camera, helper, dest, ip);
      console.log(`    add -> file (1 MB each): ${describeLatencies(latencies)}`);
      assert(median(latencies) <= 2000, `median ${median(latencies)} ms`);
    });

    await t.step("ten photos taken in one second all arrive, once each", async () => {
      const names = Array.from({ length: 10 }, (_, i) => `IMG_02${String(i).padStart(2, "0")}.JPG`);
      const started = performance.now();
      for (const [i, name] of names.entries()) {
        await camera.command(`add DCIM/100CANON/${name} ${200_000 + i} ${200 + i} ${DATE}`);
      }
      const addMs = performance.now() - started;
      assert(addMs < 1000, `the ten adds took ${addMs} ms`);
      for (const name of names) await importedLine(helper, `${DAY}/${name}`, ip, 10_000);
      console.log(
        `    ten in ${Math.round(addMs)} ms: all in DEST after ${
          Math.round(performance.now() - started)
        } ms`,
      );
      for (const [i, name] of names.entries()) {
        await checkBytes(`${dest}/${DAY}/${name}`, 200 + i, 200_000 + i);
        assertEquals(
          helper.lines.filter((l) => l.includes(`imported ${DAY}/${name} `)).length,
          1,
          `${name} imported once`,
        );
      }
      const files = [...Deno.readDirSync(`${dest}/${DAY}`)].map((e) => e.name);
      assertEquals(files.filter((f) => /-\d+\.JPG$/.test(f)), [], "no second copy");
      // Each announced photo is described alone, never by a new listing of the card.
      const fetches = camera.all("request").filter((r) => r.code === OPERATION.GetObject);
      assertEquals(fetches.length, 1 + 10 + 10, "each photo fetched once");
    });

    await t.step("a byebye ends the session; the camera is not called again", async () => {
      const connections = camera.all("connection").length;
      const closed = camera.all("closed").length;
      await ssdp.command("byebye");
      await helper.waitForLine(
        /stopped importing from camera 10\.236\.7\.2: it left \(ssdp:byebye\)/,
      );
      // Both of the session's connections, command and event, are closed.
      await camera.waitFor("closed", closed + 2);
      const { code, stderr } = await helper.stop("SIGTERM");
      assertEquals(code, 0, stderr);
      assertEquals(camera.all("connection").length, connections, "no new connection");
      assertEquals(stderr.split("\n").filter((l) => /trying again in/.test(l)), []);
    });
  },
);

await namespaceTest(
  "--import-to: a connection dropped mid-file is reconnected and the file completed byte-identical",
  async (t) => {
    await using lab = await NetnsLab.create();
    const subnet = "10.236.8";
    const ip = `${subnet}.2`;
    const { pc, camera: cam } = await lab.pcAndCamera(subnet);
    const dest = await tempDir("pch-sink-drop-");
    await using camera = ptpipCamera(cam, ip, {
      drop: { afterBytes: 1_000_000, counting: "object" },
    });
    await camera.waitFor("listening");
    await using helper = await startHelper(["--import-to", dest, "--uuid", UUID], { netns: pc });
    await helper.waitForLine(/ready: waiting for a camera/);
    await using _ssdp = powershotPairing(cam);
    await helper.waitForLine(/importing new photos from .* at 10\.236\.8\.2/);

    await t.step("cut at 1,000,000 bytes, resumed from there after a 1 s backoff", async () => {
      const size = 3_000_017;
      const started = performance.now();
      await camera.command(`add DCIM/100CANON/IMG_0900.CR3 ${size} 9 ${DATE}`);
      await camera.waitFor("dropped");
      await helper.waitForLine(
        /the PTP\/IP session with camera 10\.236\.8\.2 failed .*; trying again in 1 s/,
      );
      await importedLine(helper, `${DAY}/IMG_0900.CR3`, ip, 15_000);
      console.log(
        `    dropped at 1 MB, complete after ${Math.round(performance.now() - started)} ms`,
      );
      await checkBytes(`${dest}/${DAY}/IMG_0900.CR3`, 9, size);
      const resumed = camera.all("request").find((r) =>
        r.code === OPERATION.GetPartialObject && (r.params as number[])[1] === 1_000_000
      );
      assert(resumed, "resumed by GetPartialObject from the partial file's end");
      assertEquals(
        [...Deno.readDirSync(`${dest}/${DAY}`)].map((e) => e.name),
        ["IMG_0900.CR3"],
        "no partial file left",
      );
    });
  },
);
