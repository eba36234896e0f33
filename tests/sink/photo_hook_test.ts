// --on-photo through the hook runner: once per photo, in order, one at a time per camera, {path}
// replaced and PHOTO_PATH set, never folded into another photo's run.

import { assertEquals } from "../support/assert.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { PhotoHook } from "../../lib/sink/photo_hook.ts";
import { FakeClock } from "../support/clock.ts";

/** A program that ends when the test says, without a process. */
function fakeRuns() {
  const started: { argv: readonly string[]; env: Record<string, string>; end: () => void }[] = [];
  let pid = 0x3ffe0000;
  const spawn = (argv: readonly string[], env: Record<string, string>) => {
    let end!: () => void;
    const status = new Promise<Deno.CommandStatus>((resolve) =>
      end = () => resolve({ success: true, code: 0, signal: null })
    );
    started.push({ argv, env, end });
    return {
      pid: pid++,
      stdout: new ReadableStream({ start: (c) => c.close() }),
      stderr: new ReadableStream({ start: (c) => c.close() }),
      status,
      kill: () => {},
    } as unknown as Deno.ChildProcess;
  };
  return { started, spawn };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

Deno.test("--on-photo runs once per photo, in order, one at a time per camera", async () => {
  const runs = fakeRuns();
  const events: ServeEvent[] = [];
  const hook = new PhotoHook(["upload", "--file", "{path}", "{ip}"], (e) => events.push(e), {
    spawn: runs.spawn,
    clock: new FakeClock(),
  });
  hook.imported("10.0.0.2", "/photos/2024/2024-05-01/IMG_0001.JPG");
  hook.imported("10.0.0.2", "/photos/2024/2024-05-01/IMG_0002.JPG");
  hook.imported("10.0.0.3", "/photos/2024/2024-05-01/IMG_9000.JPG");
  hook.imported("10.0.0.2", "/photos/2024/2024-05-01/IMG_0003.JPG");
  await settle();
  // One per camera at a time: the second camera's run does not wait for the first's.
  assertEquals(runs.started.map((r) => r.argv), [
    ["upload", "--file", "/photos/2024/2024-05-01/IMG_0001.JPG", "10.0.0.2"],
    ["upload", "--file", "/photos/2024/2024-05-01/IMG_9000.JPG", "10.0.0.3"],
  ]);
  assertEquals(runs.started[0].env.PHOTO_PATH, "/photos/2024/2024-05-01/IMG_0001.JPG");
  assertEquals(runs.started[0].env.CAMERA_IP, "10.0.0.2");
  for (let i = 0; i < 2; i++) {
    runs.started.find((r) => r.argv[3] === "10.0.0.2" && !r.env.done)!.end();
    runs.started.filter((r) => r.argv[3] === "10.0.0.2").forEach((r) => r.env.done = "1");
    await settle();
    await settle();
  }
  assertEquals(
    runs.started.filter((r) => r.argv[3] === "10.0.0.2").map((r) => r.argv[2]),
    [
      "/photos/2024/2024-05-01/IMG_0001.JPG",
      "/photos/2024/2024-05-01/IMG_0002.JPG",
      "/photos/2024/2024-05-01/IMG_0003.JPG",
    ],
    "every photo, in order, none folded away",
  );
  runs.started.forEach((r) => r.end());
  await settle();
  await hook.stop();
  assertEquals(events.filter((e) => e.event === "photo-hook-start").length, 4);
  assertEquals(events.filter((e) => e.event === "photo-hook-error"), []);
});
