// The EOS watch, through the photo sink over fakes (tests/support/sink.ts) with an EOS body's
// DeviceInfo: remote and event mode, GetEvent and KeepDeviceOn on their schedules.

import { assertEquals } from "../support/assert.ts";
import { OPERATION } from "../../lib/ptpip/codes.ts";
import { encodeObjectAdded } from "../../lab/ptp_camera_codec.ts";
import { rig, until } from "../support/sink.ts";

Deno.test("an EOS body: GetEvent every second, KeepDeviceOn every 60 s, through 10 minutes of silence", async () => {
  const r = rig({ eos: true });
  r.sink.ready({ ip: "10.0.0.6" });
  await until(() => r.sink.entries[0]?.activity.kind === "waiting", "waiting for photos");
  const session = r.last("10.0.0.6")!;
  const at = (code: number) => session.vendor.filter((v) => v.code === code).map((v) => v.at);
  assertEquals(at(OPERATION.EosSetRemoteMode), [0]);
  assertEquals(at(OPERATION.EosSetEventMode), [0]);
  const drained = at(OPERATION.EosGetEvent).length;
  for (let s = 0; s < 600; s++) await r.advance(1000);
  assertEquals(
    at(OPERATION.EosKeepDeviceOn),
    Array.from({ length: 10 }, (_, i) => (i + 1) * 60_000),
    "KeepDeviceOn on its schedule",
  );
  const polls = at(OPERATION.EosGetEvent).slice(drained);
  assertEquals(polls.length, 600, "a GetEvent a second");
  assertEquals(polls.slice(0, 3), [1000, 2000, 3000]);
  assertEquals(r.named("sink-lost"), [], "the session was kept");
  assertEquals(r.opens.length, 1);
  await r.sink.stop();
  assertEquals(r.clock.pending, 0);
});

Deno.test("a body that is not EOS gets the standard watch: no Canon operation in two minutes", async () => {
  const r = rig();
  r.cards.set("10.0.0.2", [1]);
  r.sink.ready({ ip: "10.0.0.2" });
  await until(() => r.sink.entries[0]?.activity.kind === "waiting", "waiting for photos");
  for (let s = 0; s < 120; s++) await r.advance(1000);
  assertEquals(r.last("10.0.0.2")!.vendor, []);
  await r.sink.stop();
});

Deno.test("an EOS body's ObjectAddedEx for a photo the card listing already found is not described again", async () => {
  const r = rig({ eos: true });
  r.cards.set("10.0.0.6", [1]);
  r.sink.ready({ ip: "10.0.0.6" });
  await until(() => r.named("photo-imported").length === 1, "the card imported");
  await until(() => r.sink.entries[0]?.activity.kind === "waiting", "waiting for photos");
  const session = r.last("10.0.0.6")!;
  session.eosRecords = [
    encodeObjectAdded({
      handle: 1,
      storageId: 0x00010001,
      format: 0x3801,
      size: 10,
      parent: 0,
      name: "IMG_1.JPG",
    }),
  ];
  const before = session.calls.length;
  const polls = session.vendor.length;
  await r.advance(1000);
  assertEquals(session.vendor.length, polls + 1, "one GetEvent");
  assertEquals(session.eosRecords, [], "the record was read");
  assertEquals(session.calls.slice(before), [], "no GetObjectInfo for a known handle");
  assertEquals(r.named("photo-imported").length, 1);
  await r.sink.stop();
});
