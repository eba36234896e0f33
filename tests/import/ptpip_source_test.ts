// The session as the importer's source, against a scripted session: what is listed, what is left
// out, which failures end the import, and how a partial file is resumed.

import { assert, assertEquals } from "../support/assert.ts";
import {
  cameraIdOf,
  listObjects,
  ptpipSource,
  type SourceSession,
} from "../../lib/import/ptpip_source.ts";
import type { DeviceInfo, ObjectInfo } from "../../lib/ptpip/datasets.ts";
import type { SessionFailure } from "../../lib/ptpip/session.ts";
import { FORMAT, OPERATION } from "../../lib/ptpip/codes.ts";
import { err, ok } from "../../lib/util/result.ts";
import { deviceInfo, objectInfo } from "../support/ptp_datasets.ts";

function info(filename: string, format: number, compressedSize: number): ObjectInfo {
  return objectInfo({ filename, format, compressedSize, captureDate: "20240305T101112" });
}

const GONE: SessionFailure = { kind: "response", detail: "InvalidObjectHandle", code: 0x2009 };
const DROPPED: SessionFailure = { kind: "dropped", detail: "the camera closed the connection" };

function device(operationsSupported: number[]): DeviceInfo {
  return deviceInfo({
    operationsSupported,
    model: "Canon EOS M50",
    deviceVersion: "1-1.0.0",
    serialNumber: "0123456789",
  });
}

const BYTES = new Uint8Array(100).map((_, i) => i);

/** A sink that keeps what it is given. */
function into(kept: number[]): (chunk: Uint8Array) => Promise<void> {
  return (chunk) => {
    kept.push(...chunk);
    return Promise.resolve();
  };
}

function session(over: Partial<SourceSession> = {}): SourceSession & { calls: string[] } {
  const calls: string[] = [];
  const infos = new Map<number, ObjectInfo>([
    [1, info("100CANON", FORMAT.Association, 0)],
    [2, info("IMG_0001.JPG", FORMAT.Jpeg, 100)],
  ]);
  return {
    calls,
    storageIds: () => {
      calls.push("storageIds");
      return Promise.resolve(ok([0x00010001, 0x00020000]));
    },
    objectHandles: (storage) => {
      calls.push(`handles ${storage?.toString(16)}`);
      return Promise.resolve(ok([1, 2, 3, 2]));
    },
    objectInfo: (handle) => {
      calls.push(`info ${handle}`);
      const found = infos.get(handle);
      return Promise.resolve(found ? ok(found) : err(GONE));
    },
    getObject: async (_handle, sink) => {
      calls.push("GetObject");
      for (let at = 0; at < BYTES.length; at += 30) await sink(BYTES.subarray(at, at + 30));
      return ok(BYTES.length);
    },
    getPartialObject: async (_handle, offset, max, sink) => {
      calls.push(`GetPartialObject ${offset} ${max}`);
      await sink(BYTES.subarray(offset, offset + max));
      return ok(max);
    },
    ...over,
  };
}

Deno.test("ptpip source", async (t) => {
  await t.step("cameraIdOf: model and serial, the maker added when the model lacks it", () => {
    assertEquals(cameraIdOf(device([])), "Canon EOS M50 0123456789");
    assertEquals(
      cameraIdOf({ manufacturer: "Canon Inc.", model: "PowerShot G7 X", serialNumber: "" }),
      "Canon Inc. PowerShot G7 X",
    );
    assertEquals(
      cameraIdOf({ manufacturer: "", model: "\x1b[2JX\u202e", serialNumber: "1\n2" }),
      "[2JX 12",
    );
    assertEquals(cameraIdOf({ manufacturer: "", model: "", serialNumber: "" }), "unknown camera");
  });

  await t.step(
    "lists media only, each handle once, folders kept, vanished objects left out",
    async () => {
      const s = session();
      const listed = await listObjects(s);
      assert(listed.ok);
      assertEquals(listed.value.map((o) => [o.handle, o.name, o.format, o.size]), [
        [1, "100CANON", FORMAT.Association, 0],
        [2, "IMG_0001.JPG", FORMAT.Jpeg, 100],
      ]);
      // 0x00020000: an empty slot (no medium) is not asked for.
      assertEquals(s.calls.filter((c) => c.startsWith("handles")), ["handles 10001"]);
    },
  );

  await t.step("a dropped connection ends the listing as a connection failure", async () => {
    const listed = await listObjects(session({ objectInfo: () => Promise.resolve(err(DROPPED)) }));
    assertEquals(listed, err({ kind: "connection", detail: DROPPED.detail }));
  });

  await t.step("listing starts as soon as the source is made (a PowerShot waits for it)", () => {
    const s = session();
    ptpipSource(s, device([]));
    // Before anyone calls list(): the importer reads its record first.
    assertEquals(s.calls, ["storageIds"]);
  });

  await t.step("fetch: from 0 with GetObject, from an offset with GetPartialObject", async () => {
    const s = session();
    const source = ptpipSource(s, device([OPERATION.GetObject, OPERATION.GetPartialObject]));
    const objects = await source.list();
    assert(objects.ok);
    const object = objects.value[1];
    const whole: number[] = [];
    assertEquals(await source.fetch(object, 0, into(whole)), ok(undefined));
    assertEquals(whole, [...BYTES]);
    const rest: number[] = [];
    assertEquals(await source.fetch(object, 40, into(rest)), ok(undefined));
    assertEquals(rest, [...BYTES.subarray(40)]);
    assert(s.calls.includes("GetPartialObject 40 60"));
  });

  await t.step("fetch: without GetPartialObject the bytes on disk are skipped", async () => {
    const s = session();
    const source = ptpipSource(s, device([OPERATION.GetObject]));
    const objects = await source.list();
    assert(objects.ok);
    const rest: number[] = [];
    await source.fetch(objects.value[1], 45, into(rest));
    assertEquals(rest, [...BYTES.subarray(45)]);
    assertEquals(s.calls.filter((c) => c.startsWith("Get")), ["GetObject"]);
  });

  await t.step("fetch failures: a refusal is this object's, a drop the connection's", async () => {
    const refused = ptpipSource(
      session({ getObject: () => Promise.resolve(err(GONE)) }),
      device([]),
    );
    const objects = await refused.list();
    assert(objects.ok);
    assertEquals(
      await refused.fetch(objects.value[1], 0, () => Promise.resolve()),
      err({ kind: "object", detail: GONE.detail }),
    );
    const dropped = ptpipSource(
      session({ getObject: () => Promise.resolve(err(DROPPED)) }),
      device([]),
    );
    assertEquals(
      await dropped.fetch(objects.value[1], 0, () => Promise.resolve()),
      err({ kind: "connection", detail: DROPPED.detail }),
    );
  });
});
