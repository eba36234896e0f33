// The EOS source against the fake camera in EOS mode on 127.0.0.1: a file added while connected
// comes in GetEvent, is described by its ObjectInfo, and is fetched byte-identical with Canon's
// GetPartialObject in 1 MiB blocks (and from an offset), each file followed by TransferComplete;
// the importer copies the card through it; an object the body will not describe falls back to
// the record.

import { assert, assertEquals } from "../support/assert.ts";
import { describeEosObject, EOS_BLOCK_BYTES, eosSource } from "../../lib/import/eos_source.ts";
import { importNew } from "../../lib/import/importer.ts";
import { eosEvents, startEosMode } from "../../lib/ptpip/eos.ts";
import { EOS_EVENT, type EosObjectAdded } from "../../lib/ptpip/eos_events.ts";
import { FORMAT, OPERATION } from "../../lib/ptpip/codes.ts";
import { collectBytes as collect, openOnLoopback, testGuid } from "../support/ptpip.ts";
import { contentBytes, startPtpipCamera, STORAGE_ID } from "../../lab/ptpip_camera.ts";
import { tempDir } from "../../lab/temp_dir.ts";

const GUID = testGuid(0x30);
const NEW = { seed: 42, size: 2 * EOS_BLOCK_BYTES + 12_345 };

async function eosSession(port: number) {
  const opened = await openOnLoopback(port, {
    guid: GUID,
    hostName: "eos-source-test",
    closeSession: false,
  });
  assert(opened.ok, JSON.stringify(!opened.ok && opened.error));
  const session = opened.value;
  const info = await session.deviceInfo();
  assert(info.ok);
  assert((await startEosMode(session, info.value)).ok);
  return { session, info: info.value };
}

Deno.test("a file added while connected: from GetEvent to its bytes by Canon's GetPartialObject", async () => {
  await using camera = await startPtpipCamera({
    eos: true,
    files: [{ path: "DCIM/100CANON/IMG_0001.JPG", content: { seed: 1, size: 10 } }],
  });
  const { session, info } = await eosSession(camera.port);
  await using _ = session;
  const handle = await camera.addFile({
    path: "DCIM/100CANON/IMG_0002.JPG",
    content: NEW,
    captureDate: "20240607T080910",
  });
  const events = await eosEvents(session);
  assert(events.ok);
  const added = events.value.find((e) => e.kind === "object-added" && e.handle === handle);
  assert(added?.kind === "object-added");
  const object = await describeEosObject(session, added);
  assertEquals(object, {
    ok: true,
    value: {
      handle,
      storageId: STORAGE_ID,
      format: FORMAT.Jpeg,
      name: "IMG_0002.JPG",
      size: NEW.size,
      captureDate: "20240607T080910",
    },
  });
  assert(object.ok);

  const source = eosSource(session, info);
  assertEquals(source.cameraId, "Canon EOS 6D 0123456789AB");
  const before = camera.requests.length;
  const whole = collect();
  assertEquals(await source.fetch(object.value, 0, whole.sink), { ok: true, value: undefined });
  assertEquals(whole.bytes(), contentBytes(NEW, 0, NEW.size));
  assertEquals(
    camera.requests.slice(before).map((r) => [r.name, r.params]),
    [
      ["EosGetPartialObject", [handle, 0, EOS_BLOCK_BYTES]],
      ["EosGetPartialObject", [handle, EOS_BLOCK_BYTES, EOS_BLOCK_BYTES]],
      ["EosGetPartialObject", [handle, 2 * EOS_BLOCK_BYTES, 12_345]],
      ["EosTransferComplete", [handle]],
    ],
  );

  // A partial copy resumes from its end.
  const rest = collect();
  const from = EOS_BLOCK_BYTES + 777;
  assert((await source.fetch(object.value, from, rest.sink)).ok);
  assertEquals(rest.bytes(), contentBytes(NEW, from, NEW.size - from));
});

Deno.test("the importer copies an EOS card through the source, byte-identical, once", async () => {
  await using camera = await startPtpipCamera({
    eos: true,
    files: [
      {
        path: "DCIM/100CANON/IMG_0001.CR3",
        content: { seed: 5, size: 1_500_000 },
        captureDate: "20240102T030405",
      },
    ],
  });
  const { session, info } = await eosSession(camera.port);
  await using _ = session;
  await camera.addFile({
    path: "DCIM/100CANON/IMG_0002.JPG",
    content: { seed: 6, size: 4321 },
    captureDate: "20240102T030406",
  });
  const dest = await tempDir("pch-eos-source-");
  const source = eosSource(session, info);
  const first = await importNew(source, { dest, clock: () => Date.now() });
  assert(first.ok, JSON.stringify(!first.ok && first.error));
  assertEquals(first.value.imported, 2);
  assertEquals(
    await Deno.readFile(`${dest}/2024/2024-01-02/IMG_0001.CR3`),
    contentBytes({ seed: 5, size: 1_500_000 }, 0, 1_500_000),
  );
  assertEquals(
    await Deno.readFile(`${dest}/2024/2024-01-02/IMG_0002.JPG`),
    contentBytes({ seed: 6, size: 4321 }, 0, 4321),
  );
  const completed = camera.requests.filter((r) => r.code === OPERATION.EosTransferComplete);
  assertEquals(completed.length, 2);
  const second = await importNew(source, { dest, clock: () => Date.now() });
  assert(second.ok);
  assertEquals([second.value.imported, second.value.alreadyImported], [0, 2]);
});

Deno.test("an object the body will not describe is taken from its record; the record alone has no date", async () => {
  await using camera = await startPtpipCamera({ eos: true });
  const { session } = await eosSession(camera.port);
  await using _ = session;
  const event: EosObjectAdded = {
    kind: "object-added",
    type: EOS_EVENT.RequestObjectTransfer,
    handle: 0x7777,
    storageId: 0,
    format: FORMAT.Jpeg,
    size: 99,
    parent: 0,
    name: "IMG_9999.JPG",
  };
  const expected = {
    handle: 0x7777,
    storageId: 0,
    format: FORMAT.Jpeg,
    name: "IMG_9999.JPG",
    size: 99,
  };
  assertEquals(await describeEosObject(session, event), { ok: true, value: expected });
});
