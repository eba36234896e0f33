// `import` in-process against the fake PTP/IP camera on 127.0.0.1: a small card end to end, a
// second run that copies nothing, a drop mid-file resumed by the next run, and each way a session
// fails worded for the user.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { type ImportCommand, onlyCamera, runImportCommand } from "../../lib/commands/import.ts";
import { HelperError } from "../../lib/errors.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { INIT_FAIL, OPERATION } from "../../lib/ptpip/codes.ts";
import { guidFromDeviceUuid } from "../../lib/gphoto2/guid.ts";
import { openPtpipSession } from "../../lib/ptpip/session.ts";
import {
  type CameraFile,
  contentBytes,
  type PtpipCamera,
  startPtpipCamera,
} from "../../lab/ptpip_camera.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const CARD: CameraFile[] = [
  {
    path: "DCIM/100CANON/IMG_0001.JPG",
    content: { seed: 1, size: 150_000 },
    captureDate: "20240305T101112",
  },
  {
    path: "DCIM/100CANON/IMG_0002.JPG",
    content: { seed: 2, size: 3_000 },
    captureDate: "20240305T101113",
  },
  {
    path: "DCIM/101CANON/IMG_0003.CR3",
    content: { seed: 3, size: 400_000 },
    captureDate: "20240306T080000",
  },
];

function command(to: string): ImportCommand {
  return {
    config: { ssdpPort: 1900, interfaceNames: [] },
    camera: "127.0.0.1",
    to,
  };
}

async function run(camera: PtpipCamera, to: string) {
  const events: ServeEvent[] = [];
  let error: unknown;
  try {
    await runImportCommand(command(to), {
      uuid: { uuid: UUID, cwd: to, randomUuid: () => crypto.randomUUID() },
      hostname: () => "test-pc",
      os: "linux",
      env: () => undefined,
      interfaces: () => [],
      emit: (e) => events.push(e),
      ptpipPort: camera.port,
      timeouts: { connectMs: 2000, initMs: 2000, readMs: 2000 },
    });
  } catch (e) {
    error = e;
  }
  const summary = events.find((e) => e.event === "import-summary");
  return { events, error, summary };
}

async function assertSameBytes(path: string, file: CameraFile): Promise<void> {
  const content = file.content as { seed: number; size: number };
  assertEquals(await Deno.readFile(path), contentBytes(file.content, 0, content.size), path);
}

function expectFailure(error: unknown): string {
  assert(error instanceof HelperError, `a HelperError, not ${error}`);
  assertEquals(error.exitCode, 1);
  assert(!error.message.includes("\n"), "one line");
  return error.message;
}

Deno.test("import from the fake camera", async (t) => {
  await t.step(
    "a small card end to end: every photo byte-identical, by day, one summary",
    async (s) => {
      await using camera = await startPtpipCamera({ files: CARD, serialNumber: "0123456789" });
      const to = await tempDir("pch-import-");
      const first = await run(camera, to);
      assertEquals(first.error, undefined);
      await assertSameBytes(`${to}/2024/2024-03-05/IMG_0001.JPG`, CARD[0]);
      await assertSameBytes(`${to}/2024/2024-03-05/IMG_0002.JPG`, CARD[1]);
      await assertSameBytes(`${to}/2024/2024-03-06/IMG_0003.CR3`, CARD[2]);
      assertEquals(first.events[0], {
        event: "import-start",
        camera: "127.0.0.1",
        model: "Canon PowerShot SX740 HS",
        to,
      });
      const photos = first.events.filter((e) => e.event === "photo-imported");
      assertEquals(photos.length, 3);
      // A standard body's session is closed with CloseSession (an EOS body's is not, below).
      assertEquals(camera.requests.at(-1)?.name, "CloseSession");
      assertEquals(first.summary && { ...first.summary, seconds: "" }, {
        event: "import-summary",
        camera: "127.0.0.1",
        imported: 3,
        bytes: 553_000,
        size: "553.0 kB",
        seconds: "",
        skipped: 0,
      });
      // The camera saw this computer's name and the GUID gphoto2-guid gives gphoto2.
      const session = camera.events.find((e) => e.event === "session");
      assertEquals(session && session.event === "session" && session.hostName, "test-pc");
      assert(guidFromDeviceUuid(UUID).ok);

      await s.step("a second run copies nothing and fetches nothing", async () => {
        const before = camera.requests.length;
        const second = await run(camera, to);
        assertEquals(second.error, undefined);
        assertEquals(second.summary?.event === "import-summary" && second.summary.imported, 0);
        assertEquals(second.summary?.event === "import-summary" && second.summary.skipped, 3);
        const fetched = camera.requests.slice(before).filter((r) =>
          r.code === OPERATION.GetObject || r.code === OPERATION.GetPartialObject
        );
        assertEquals(fetched, []);
      });
    },
  );

  await t.step(
    "a drop mid-file: a clear failure, then the next run resumes from the partial file",
    async () => {
      await using camera = await startPtpipCamera({
        files: [CARD[2]],
        dataChunkBytes: 16_384,
        drop: { afterBytes: 100_000 },
      });
      const to = await tempDir("pch-import-");
      const first = await run(camera, to);
      const message = expectFailure(first.error);
      assertMatch(
        message,
        /^the import from camera 127\.0\.0\.1 stopped, its connection lost \(.*\)\. Run import again to resume/,
      );
      assertEquals(first.summary?.event === "import-summary" && first.summary.imported, 0);

      const second = await run(camera, to);
      assertEquals(second.error, undefined);
      await assertSameBytes(`${to}/2024/2024-03-06/IMG_0003.CR3`, CARD[2]);
      const resumed = camera.requests.find((r) => r.code === OPERATION.GetPartialObject);
      assert(resumed && resumed.params[1] > 0, "resumed with GetPartialObject from an offset");
      assert(resumed.objectBytes < 400_000, "only the missing bytes were sent again");
    },
  );

  await t.step("InitFail: not paired, pair with the helper first", async () => {
    await using camera = await startPtpipCamera({
      files: CARD,
      initFail: INIT_FAIL.RejectedInitiator,
    });
    const { error, summary } = await run(camera, await tempDir("pch-import-"));
    assertMatch(
      expectFailure(error),
      /^camera 127\.0\.0\.1 \(PTP\/IP port \d+\) does not accept this computer: .*Pair it with the helper first/,
    );
    assertEquals(summary, undefined);
  });

  await t.step("another client holds the camera: busy, close it", async () => {
    await using camera = await startPtpipCamera({ files: CARD, oneConnection: true });
    const guid = guidFromDeviceUuid(UUID);
    assert(guid.ok);
    const other = await openPtpipSession({
      host: "127.0.0.1",
      port: camera.port,
      guid: guid.value,
      hostName: "gphoto2",
    });
    assert(other.ok);
    await using _held = other.value;
    const { error } = await run(camera, await tempDir("pch-import-"));
    assertMatch(expectFailure(error), /is busy: another program holds its connection \(gphoto2/);
  });

  await t.step("nothing listening: refused, with what to check", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const fake = { port } as PtpipCamera;
    const { error } = await run(fake, await tempDir("pch-import-"));
    assertMatch(
      expectFailure(error),
      /^camera 127\.0\.0\.1 \(PTP\/IP port \d+\) refused the connection: .*"connect to computer" mode/,
    );
  });
});

Deno.test("import from the fake camera in EOS mode: remote and event mode, Canon's GetPartialObject, no CloseSession", async () => {
  const card = CARD.slice(0, 2);
  await using camera = await startPtpipCamera({ eos: true, files: card });
  const to = await tempDir("pch-import-eos-");
  const { error, summary, events } = await run(camera, to);
  assertEquals(error, undefined);
  await assertSameBytes(`${to}/2024/2024-03-05/IMG_0001.JPG`, card[0]);
  await assertSameBytes(`${to}/2024/2024-03-05/IMG_0002.JPG`, card[1]);
  assertEquals(summary?.event === "import-summary" && summary.imported, 2);
  assertEquals(events[0], {
    event: "import-start",
    camera: "127.0.0.1",
    model: "Canon EOS 6D",
    to,
  });
  const names = camera.requests.map((r) => r.name);
  assertEquals(names.slice(0, 6), [
    "OpenSession",
    "GetDeviceInfo",
    "EosSetRemoteMode",
    "EosSetEventMode",
    "EosGetEvent",
    "EosGetEvent",
  ]);
  assertEquals(names.filter((n) => n === "EosGetPartialObject").length, 2);
  assertEquals(names.filter((n) => n === "EosTransferComplete").length, 2);
  assert(!names.includes("GetObject") && !names.includes("GetPartialObject"));
  // The session ended without CloseSession, and the camera saw the connection go.
  assert(!names.includes("CloseSession"), names.join(" "));
  await camera.until(
    () => camera.connections.every((c) => !c.open),
    2000,
    "the connections to close",
  );
  // One client at a time: a second run gets in once the first is gone, and fetches nothing.
  const second = await run(camera, to);
  assertEquals(second.error, undefined);
  assertEquals(second.summary?.event === "import-summary" && second.summary.skipped, 2);
  assert(!camera.requests.some((r) => r.name === "CloseSession"));
});

Deno.test("onlyCamera: one found is used; none or several are explained", () => {
  assertEquals(onlyCamera([{ ip: "10.0.0.2", trait: "server" }]), "10.0.0.2");
  try {
    onlyCamera([]);
    throw new Error("accepted");
  } catch (error) {
    assertMatch(expectFailure(error), /no Canon camera answered.*Start the helper.*pair/);
  }
  try {
    onlyCamera([{ ip: "10.0.0.2", trait: "server" }, { ip: "10.0.0.3", trait: "usn" }]);
    throw new Error("accepted");
  } catch (error) {
    assert(error instanceof HelperError);
    assertEquals(error.exitCode, 2);
    assertMatch(error.message, /^2 Canon cameras answered: 10\.0\.0\.2, 10\.0\.0\.3\. Say which/);
  }
});
