// The client session against the fake PowerShot of lab/ptpip_camera.ts (a real PTP/IP server that
// gphoto2 also accepts), on 127.0.0.1: list the card, fetch files byte for byte, whole and in
// parts, hear ObjectAdded and answer Ping, and fail as values on InitFail and a cut mid-transfer.

import { joinBytes } from "../../lib/util/bytes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import type { PtpEvent } from "../../lib/ptpip/session.ts";
import { encodeStorageInfo } from "../../lab/ptp_camera_codec.ts";
import { collectBytes as collect, openOnLoopback, testGuid } from "../support/ptpip.ts";
import { contentBytes, startPtpipCamera } from "../../lab/ptpip_camera.ts";
import { EVENT, FORMAT, INIT_FAIL, OPERATION } from "../../lib/ptpip/codes.ts";
import { Waiters } from "../../lab/waiters.ts";

const GUID = testGuid(0x10);
const BIG = { seed: 7, size: 700_001 };

/** A session with the fake camera listening on `port` of 127.0.0.1. */
const openOn = (port: number) => openOnLoopback(port, { guid: GUID, hostName: "session-test" });

Deno.test("lists the fake camera's card and fetches a file byte-identical, whole and in parts", async () => {
  await using camera = await startPtpipCamera({
    files: [
      { path: "DCIM/100CANON/IMG_0001.JPG", content: BIG },
      { path: "DCIM/100CANON/IMG_0002.CR3", content: new Uint8Array([1, 2, 3]) },
    ],
    dataChunkBytes: 50_000,
  });
  const opened = await openOn(camera.port);
  assert(opened.ok, JSON.stringify(!opened.ok && opened.error));
  await using session = opened.value;

  const device = await session.deviceInfo();
  assert(device.ok);
  assertEquals(device.value.model, "Canon PowerShot SX740 HS");
  const storages = await session.storageIds();
  assert(storages.ok && storages.value.length === 1);
  // The helper never asks GetStorageInfo; the fake camera answers it (gphoto2 reads it) with its
  // card, the free space less what its files take.
  const storage = await session.operationData(OPERATION.GetStorageInfo, [storages.value[0]], 4096);
  assert(storage.ok);
  assertEquals(
    storage.value.data,
    encodeStorageInfo({
      storageType: 4,
      filesystemType: 3,
      accessCapability: 0,
      maxCapacity: 32_000_000_000n,
      freeSpaceInBytes: 32_000_000_000n - BigInt(BIG.size + 3),
      freeSpaceInImages: 0xFFFFFFFF,
      description: "SD",
      volumeLabel: "EOS_DIGITAL",
    }),
  );

  const handles = await session.objectHandles();
  assert(handles.ok);
  const files = [];
  for (const handle of handles.value) {
    const info = await session.objectInfo(handle);
    assert(info.ok);
    if (info.value.format !== FORMAT.Association) files.push({ handle, info: info.value });
  }
  assertEquals(files.map((f) => f.info.filename).sort(), ["IMG_0001.JPG", "IMG_0002.CR3"]);
  const big = files.find((f) => f.info.filename === "IMG_0001.JPG")!;
  assertEquals(big.info.compressedSize, BIG.size);

  const whole = collect();
  assertEquals(await session.getObject(big.handle, whole.sink), { ok: true, value: BIG.size });
  assertEquals(whole.bytes(), contentBytes(BIG, 0, BIG.size));

  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < BIG.size; offset += 256 * 1024) {
    const part = collect();
    const got = await session.getPartialObject(big.handle, offset, 256 * 1024, part.sink);
    assert(got.ok);
    parts.push(part.bytes());
  }
  assertEquals(joinBytes(parts), contentBytes(BIG, 0, BIG.size));

  const ids = camera.requests.map((r) => r.transactionId);
  assertEquals(ids, ids.map((_, i) => i), "OpenSession 0, then 1, 2, …");
  await session.close();
  await camera.until(
    () => camera.requests.some((r) => r.code === OPERATION.CloseSession),
    2000,
    "CloseSession",
  );
});

Deno.test("hears ObjectAdded and answers the camera's Ping", async () => {
  await using camera = await startPtpipCamera({ files: [] });
  const opened = await openOn(camera.port);
  assert(opened.ok);
  await using session = opened.value;
  const events: PtpEvent[] = [];
  const waiters = new Waiters();
  session.onEvent((e) => {
    events.push(e);
    waiters.wake();
  });
  const handle = await camera.addFile({ path: "DCIM/100CANON/IMG_0009.JPG", content: BIG });
  const heard = () => events.some((e) => e.code === EVENT.ObjectAdded && e.params[0] === handle);
  await waiters.until(heard, "ObjectAdded for the new file", 2000);
  // The folders it needed were announced first.
  assertEquals(events.filter((e) => e.code === EVENT.ObjectAdded).length, camera.objects.length);
  assertEquals(await camera.ping(), 1);
  await camera.until(() => camera.events.some((e) => e.event === "pong"), 2000, "a Pong");
});

Deno.test("InitFail and a cut mid-transfer come back as values", async () => {
  await using refusing = await startPtpipCamera({ initFail: INIT_FAIL.Busy });
  const refused = await openOn(refusing.port);
  assert(!refused.ok);
  assertEquals(refused.error.kind, "init-fail");
  assertEquals(refused.error.code, INIT_FAIL.Busy);

  await using camera = await startPtpipCamera({
    files: [{ path: "DCIM/100CANON/IMG_0001.JPG", content: BIG }],
    drop: { afterBytes: 100_000 },
  });
  const opened = await openOn(camera.port);
  assert(opened.ok);
  await using session = opened.value;
  const handles = await session.objectHandles();
  assert(handles.ok);
  const file = camera.objects.find((o) => o.name === "IMG_0001.JPG")!;
  const got = collect();
  const result = await session.getObject(file.handle, got.sink);
  assert(!result.ok);
  assertEquals(result.error.kind, "dropped");
  assertEquals(result.error.bytes, 100_000);
  assertEquals(got.bytes(), contentBytes(BIG, 0, 100_000));
});
