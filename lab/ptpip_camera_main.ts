/**
 * The fake PTP/IP camera of `ptpip_camera.ts` as a program, to run inside a network namespace (with
 * `DeviceProcess`), where a real client such as gphoto2 can reach it:
 *
 *   deno run --unstable-net --allow-net lab/ptpip_camera_main.ts [--host IP] [--port 15740]
 *       [--options JSON]
 *
 * `--options` is `PtpipCameraOptions` as JSON, files with seeded content only:
 * `{"files":[{"path":"DCIM/100CANON/IMG_0001.JPG","content":{"seed":1,"size":5000}}],"oneConnection":true}`.
 * `{"eos":true}` makes it a Canon EOS body (remote/event mode, GetEvent, Canon's GetObject; a file
 * added with `add` is then reported by the next GetEvent instead of an ObjectAdded event).
 * It prints `{"event":"listening","port":N}`, then every `CameraEvent` as one JSON line (`connection`,
 * `session`, `event-connection`, `request`, `dropped`, `added`, `pong`, `closed`, `init-fail`). It takes
 * commands on stdin, one per line, each answered by `{"event":"done","command":…}`:
 *
 * - `add PATH SIZE SEED [CAPTURE_DATE]`: a file with seeded content, announced with ObjectAdded
 *   (or, with `eos`, queued for GetEvent as ObjectAddedEx)
 * - `init-fail REASON` / `init-fail off`: answer InitFail from now on, or stop
 * - `rate BYTES_PER_SECOND` / `rate off`: pace object data from now on (as `bytesPerSecond` in
 *   `--options`, e.g. `{"bytesPerSecond":10000000}` for a generous Wi-Fi link), or stop
 *
 * Runs until stdin ends or it is killed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type PtpipCameraOptions, startPtpipCamera } from "./ptpip_camera.ts";
import { lines } from "./lines.ts";

function report(event: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...details }));
}

const { values } = parseArgs({
  args: Deno.args,
  options: { host: { type: "string" }, port: { type: "string" }, options: { type: "string" } },
});
const given = JSON.parse(values.options ?? "{}") as PtpipCameraOptions;

await using camera = await startPtpipCamera({
  ...given,
  hostname: values.host ?? "127.0.0.1",
  port: Number(values.port ?? 15740),
  onEvent: (event) => console.log(JSON.stringify(event)),
});
report("listening", { port: camera.port });

for await (const raw of lines(Deno.stdin.readable)) {
  const line = raw.trim();
  const [command, ...args] = line.split(" ");
  try {
    if (command === "add") {
      const [path, size, seed, captureDate] = args;
      const handle = await camera.addFile({
        path,
        content: { seed: Number(seed), size: Number(size) },
        captureDate,
      });
      report("file", { path, handle });
    } else if (command === "init-fail") {
      camera.configure({ initFail: args[0] === "off" ? undefined : Number(args[0]) });
    } else if (command === "rate") {
      const rate = args[0] === "off" ? 0 : Number(args[0]);
      if (!(rate >= 0)) throw new Error(`not a rate: ${args[0]}`);
      camera.configure({ bytesPerSecond: rate });
    } else {
      console.error(`unknown command: ${line}`);
      continue;
    }
  } catch (error) {
    report("error", { command, message: (error as Error).message });
  }
  report("done", { command });
}
