// The EOS flow against a fake EOS 6D on another host of a private LAN, and the look-alike that must
// never be called a camera: a generic Linux UPnP PC that fetched the description. The real program,
// multicast inside network namespaces; skipped visibly elsewhere.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { eosFetchRequest } from "../../lib/cameras/eos_flow.ts";
import { EOS_DESCRIPTION_PATH } from "../../lab/canon_fakes.ts";
import { DeviceProcess } from "../../lab/device_process.ts";
import { startHelper } from "../../lab/helper_process.ts";
import { namespaceTest, type Netns, NetnsLab } from "../../lab/netns.ts";
import { tempDir } from "../../lab/temp_dir.ts";

/** The fake device program on the other host, once it listens. */
async function startDevice(ns: Netns, kind: "eos6d" | "upnp-pc", host: string) {
  const device = new DeviceProcess(ns, "fake_device.ts", ["--kind", kind, "--host", host]);
  try {
    await device.waitFor("listening");
  } catch (error) {
    await device[Symbol.asyncDispose]();
    throw error;
  }
  return device;
}

const count = (lines: string[], pattern: RegExp) => lines.filter((l) => pattern.test(l)).length;

/** A hook that appends what it was told about the camera to a file. */
async function recordingHook(): Promise<{ argv: string[]; record: string }> {
  const record = `${await tempDir("pch-eos-")}/cameras.txt`;
  return {
    argv: [
      "/bin/sh",
      "-c",
      'echo "$CAMERA_IP|$CAMERA_FLOW|$CAMERA_MODEL|$CAMERA_NAME" >> "$0"',
      record,
    ],
    record,
  };
}

await namespaceTest(
  "--eos: an announcing 6D gets exactly the Windows fetch, is ready with its model, hooked once, gone on byebye",
  async (t) => {
    await using lab = await NetnsLab.create();
    const { pc, camera: other } = await lab.pcAndCamera("10.233.1");
    const hook = await recordingHook();
    await using helper = await startHelper(["--eos", "--on-camera", "--", ...hook.argv], {
      netns: pc,
    });
    await helper.waitForLine(/ready: waiting for a camera/);
    await using eos = await startDevice(other, "eos6d", "10.233.1.2");
    await eos.command("announce");

    await t.step("the ready line names the model and the gphoto2 command", async () => {
      const line = await helper.waitForLine(/EOS camera 10\.233\.1\.2 .*is ready/);
      assertMatch(line, /EOS camera 10\.233\.1\.2 \(Canon EOS 6D\) is ready/);
      assertMatch(line, /gphoto2 --port ptpip:10\.233\.1\.2 --summary/);
    });

    await t.step(
      "every request is the Windows GET, byte for byte, and the first armed it",
      async () => {
        const first = await eos.waitFor("request");
        assertEquals(first.armed, true);
        const expected = eosFetchRequest({
          ip: "10.233.1.2",
          port: 49152,
          path: EOS_DESCRIPTION_PATH,
        });
        for (const request of eos.all("request")) assertEquals(request.bytes, expected);
      },
    );

    await t.step("the hook runs once, with CAMERA_FLOW=eos and CAMERA_MODEL", async () => {
      await helper.waitForLine(/--on-camera program for camera 10\.233\.1\.2 exited with code 0/);
      assertEquals(
        await Deno.readTextFile(hook.record),
        "10.233.1.2|eos|Canon EOS 6D|Canon EOS 6D\n",
      );
    });

    await t.step("a byebye makes it gone; nobody connected to its PTP/IP port", async () => {
      await eos.command("byebye");
      await helper.waitForLine(/camera 10\.233\.1\.2 left \(ssdp:byebye\)/);
      const { code, stderr } = await helper.stop("SIGINT");
      assertEquals(code, 0);
      const lines = stderr.split("\n");
      assertEquals(count(lines, /is ready/), 1, stderr);
      assertEquals(count(lines, /--on-camera: started/), 1, stderr);
      assertEquals(eos.all("ptpip-connect"), [], "PTP/IP untouched");
      // Fetches are bounded: at most 10 per announcement, 3 s apart.
      assert(eos.all("request").length <= 10);
    });
  },
);

await namespaceTest(
  "--eos: a 6D that announced before the helper started answers its start-up search and pairs",
  async () => {
    await using lab = await NetnsLab.create();
    const { pc, camera: other } = await lab.pcAndCamera("10.233.2");
    await using eos = await startDevice(other, "eos6d", "10.233.2.2");
    await using helper = await startHelper(["--eos", "-v"], { netns: pc });
    await helper.waitForLine(/EOS camera 10\.233\.2\.2 \(Canon EOS 6D\) is ready/);
    const search = eos.all("searched").find((s) => s.answered);
    assertEquals(search?.st, "urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1");
    assertEquals((await eos.waitFor("request")).armed, true);
  },
);

await namespaceTest(
  "without --eos an announcing 6D is named once and never fetched",
  async () => {
    await using lab = await NetnsLab.create();
    const { pc, camera: other } = await lab.pcAndCamera("10.233.3");
    await using helper = await startHelper(["-v"], { netns: pc });
    await helper.waitForLine(/ready: waiting for a camera/);
    await using eos = await startDevice(other, "eos6d", "10.233.3.2");
    await eos.command("announce");
    await eos.command("announce");
    // Both announcements have reached the responder once both are logged (-v).
    await helper.waitForLines(/datagram from 10\.233\.3\.2:1900: ignored/, 2);
    const { stderr } = await helper.stop("SIGINT");
    const lines = stderr.split("\n");
    assertEquals(count(lines, /an EOS camera at 10\.233\.3\.2 announces itself.*--eos/), 1, stderr);
    assertEquals(eos.all("request"), [], "never fetched");
    assertEquals(eos.all("searched"), [], "never searched for");
  },
);

await namespaceTest(
  "a generic Linux UPnP PC that fetched the description is no camera: no ready line, no hook",
  async () => {
    await using lab = await NetnsLab.create();
    const { pc, camera: other } = await lab.pcAndCamera("10.233.4");
    const hook = await recordingHook();
    await using helper = await startHelper(["--on-camera", "--", ...hook.argv], {
      netns: pc,
      // The presence delay of production (3 s) only makes the test wait.
      labTiming: "presence=300",
    });
    const served = await helper.waitForLine(
      /serving eth0 10\.233\.4\.1: .*description is at (\S+)/,
    );
    const url = /description is at (\S+)/.exec(served)![1];
    await using device = await startDevice(other, "upnp-pc", "10.233.4.2");
    await device.command(`fetch ${url}`);
    assertMatch(String(device.all("fetched")[0].status), /^HTTP\/1\.1 200 OK/);
    await helper.waitForLine(/10\.233\.4\.2 fetched this computer's name but is no Canon camera/);
    // The device reports the search on its own stdout, which may come after the helper's line.
    const searched = await device.waitFor("searched");
    assertEquals(searched.st, "ssdp:all", "it was asked, and answered");
    const { stderr } = await helper.stop("SIGINT");
    assertEquals(count(stderr.split("\n"), /is ready/), 0, stderr);
    assertEquals(count(stderr.split("\n"), /--on-camera: started/), 0, stderr);
    await Deno.stat(hook.record).then(
      () => assert(false, "the hook ran"),
      (error) => assert(error instanceof Deno.errors.NotFound),
    );
  },
);
