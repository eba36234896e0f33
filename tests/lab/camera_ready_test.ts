// A fake camera on another host of a private LAN pairs with the real program, then comes up as an SSDP
// device; the helper must say it is ready with the commands to use it, and run --on-camera once.
// Needs network namespaces; skipped visibly elsewhere.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { ERASE_LINE } from "../../lib/terminal/status_line.ts";
import { FAKE_CAMERA_TYPE, FAKE_CAMERA_UUID } from "../../lab/fake_camera.ts";
import { helperArgv, startHelper } from "../../lab/helper_process.ts";
import { LAB_TIMING_VARIABLE } from "../../lib/commands/lab_timing.ts";
import { namespaceTest, type Netns, NetnsLab } from "../../lab/netns.ts";
import { DeviceProcess } from "../../lab/device_process.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { Waiters } from "../../lab/waiters.ts";

/** The presence delay: production's 3 s only make the test wait (see lib/commands/lab_timing.ts). */
const LAB_TIMING = "presence=300";

/** The fake camera program on the camera's host. */
function fakeCamera(ns: Netns, args: string[]): DeviceProcess {
  return new DeviceProcess(ns, "fake_camera.ts", args);
}

const count = (lines: string[], pattern: RegExp) => lines.filter((l) => pattern.test(l)).length;

await namespaceTest(
  "a camera that pairs and announces itself is ready, and the hook runs once",
  async (t) => {
    await using lab = await NetnsLab.create();
    const { pc, camera } = await lab.pcAndCamera("10.232.1");
    const dir = await tempDir("pch-hook-");
    const record = `${dir}/cameras.txt`;
    // The hook program is a shell here because it is the user's program; the helper runs it directly.
    const hook = [
      "/bin/sh",
      "-c",
      'echo "$CAMERA_IP $CAMERA_NAME" >> "$0"; echo "hook saw $1"',
      record,
    ];
    await using helper = await startHelper(["-v", "--on-camera", "--", ...hook, "{ip}"], {
      netns: pc,
      labTiming: LAB_TIMING,
    });
    await helper.waitForLine(/ready: waiting for a camera/);
    await using cam = fakeCamera(camera, []);

    await t.step("the ready line names the camera and the commands to use it", async () => {
      const line = await helper.waitForLine(/camera 10\.232\.1\.2 .*is ready/);
      // Canon's own Server header names no model: the camera is called what it is.
      assertMatch(line, /camera 10\.232\.1\.2 \(Canon camera\) is ready/);
      assertMatch(line, /chdkptp -e"connect -h=10\.232\.1\.2"/);
      assertMatch(line, /gphoto2 --port ptpip:10\.232\.1\.2 --summary/);
      await helper.waitForLine(/ 10\.232\.1\.2 is pairing or reconnecting/);
    });

    await t.step(
      "the hook gets CAMERA_IP, CAMERA_NAME and {ip}, and its output is logged",
      async () => {
        await helper.waitForLine(/--on-camera program for camera 10\.232\.1\.2 exited with code 0/);
        await helper.waitForLine(/on-camera 10\.232\.1\.2: hook saw 10\.232\.1\.2$/);
        assertEquals(await Deno.readTextFile(record), "10.232.1.2 Canon camera\n");
      },
    );

    await t.step(
      "the helper asks the camera once, and its answer does not run the hook again",
      async () => {
        await cam.waitFor("searched-by");
        const search = cam.events.find((e) => e.event === "searched-by")!;
        assertEquals(search.from, "10.232.1.1");
        assertEquals(
          search.port,
          1900,
          "sent from the SSDP socket, so the answer comes back to it",
        );
        // Canon cameras answer ssdp:all and their own types, not upnp:rootdevice.
        assertEquals(search.st, "ssdp:all");
        // The camera's answer has reached the responder loop once its datagram is logged (-v).
        await helper.waitForLine(
          /datagram from 10\.232\.1\.2:1900: ignored: a response, not a search/,
        );
        const { code, stderr } = await helper.stop("SIGINT");
        assertEquals(code, 0);
        const lines = stderr.split("\n");
        assertEquals(count(lines, /is ready/), 1, stderr);
        assertEquals(count(lines, /--on-camera: started/), 1, stderr);
        assertEquals(count(lines, /asking 10\.232\.1\.2 for its SSDP presence/), 1, stderr);
        assertEquals(cam.events.filter((e) => e.event === "searched-by").length, 1);
        assertEquals(
          cam.events.filter((e) => e.event === "ptpip-connection"),
          [],
          "PTP/IP untouched",
        );
        assertEquals(
          (await Deno.readTextFile(record)).split("\n").length,
          2,
          "one line and the end",
        );
      },
    );

    await t.step("stderr is no terminal, so there is no status line at all", () => {
      assert(
        !helper.lines.some((l) => l.includes("\r") || l.includes("\x1b")),
        "no \\r, no escapes",
      );
    });
  },
);

await namespaceTest(
  "a camera that sends no NOTIFY and answers only ssdp:all and its Canon type is ready; JSON logs parse",
  async (t) => {
    await using lab = await NetnsLab.create();
    const { pc, camera } = await lab.pcAndCamera("10.232.2");
    await using helper = await startHelper(
      ["--log-format", "json", "--probe-ptpip", "10.232.2.1"],
      { netns: pc, labTiming: LAB_TIMING },
    );
    await helper.waitForLine(/"event":"ready"/);
    await using cam = fakeCamera(camera, ["--notify", "never", "--server", "Canon EOS M50"]);
    const ready = JSON.parse(await helper.waitForLine(/"event":"camera-ready"/));

    await t.step("the ready record carries the camera's address, name and commands", () => {
      assertEquals(ready.level, "INFO");
      assertEquals(ready.properties.ip, "10.232.2.2");
      assertEquals(ready.properties.name, "Canon EOS M50");
      assertEquals(ready.properties.via, "answer");
      assertEquals(
        ready.properties.usn,
        `uuid:${FAKE_CAMERA_UUID}::${FAKE_CAMERA_TYPE}`,
      );
      assertEquals(ready.properties.chdkptp, 'chdkptp -e"connect -h=10.232.2.2"');
      assertEquals(ready.properties.gphoto2, "gphoto2 --port ptpip:10.232.2.2 --summary");
      assertMatch(ready.message, /connect -h=10\.232\.2\.2.*--port ptpip:10\.232\.2\.2/);
    });

    await t.step("--probe-ptpip connects once to the PTP/IP port and says it is open", async () => {
      const check = JSON.parse(await helper.waitForLine(/"event":"ptpip-check"/));
      assertEquals(check.properties, {
        event: "ptpip-check",
        ip: "10.232.2.2",
        port: 15740,
        open: true,
      });
      assertEquals(check.message, "PTP/IP port 15740 of camera 10.232.2.2 accepts connections");
      await cam.waitFor("ptpip-connection");
      assertEquals(cam.events.filter((e) => e.event === "ptpip-connection").length, 1);
    });

    await t.step(
      "every stderr line is one JSON object with time, level, message, event",
      async () => {
        const { code, stderr } = await helper.stop("SIGTERM");
        assertEquals(code, 0);
        const lines = stderr.split("\n").filter((l) => l !== "");
        assert(lines.length >= 6, stderr);
        for (const line of lines) {
          const record = JSON.parse(line);
          assertEquals(typeof record["@timestamp"], "string", line);
          assert(!Number.isNaN(Date.parse(record["@timestamp"])), line);
          assert(["DEBUG", "INFO", "WARN", "ERROR", "FATAL"].includes(record.level), line);
          assertEquals(typeof record.message, "string", line);
          assertEquals(typeof record.properties?.event, "string", line);
        }
        assertEquals(JSON.parse(lines.at(-1)!).properties.event, "stop");
      },
    );
  },
);

await namespaceTest("on a terminal the status line follows the camera", async () => {
  await using lab = await NetnsLab.create();
  const { pc, camera } = await lab.pcAndCamera("10.232.3");
  const dir = await tempDir("pch-tty-");
  // `script` gives the helper a terminal; its output is the terminal's.
  const args = ["--uuid-file", `${dir}/uuid`, "10.232.3.1"];
  const command = helperArgv(args, true).map((a) => `'${a}'`).join(" ");
  const child = pc.spawn(["script", "-qfec", command, "/dev/null"], {
    env: { NO_COLOR: "1", TERM: "xterm", [LAB_TIMING_VARIABLE]: LAB_TIMING },
    stdin: "piped",
  });
  let screen = "";
  const shown = new Waiters();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const reading = (async () => {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      screen += read.value;
      shown.wake();
    }
    shown.end("the helper ended");
  })().catch(() => shown.end("the terminal closed"));
  const waitFor = (text: string) =>
    shown.until(
      () => screen.includes(text),
      () => `the screen to show "${text}":\n${screen}`,
      10_000,
    );
  try {
    await waitFor(`${ERASE_LINE}waiting for a camera…`);
    await using _cam = fakeCamera(camera, []);
    await waitFor(`${ERASE_LINE}camera 10.232.3.2 ready`);
    // Log lines are written over the erased status and the status is drawn again after them.
    const ready = /\d\d:\d\d:\d\d\.\d{3} INF camera 10\.232\.3\.2 \(Canon[^\n]*is ready/.exec(
      screen,
    );
    assert(ready, screen);
    assertEquals(screen.slice(ready.index - ERASE_LINE.length, ready.index), ERASE_LINE);
    assert(!/waiting for a camera…[^\r\n]*\d\d:\d\d:\d\d/.test(screen), "never on one line");
  } finally {
    child.kill("SIGINT");
    await reader.cancel();
    await reading;
    await child.status;
    await child.stderr.cancel();
  }
});
