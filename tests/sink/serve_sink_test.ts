// The sink as serve wires it: the GUID from the device UUID, the status line shared with the camera
// watch, and links that open PTP/IP to the camera. The camera is 127.0.0.1, where the test listens
// on a free port and hangs up after the first packet; the fake clock holds the backoff.

import { assertEquals, assertMatch, assertThrows } from "../support/assert.ts";
import { FakeClock } from "../support/clock.ts";
import { TEST_UUID } from "../support/uuid.ts";
import { Waiters } from "../../lab/waiters.ts";
import { HelperError } from "../../lib/errors.ts";
import { guidFromDeviceUuid } from "../../lib/gphoto2/guid.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { serveSink, type ServeSinkOptions } from "../../lib/sink/serve_sink.ts";

function options(more: Partial<ServeSinkOptions> = {}): ServeSinkOptions {
  return {
    importTo: "photos",
    uuid: TEST_UUID,
    hostName: "serve-sink-test",
    clock: new FakeClock(),
    emit: () => {},
    ...more,
  };
}

Deno.test("a device UUID that gives no PTP/IP GUID stops serve before any camera", () => {
  const error = assertThrows(() => serveSink(options({ uuid: "not-a-uuid" })), HelperError);
  assertEquals(
    error.message,
    'the device UUID gives no PTP/IP GUID: "not-a-uuid" is not a UUID',
  );
});

Deno.test("without a status line the camera watch keeps its own; with one, it writes through the sink's", () => {
  assertEquals(serveSink(options()).cameraStatus, undefined);
  const lines: string[] = [];
  const { cameraStatus } = serveSink(options({ status: (text) => lines.push(text) }));
  cameraStatus?.("camera 10.0.0.2 ready");
  assertEquals(lines, ["camera 10.0.0.2 ready"]);
});

Deno.test("a ready camera gets a link that dials PTP/IP on it, shows on the status line and ends on stop", async () => {
  const events: ServeEvent[] = [];
  const lines: string[] = [];
  const waiters = new Waiters();
  const clock = new FakeClock();
  // A free port: the camera's own (15740) may be held here, e.g. by the lab's fake cameras.
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { sink, cameraStatus } = serveSink(options({
    clock,
    ptpipPort: (listener.addr as Deno.NetAddr).port,
    emit: (event) => {
      events.push(event);
      waiters.wake();
    },
    status: (text) => lines.push(text),
  }));
  // The Init Command Request: length, type 1, the GUID, this computer's name in UTF-16LE.
  const first = (async () => {
    const conn = await listener.accept();
    const got: number[] = [];
    const buffer = new Uint8Array(256);
    while (
      got.length < 8 || got.length < new DataView(Uint8Array.from(got).buffer).getUint32(0, true)
    ) {
      const n = await conn.read(buffer);
      if (n === null) break;
      got.push(...buffer.subarray(0, n));
    }
    conn.close();
    return Uint8Array.from(got);
  })();
  cameraStatus?.("camera 127.0.0.1 ready");
  sink.ready({ ip: "127.0.0.1" });
  await waiters.until(() => events.some((e) => e.event === "sink-lost"), "the link lost", 5000);
  const init = await first;
  const view = new DataView(init.buffer);
  assertEquals(view.getUint32(4, true), 1, "an Init Command Request");
  const guid = guidFromDeviceUuid(TEST_UUID);
  assertEquals(guid.ok && [...init.subarray(8, 24)], guid.ok && [...guid.value]);
  const name = new TextDecoder("utf-16le").decode(
    init.subarray(24, 24 + 2 * "serve-sink-test".length),
  );
  assertEquals(name, "serve-sink-test");
  const lost = events.find((e) => e.event === "sink-lost");
  assertEquals(lost && { ...lost, error: "" }, {
    event: "sink-lost",
    ip: "127.0.0.1",
    error: "",
    seconds: 1,
  });
  // The sink's text replaces the watch's while the camera has a link.
  assertEquals(lines[0], "camera 127.0.0.1 ready");
  assertMatch(lines.at(-1)!, /^camera 127\.0\.0\.1: connection lost, trying again in 1 s$/);
  await sink.stop();
  assertEquals(events.at(-1), { event: "sink-ended", ip: "127.0.0.1", reason: "the helper stops" });
  assertEquals(lines.at(-1), "camera 127.0.0.1 ready", "the watch's text again");
  assertEquals(clock.pending, 0, "no timer left behind");
});
