// --on-camera's runner, with real programs (no network): environment, placeholders, output, exit
// status, a missing program, and one run at a time per camera. The programs here are the user's, so a
// shell is fine as the program itself; the runner never adds one.

import {
  hookArgv,
  type HookCamera,
  hookEnv,
  type HookEvents,
  type HookExit,
  HookRunner,
} from "../../lib/cameras/hook_runner.ts";
import { assert, assertEquals } from "../support/assert.ts";

const CAMERA: HookCamera = { ip: "10.0.0.2", name: "Canon EOS R6" };

/** Records the events and lets a test await the ones it needs. */
class Recorder implements HookEvents {
  readonly log: string[] = [];
  readonly #waiters: [(line: string) => boolean, () => void][] = [];

  #push(line: string) {
    this.log.push(line);
    for (const waiter of [...this.#waiters]) {
      if (waiter[0](line)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter[1]();
      }
    }
  }

  next(prefix: string): Promise<void> {
    if (this.log.some((l) => l.startsWith(prefix))) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push([(l) => l.startsWith(prefix), resolve]));
  }

  started(camera: HookCamera, argv: readonly string[]) {
    this.#push(`started ${camera.ip} ${argv.join(" ")}`);
  }
  output(_camera: HookCamera, stream: string, line: string) {
    this.#push(`${stream} ${line}`);
  }
  exited(camera: HookCamera, exit: HookExit) {
    this.#push(`exited ${camera.ip} ${exit.code} ${exit.signal}`);
  }
  failed(camera: HookCamera, error: unknown) {
    this.#push(`failed ${camera.ip} ${(error as Error).name}`);
  }
  busy(camera: HookCamera) {
    this.#push(`busy ${camera.ip}`);
  }
}

Deno.test("hookArgv replaces {ip} and {name} inside arguments, never splitting them", () => {
  assertEquals(
    hookArgv(["gphoto2", "--port", "ptpip:{ip}", "--set-config", "artist={name}"], CAMERA),
    ["gphoto2", "--port", "ptpip:10.0.0.2", "--set-config", "artist=Canon EOS R6"],
  );
  // Every occurrence is replaced; nothing else is expanded (there is no shell).
  assertEquals(hookArgv(["x", "{ip}:{ip}", "$CAMERA_IP"], CAMERA), [
    "x",
    "10.0.0.2:10.0.0.2",
    "$CAMERA_IP",
  ]);
  assertEquals(hookEnv(CAMERA), { CAMERA_IP: "10.0.0.2", CAMERA_NAME: "Canon EOS R6" });
});

Deno.test({
  name: "the program gets the camera in its environment; output and exit code are reported",
  // The test programs are POSIX shell one-liners.
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const events = new Recorder();
    const runner = new HookRunner(
      ["/bin/sh", "-c", 'echo "$CAMERA_IP|$CAMERA_NAME|$1"; echo oops >&2; exit 3', "sh", "{ip}"],
      events,
    );
    runner.run(CAMERA);
    assert(runner.isRunning(CAMERA.ip));
    await events.next("exited");
    assert(events.log[0].startsWith("started 10.0.0.2 /bin/sh -c "), events.log[0]);
    assert(events.log[0].endsWith(" sh 10.0.0.2"), "{ip} replaced in the argv");
    assertEquals(events.log.slice(1).sort(), [
      "exited 10.0.0.2 3 null",
      "stderr oops",
      "stdout 10.0.0.2|Canon EOS R6|10.0.0.2",
    ]);
    assertEquals(events.log.at(-1), "exited 10.0.0.2 3 null", "the exit comes after the output");
    assert(!runner.isRunning(CAMERA.ip));
  },
});

Deno.test("a missing program is reported, and the runner goes on", async () => {
  const events = new Recorder();
  const runner = new HookRunner(["/nonexistent/ptpip-hook"], events);
  runner.run(CAMERA);
  assertEquals(events.log, ["failed 10.0.0.2 NotFound"]);
  assert(!runner.isRunning(CAMERA.ip));
  await runner.stop();
});

Deno.test({
  name: "one run per camera at a time; stop ends the runs",
  // The test programs are POSIX shell one-liners.
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const events = new Recorder();
    const runner = new HookRunner(["/bin/sh", "-c", "echo up; exec tail -f /dev/null"], events);
    runner.run(CAMERA);
    await events.next("stdout up");
    runner.run(CAMERA);
    assertEquals(events.log.filter((l) => l === "busy 10.0.0.2").length, 1);
    runner.run({ ip: "10.0.0.3", name: "" });
    await events.next("started 10.0.0.3");
    await runner.stop();
    await events.next("exited 10.0.0.3");
    assertEquals(
      events.log.filter((l) => l.startsWith("exited")).sort(),
      ["exited 10.0.0.2 143 SIGTERM", "exited 10.0.0.3 143 SIGTERM"],
    );
  },
});
