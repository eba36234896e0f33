// Issue 22, item 1 on a private LAN: a camera searches and fetches the description, then, before the
// helper asks it for its presence, another host sends searches from 100 distinct on-LAN addresses.
// The camera must still be ready and its hook run. Skipped visibly where namespaces cannot be made.

import { assert } from "../support/assert.ts";
import { ssdpToolArgv } from "../../lab/camera_process.ts";
import { startHelper } from "../../lab/helper_process.ts";
import { namespaceTest, NetnsLab } from "../../lab/netns.ts";
import { DeviceProcess } from "../../lab/device_process.ts";

const decoder = new TextDecoder();

await namespaceTest(
  "100 forged searches from other LAN addresses do not keep a pairing camera from ready and its hook",
  async () => {
    await using lab = await NetnsLab.create();
    const { pc, camera } = await lab.pcAndCamera("10.232.9");
    // The forger shares the camera's link, with 100 addresses of its own and one to tell the end.
    const sources: string[] = [];
    for (let i = 0; i < 100; i++) sources.push(`10.232.9.${100 + i}`);
    const sentinel = "10.232.9.99";
    await camera.ipBatch([...sources, sentinel].map((a) => `addr add ${a}/24 dev wlan0`));
    await using helper = await startHelper(["-v", "--on-camera", "--", "/bin/true", "{ip}"], {
      netns: pc,
      // The presence delay of production (3 s) only makes the test wait.
      labTiming: "presence=300",
    });
    await helper.waitForLine(/ready: waiting for a camera/);
    // No NOTIFY: the camera is ready only by answering the helper's search, 3 s after its fetch.
    await using _cam = new DeviceProcess(camera, "fake_camera.ts", ["--notify", "never"]);
    await helper.waitForLine(/ 10\.232\.9\.2 is pairing or reconnecting/);
    const argv = ["--to", "10.232.9.1:1900", "--count", "100", "--sources", sources.join(",")];
    const out = await camera.output(ssdpToolArgv("flood", [...argv, "--sentinel", sentinel]));
    assert(out.success, decoder.decode(out.stderr));
    const flood = JSON.parse(decoder.decode(out.stdout).trim().split("\n").at(-1)!);
    // More answered searches than the tracker's 64 entries: before the fix they pushed the camera out.
    assert(flood.answers > 64, `forged searches answered: ${flood.answers}`);
    await helper.waitForLine(/camera 10\.232\.9\.2 .*is ready/, 10_000);
    await helper.waitForLine(/--on-camera program for camera 10\.232\.9\.2 exited with code 0/);
  },
);
