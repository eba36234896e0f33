// What is new during one session, against a scripted camera: the first listing is a full re-list,
// then only announced handles are described, each handle once; a deleted object is left out, a
// dropped connection ends the listing and leaves its handle to list again, and an announcement flood
// turns into one re-list.

import { assert, assertEquals } from "../support/assert.ts";
import { NewObjects } from "../../lib/sink/new_objects.ts";
import type { SourceSession } from "../../lib/import/ptpip_source.ts";
import type { ObjectInfo } from "../../lib/ptpip/datasets.ts";
import type { SessionFailure } from "../../lib/ptpip/session.ts";
import { FORMAT } from "../../lib/ptpip/codes.ts";
import { err, ok } from "../../lib/util/result.ts";
import { objectInfo } from "../support/ptp_datasets.ts";

const GONE: SessionFailure = { kind: "response", detail: "InvalidObjectHandle", code: 0x2009 };
const DROPPED: SessionFailure = { kind: "dropped", detail: "the camera closed the connection" };

/** A camera whose card holds `handles` (each named IMG_<handle>.JPG) and that records each call. */
function camera(handles: number[]) {
  const calls: string[] = [];
  const failing = new Map<number, SessionFailure>();
  const session: Pick<SourceSession, "storageIds" | "objectHandles" | "objectInfo"> = {
    storageIds: () => (calls.push("storageIds"), Promise.resolve(ok([0x00010001]))),
    objectHandles: () => (calls.push("handles"), Promise.resolve(ok([...handles]))),
    objectInfo: (handle) => {
      calls.push(`info ${handle}`);
      const failure = failing.get(handle);
      if (failure) return Promise.resolve(err(failure));
      const info: ObjectInfo = objectInfo({
        filename: `IMG_${handle}.JPG`,
        format: FORMAT.Jpeg,
        compressedSize: 10,
      });
      return Promise.resolve(ok(info));
    },
  };
  return { calls, failing, handles, session: session as SourceSession };
}

async function names(objects: NewObjects, session: SourceSession): Promise<string[]> {
  const listed = await objects.list(session);
  assert(listed.ok, JSON.stringify(listed));
  return listed.value.map((o) => o.name);
}

Deno.test("the first listing lists the card; later ones describe only announced, unseen handles", async () => {
  const cam = camera([1, 2]);
  const objects = new NewObjects();
  assert(objects.due, "a new session lists the card");
  assertEquals(await names(objects, cam.session), ["IMG_1.JPG", "IMG_2.JPG"]);
  assertEquals([objects.due, objects.known, objects.has(2), objects.has(3)], [
    false,
    2,
    true,
    false,
  ]);
  cam.calls.length = 0;
  objects.announce(2); // listed already
  assert(!objects.due);
  objects.announce(3);
  objects.announce(3);
  assert(objects.due);
  assertEquals(await names(objects, cam.session), ["IMG_3.JPG"]);
  assertEquals(cam.calls, ["info 3"], "no GetObjectHandles for an announced handle");
  assert(!objects.due);
  assertEquals(await names(objects, cam.session), []);
});

Deno.test("a re-list describes only handles not seen in this session", async () => {
  const cam = camera([1, 2]);
  const objects = new NewObjects();
  await names(objects, cam.session);
  cam.handles.push(7);
  cam.calls.length = 0;
  objects.relist();
  assert(objects.due);
  assertEquals(await names(objects, cam.session), ["IMG_7.JPG"]);
  assertEquals(cam.calls, ["storageIds", "handles", "info 7"]);
});

Deno.test("handles that are no handle are not announced; one described elsewhere is not listed", async () => {
  const cam = camera([]);
  const objects = new NewObjects();
  await names(objects, cam.session);
  for (const bad of [-1, 1.5, 2 ** 32, NaN]) objects.announce(bad);
  assert(!objects.due);
  objects.announce(5);
  objects.markKnown(5);
  objects.markKnown(6);
  assertEquals([objects.due, objects.has(5), objects.has(6)], [false, true, true]);
  cam.handles.push(6);
  objects.relist();
  cam.calls.length = 0;
  assertEquals(await names(objects, cam.session), []);
  assertEquals(cam.calls, ["storageIds", "handles"]);
});

Deno.test("a deleted object is left out and not asked again; a dropped connection leaves its handle to list", async () => {
  const cam = camera([1, 2]);
  cam.failing.set(1, GONE);
  cam.failing.set(2, DROPPED);
  const objects = new NewObjects();
  const listed = await objects.list(cam.session);
  assertEquals(listed, { ok: false, error: { kind: "connection", detail: DROPPED.detail } });
  assertEquals([objects.has(1), objects.has(2)], [true, false]);
  cam.failing.clear();
  objects.relist();
  cam.calls.length = 0;
  assertEquals(await names(objects, cam.session), ["IMG_2.JPG"]);
  assertEquals(cam.calls, ["storageIds", "handles", "info 2"]);
});

Deno.test("past 10,000 announced handles the next listing is a re-list instead", async () => {
  const cam = camera([]);
  const objects = new NewObjects();
  await names(objects, cam.session);
  for (let h = 100; h < 100 + 10_001; h++) objects.announce(h);
  cam.calls.length = 0;
  const listed = await names(objects, cam.session);
  assertEquals(listed.length, 10_000, "the ones kept are described");
  assertEquals(cam.calls.slice(0, 2), ["storageIds", "handles"], "and the card listed again");
  assert(!objects.has(10_100), "the one past the bound is left to the re-list");
});
