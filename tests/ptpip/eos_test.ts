// EOS bodies: recognising one and its remote-mode value (pure), then against the fake camera in EOS
// mode on 127.0.0.1: the session enters remote and event mode and drains the first GetEvent, a
// file added while connected comes in the next GetEvent as object-added, KeepDeviceOn is answered,
// a second client is refused, and after CloseSession the body answers OperationNotSupported.

import { assert, assertEquals } from "../support/assert.ts";
import {
  eosEvents,
  eosKeepAlive,
  eosRemoteMode,
  eosTransferComplete,
  isEosBody,
  startEosMode,
} from "../../lib/ptpip/eos.ts";
import { EOS_EVENT } from "../../lib/ptpip/eos_events.ts";
import { FORMAT, INIT_FAIL, OPERATION, RESPONSE } from "../../lib/ptpip/codes.ts";
import { openOnLoopback, testGuid } from "../support/ptpip.ts";
import { startPtpipCamera, STORAGE_ID } from "../../lab/ptpip_camera.ts";

const GUID = testGuid(0x20);

const openOn = (port: number) =>
  openOnLoopback(port, { guid: GUID, hostName: "eos-test", closeSession: false });

Deno.test("isEosBody: Canon's extension with GetEvent and SetRemoteMode", () => {
  const eos = [OPERATION.EosGetEvent, OPERATION.EosSetRemoteMode, OPERATION.GetObject];
  assert(isEosBody({ vendorExtensionId: 0xB, operationsSupported: eos }));
  assert(!isEosBody({ vendorExtensionId: 0xB, operationsSupported: [OPERATION.GetObject] }));
  assert(!isEosBody({ vendorExtensionId: 0x6, operationsSupported: eos }), "not Canon");
});

Deno.test("eosRemoteMode follows libgphoto2's camera_init", () => {
  const ops: number[] = [OPERATION.EosSetRemoteMode];
  const withRelease = [...ops, 0x9128];
  const mode = (model: string, operationsSupported = ops) =>
    eosRemoteMode({ model, operationsSupported });
  assertEquals(mode("Canon EOS 6D"), 1);
  assertEquals(mode("Canon EOS R"), 1);
  assertEquals(mode("Canon EOS M50"), 0x15);
  assertEquals(mode("Canon EOS M6 Mark II"), 1);
  assertEquals(mode("Canon PowerShot SX720 HS", withRelease), 0x11);
  assertEquals(mode("Canon PowerShot G7 X Mark II", withRelease), 0x15);
  assertEquals(mode("Canon PowerShot G7 X Mark II"), 1);
});

Deno.test("the fake EOS body: EOS mode, a new file in GetEvent, KeepDeviceOn, one client", async () => {
  await using camera = await startPtpipCamera({
    eos: true,
    files: [{ path: "DCIM/100CANON/IMG_0001.JPG", content: { seed: 1, size: 1000 } }],
  });
  const opened = await openOn(camera.port);
  assert(opened.ok, JSON.stringify(!opened.ok && opened.error));
  await using session = opened.value;
  // No standard ObjectAdded on the event connection in EOS mode.
  let heard = 0;
  session.onEvent(() => heard++);
  const info = await session.deviceInfo();
  assert(info.ok);
  assertEquals(info.value.model, "Canon EOS 6D");
  assert(isEosBody(info.value));

  // The fake refuses object operations before remote mode: proof the start below is what opens them.
  const early = await session.objectHandles();
  assert(!early.ok && early.error.kind === "busy");

  assertEquals(await startEosMode(session, info.value), { ok: true, value: undefined });
  const eosRequests = camera.requests.filter((r) => r.code >= 0x9000);
  assertEquals(
    eosRequests.map((r) => [r.name, r.params, r.response]),
    [
      ["EosSetRemoteMode", [1], RESPONSE.OK],
      ["EosSetEventMode", [1], RESPONSE.OK],
      ["EosGetEvent", [], RESPONSE.OK], // the camera's state
      ["EosGetEvent", [], RESPONSE.OK], // empty: drained
    ],
  );
  assertEquals(await eosEvents(session), { ok: true, value: [] });

  const handle = await camera.addFile({
    path: "DCIM/101CANON/IMG_0002.CR3",
    content: { seed: 2, size: 54_321 },
  });
  const events = await eosEvents(session);
  assert(events.ok);
  const folder = camera.objects.find((o) => o.name === "101CANON")!;
  assertEquals(events.value, [
    {
      kind: "object-added",
      type: EOS_EVENT.ObjectAddedEx,
      handle: folder.handle,
      storageId: STORAGE_ID,
      format: FORMAT.Association,
      size: 0,
      parent: folder.parent,
      name: "101CANON",
    },
    {
      kind: "object-added",
      type: EOS_EVENT.ObjectAddedEx,
      handle,
      storageId: STORAGE_ID,
      format: FORMAT.CanonCr3,
      size: 54_321,
      parent: folder.handle,
      name: "IMG_0002.CR3",
    },
  ]);
  assertEquals(await eosEvents(session), { ok: true, value: [] }, "reported once");

  assertEquals(await eosKeepAlive(session), { ok: true, value: undefined });
  assertEquals(await eosTransferComplete(session, handle), { ok: true, value: undefined });
  const last = camera.requests.slice(-2).map((r) => [r.name, r.params, r.response]);
  assertEquals(last, [
    ["EosKeepDeviceOn", [], RESPONSE.OK],
    ["EosTransferComplete", [handle], RESPONSE.OK],
  ]);

  const second = await openOn(camera.port);
  assert(!second.ok && second.error.kind === "init-fail");
  assertEquals(second.error.code, INIT_FAIL.Busy);
  assertEquals(heard, 0);
});

Deno.test("the fake EOS body answers OperationNotSupported to everything after CloseSession", async () => {
  await using camera = await startPtpipCamera({ eos: true });
  const opened = await openOn(camera.port);
  assert(opened.ok);
  await using session = opened.value;
  assert((await startEosMode(session)).ok);
  assert((await session.operation(OPERATION.CloseSession)).ok);
  for (const code of [OPERATION.GetDeviceInfo, OPERATION.OpenSession, OPERATION.EosGetEvent]) {
    const after = await session.operation(code, code === OPERATION.OpenSession ? [1] : []);
    assert(!after.ok && after.error.kind === "response", `0x${code.toString(16)}`);
    assertEquals(after.error.code, RESPONSE.OperationNotSupported);
  }
});
