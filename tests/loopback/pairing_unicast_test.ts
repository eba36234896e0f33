// The real program against the camera simulator over unicast 127.0.0.1 on free ports: runs on every OS
// (no multicast is sent, and nothing listens on 1900).

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { COMMANDS, OPTION_NAMES } from "../../lib/cli/options.ts";
import { userUuidPath } from "../../lib/uuid/store.ts";
import { CAMERA_SEARCH, fetchRaw, pairOnce, searchOnce } from "../../lab/camera_sim.ts";
import { freePorts, homeEnv, startHelper } from "../../lab/helper_process.ts";
import { tempDir } from "../../lab/temp_dir.ts";

const WINDOWS = Deno.build.os === "windows";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function to(port: number): Deno.NetAddr {
  return { transport: "udp", hostname: "127.0.0.1", port };
}

Deno.test("a camera pairs over unicast 127.0.0.1", async (t) => {
  const ports = freePorts();
  const args = ["-p", `${ports.udp}`, "-P", `${ports.tcp}`, "-n", "Studio & <Lab>", "127.0.0.1"];
  await using helper = await startHelper(args);
  await helper.waitForLine(/ready: waiting for a camera/);

  let uuid: string | undefined;
  await t.step("the whole exchange passes every camera check", async () => {
    const report = await pairOnce({ to: to(ports.udp) });
    assert(report.ok, JSON.stringify(report.checks.filter((c) => !c.ok)));
    assertEquals(report.location, `http://127.0.0.1:${ports.tcp}/ptpip-canon-desc-helper.xml`);
    assertEquals(report.friendlyName, "Studio & <Lab>: PTPIPResponder:");
    uuid = report.uuid;
  });

  await t.step("the log names the requester of the search and of the description", async () => {
    await helper.waitForLine(
      / 127\.0\.0\.1 is looking for a computer \(upnp:rootdevice\): answered$/,
    );
    await helper.waitForLine(/ 127\.0\.0\.1 fetched this computer's name \(its description\)$/);
  });

  await t.step("the UUID's origin is logged at start", async () => {
    await helper.waitForLine(new RegExp(`device UUID ${uuid} \\(new, saved in `));
  });

  await t.step("ssdp:all, any case and LF-only line ends are answered", async () => {
    const lenient = "m-search  *  http/1.1\nHost: 239.255.255.250:1900\nst:   SSDP:ALL  \n";
    const { text } = await searchOnce({ to: to(ports.udp), search: lenient });
    assertMatch(text, /^HTTP\/1\.1 200 OK\r\nST: upnp:rootdevice\r\n/);
  });

  await t.step("HEAD gets the GET headers without a body", async () => {
    const url = `http://127.0.0.1:${ports.tcp}/ptpip-canon-desc-helper.xml`;
    const get = await fetchRaw(url, "GET");
    const head = await fetchRaw(url, "HEAD");
    assertEquals(head.head, get.head);
    assertEquals(head.body.length, 0);
  });

  await t.step("other paths are 404, other methods 405 with Allow", async () => {
    const base = `http://127.0.0.1:${ports.tcp}`;
    assertMatch((await fetchRaw(`${base}/description.xml`)).head, /^HTTP\/1\.1 404 Not Found\r\n/);
    const post = await fetchRaw(`${base}/ptpip-canon-desc-helper.xml`, "POST");
    assertMatch(post.head, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    assertMatch(post.head, /\r\nAllow: GET, HEAD(\r\n|$)/);
  });

  // A child cannot be sent Ctrl+C on Windows (Deno kills it outright there).
  await t.step({
    name: "Ctrl+C stops both servers and exits 0 with a last line",
    ignore: WINDOWS,
    fn: async () => {
      const { code, stderr } = await helper.stop("SIGINT");
      assertEquals(code, 0);
      assertMatch(stderr.trimEnd().split("\n").at(-1)!, /stopped \(SIGINT\)/);
    },
  });
});

Deno.test("garbage, empty and oversized datagrams get no answer and the next search does", async () => {
  const ports = freePorts();
  await using helper = await startHelper([
    "-v",
    "-p",
    `${ports.udp}`,
    "-P",
    `${ports.tcp}`,
    "127.0.0.1",
  ]);
  await helper.waitForLine(/ready/);
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  try {
    const port = (socket.addr as Deno.NetAddr).port;
    const junk: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 256),
      encoder.encode("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n"),
      encoder.encode("HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n"),
      encoder.encode(
        "M-SEARCH * HTTP/1.1\r\nST: urn:schemas-upnp-org:device:MediaRenderer:1\r\n\r\n",
      ),
      encoder.encode("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.25"),
      encoder.encode(
        `M-SEARCH * HTTP/1.1\r\nST: upnp:rootdevice\r\nX: ${"a".repeat(9000)}\r\n\r\n`,
      ),
    ];
    for (const datagram of junk) await socket.send(datagram, to(ports.udp));
    // Each datagram is logged as ignored, in order: the helper read them all and kept serving.
    const pattern = new RegExp(`datagram from 127\\.0\\.0\\.1:${port}: (\\w+)`);
    const verdicts = await helper.waitForLines(pattern, junk.length);
    assertEquals(verdicts.map((l) => pattern.exec(l)![1]), junk.map(() => "ignored"));

    await socket.send(encoder.encode(CAMERA_SEARCH), to(ports.udp));
    const [answer] = await socket.receive();
    // Had any junk been answered, its answer would have arrived first.
    assertMatch(decoder.decode(answer), /^HTTP\/1\.1 200 OK\r\nST: upnp:rootdevice\r\n/);
  } finally {
    socket.close();
  }
});

Deno.test("a restart keeps the UUID", async () => {
  const home = await tempDir("pch-home-");
  const uuids: string[] = [];
  for (let run = 0; run < 2; run++) {
    const ports = freePorts();
    await using helper = await startHelper([
      "-p",
      `${ports.udp}`,
      "-P",
      `${ports.tcp}`,
      "127.0.0.1",
    ], {
      env: { HOME: home },
    });
    await helper.waitForLine(/ready/);
    const report = await pairOnce({ to: to(ports.udp) });
    assert(report.ok, JSON.stringify(report.checks));
    uuids.push(report.uuid!);
    // SIGTERM, as a service manager stops it; Windows has no such signal to send.
    const { code } = await helper.stop(WINDOWS ? "SIGKILL" : "SIGTERM");
    if (!WINDOWS) assertEquals(code, 0);
  }
  assertEquals(uuids[0], uuids[1]);
  const env = homeEnv(home);
  const stored = await Deno.readTextFile(userUuidPath(Deno.build.os, (name) => env[name])!);
  assertEquals(stored, uuids[0], "the file holds the bare UUID, no newline");
});

Deno.test("start-up failures are one clear line and exit code 1 or 2", async (t) => {
  // The description port in use: port_holder_test.ts, which also checks the holder is named.
  await t.step("a LAN_IP of another machine lists this machine's addresses", async () => {
    const { code, stderr } = await (await startHelper(["192.0.2.77"])).exit();
    assertEquals(code, 2);
    assertMatch(
      stderr,
      /LAN_IP 192\.0\.2\.77 is not an address of this machine\. Its IPv4 addresses: .*127\.0\.0\.1/,
    );
  });

  await t.step("a bad port names the flag and the value", async () => {
    const { code, stderr } = await (await startHelper(["-P", "70000", "127.0.0.1"])).exit();
    assertEquals(code, 2);
    assertMatch(stderr, /-P\/--desc-port must be a whole number from 1 to 65535, not "70000"/);
  });

  await t.step("an unknown flag suggests the right one", async () => {
    const { code, stderr } = await (await startHelper(["--desc-prot", "9000"])).exit();
    assertEquals(code, 2);
    assertMatch(stderr, /unknown option --desc-prot\. Did you mean --desc-port\?/);
  });

  await t.step("a corrupt UUID file is refused and left untouched", async () => {
    const dir = await tempDir("pch-uuid-file-");
    const file = `${dir}/uuid`;
    await Deno.writeTextFile(file, "not-a-uuid\n");
    const ports = freePorts();
    const helper = await startHelper([
      "--uuid-file",
      file,
      "-p",
      `${ports.udp}`,
      "-P",
      `${ports.tcp}`,
      "127.0.0.1",
    ]);
    const { code, stderr } = await helper.exit();
    assertEquals(code, 1);
    assert(stderr.includes(`the UUID file ${file} does not hold a UUID`), stderr);
    assertEquals(await Deno.readTextFile(file), "not-a-uuid\n");
  });
});

Deno.test("--help is one screen, the command pages teach every flag, version prints it", async () => {
  const help = await (await startHelper(["--help"])).exit();
  assertEquals(help.code, 0);
  assert(help.stdout.trimEnd().split("\n").length <= 40, help.stdout);
  const pages = await Promise.all(
    COMMANDS.map(async (command) => (await (await startHelper(["help", command])).exit()).stdout),
  );
  for (const flag of OPTION_NAMES.map((name) => `--${name}`)) {
    assert(pages.some((page) => page.includes(flag)), `a command's help mentions ${flag}`);
  }
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  for (const args of [["-V"], ["version"]]) {
    const version = await (await startHelper(args)).exit();
    assertEquals(version.stdout.trim(), `ptpip-canon-helper ${denoJson.version}`);
  }
});

Deno.test("with --log-format json, a command-line error is one JSON line too", async () => {
  const result = await (await startHelper(["--log-format", "json", "--no-such-flag"])).exit();
  assertEquals(result.code, 2);
  const lines = result.stderr.split("\n").filter((l) => l.trim() !== "");
  assertEquals(lines.length, 1, result.stderr);
  const record = JSON.parse(lines[0]);
  assertEquals(record.properties.event, "error");
  assertMatch(record.message, /unknown option --no-such-flag/);
});
