// The photo sink's status text: one phrase per activity, three cameras named and the rest counted,
// camera-given names made safe and cut; and the mux that shows the sink's text over the watch's.

import { assertEquals } from "../support/assert.ts";
import { type SinkEntry, sinkStatus, statusMux } from "../../lib/sink/status.ts";

Deno.test("each activity has its phrase, after the camera and its model", () => {
  const at = (activity: SinkEntry["activity"], model?: string) =>
    sinkStatus([{ ip: "10.0.0.2", model, activity }]);
  assertEquals(at({ kind: "queued" }), "camera 10.0.0.2: waiting for a free import slot");
  assertEquals(at({ kind: "connecting" }), "camera 10.0.0.2: connecting over PTP/IP…");
  assertEquals(
    at({ kind: "listing" }, "Canon EOS R6"),
    "camera 10.0.0.2 (Canon EOS R6): listing photos…",
  );
  assertEquals(
    at({ kind: "importing", index: 3, total: 12, name: "IMG_0042.JPG", rate: "4.2 MB/s" }),
    "camera 10.0.0.2: importing 3/12 IMG_0042.JPG 4.2 MB/s",
  );
  assertEquals(at({ kind: "waiting" }), "camera 10.0.0.2: waiting for new photos");
  assertEquals(
    at({ kind: "retrying", seconds: 4 }),
    "camera 10.0.0.2: connection lost, trying again in 4 s",
  );
});

Deno.test("three cameras are named, the rest counted; none is an empty line", () => {
  const entries = [2, 3, 4, 5, 6].map((n): SinkEntry => ({
    ip: `10.0.0.${n}`,
    activity: { kind: "waiting" },
  }));
  assertEquals(
    sinkStatus(entries),
    "camera 10.0.0.2: waiting for new photos; camera 10.0.0.3: waiting for new photos; " +
      "camera 10.0.0.4: waiting for new photos (+2 more)",
  );
  assertEquals(sinkStatus(entries.slice(0, 3)).includes("more"), false);
  assertEquals(sinkStatus([]), "");
});

Deno.test("names from the camera cannot drive the terminal and are cut to 32 columns, keeping the end", () => {
  const status = sinkStatus([{
    ip: "10.0.0.2",
    model: "EOS\x1b[2J",
    activity: {
      kind: "importing",
      index: 1,
      total: 1,
      name: `${"a".repeat(40)}\u202e_0001.JPG`,
      rate: "1 MB/s",
    },
  }]);
  assertEquals(status.includes("\x1b") || status.includes("\u202e"), false);
  assertEquals(
    status,
    `camera 10.0.0.2 (EOS?[2J): importing 1/1 …${"a".repeat(21)}?_0001.JPG 1 MB/s`,
  );
});

Deno.test("the mux shows the sink's text while it has one, the watch's otherwise, each change once", () => {
  const written: string[] = [];
  const mux = statusMux((text) => written.push(text));
  mux.cameras("waiting for a camera…");
  mux.cameras("waiting for a camera…");
  mux.cameras("camera 10.0.0.2 ready");
  mux.sink("camera 10.0.0.2: listing photos…");
  mux.cameras("camera 10.0.0.2 ready, camera 10.0.0.3 ready");
  mux.sink("");
  mux.sink("");
  assertEquals(written, [
    "waiting for a camera…",
    "camera 10.0.0.2 ready",
    "camera 10.0.0.2: listing photos…",
    "camera 10.0.0.2 ready, camera 10.0.0.3 ready",
  ]);
});
