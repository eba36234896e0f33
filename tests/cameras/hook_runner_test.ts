// --on-camera's runner, with real programs (no network): environment, placeholders, output, exit
// status, a missing program, and one run at a time per camera. The programs here are the user's, so a
// shell is fine as the program itself; the runner never adds one.

import {
  HOOK_LINE_CHARS,
  HOOK_OUTPUT_BYTES,
  HOOK_QUEUE_LENGTH,
  HOOK_RUNS_PER_ADDRESS,
  HOOK_RUNS_PER_MINUTE,
  hookArgv,
  type HookCamera,
  hookEnv,
  type HookEvents,
  type HookExit,
  HookRunner,
  type HookRunnerOptions,
} from "../../lib/cameras/hook_runner.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { fakeSpawn } from "../support/fake_spawn.ts";
import { FakeClock } from "../support/clock.ts";
import { Waiters } from "../../lab/waiters.ts";

const CAMERA: HookCamera = { ip: "10.0.0.2", name: "Canon EOS R6" };

/** Records the events and lets a test await the ones it needs. */
class Recorder implements HookEvents {
  readonly log: string[] = [];
  readonly #waiters = new Waiters();

  #push(line: string) {
    this.log.push(line);
    this.#waiters.wake();
  }

  next(prefix: string): Promise<void> {
    return this.nth(prefix, 1);
  }

  /** Resolves once `count` lines start with `prefix`. */
  async nth(prefix: string, count: number): Promise<void> {
    await this.#waiters.until(() => this.count(prefix) >= count, `${count} "${prefix}" lines`);
  }

  count(prefix: string): number {
    return this.log.filter((l) => l.startsWith(prefix)).length;
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
  deferred(camera: HookCamera, _reason: string, inMs: number) {
    this.#push(`deferred ${camera.ip} ${inMs}`);
  }
}

/** A runner of processes that are not started ({@linkcode fakeSpawn}), on the test's clock. */
function fakeRunner(
  events: Recorder,
  clock: FakeClock,
  more: HookRunnerOptions = {},
): HookRunner {
  return new HookRunner(["/bin/true"], events, {
    clock,
    spawn: fakeSpawn,
    ...more,
  });
}

Deno.test("hookArgv replaces {ip} inside arguments, never splitting them, and nothing else", () => {
  assertEquals(
    hookArgv(["gphoto2", "--port", "ptpip:{ip}", "--set-config", "artist={name}"], CAMERA),
    ["gphoto2", "--port", "ptpip:10.0.0.2", "--set-config", "artist={name}"],
  );
  // Every occurrence is replaced; nothing else is expanded (there is no shell).
  assertEquals(hookArgv(["x", "{ip}:{ip}", "$CAMERA_IP"], CAMERA), [
    "x",
    "10.0.0.2:10.0.0.2",
    "$CAMERA_IP",
  ]);
  // Only a dotted-quad IPv4 address is ever put into an argument.
  assertEquals(hookArgv(["x", "{ip}"], { ip: "10.0.0.2; id", name: "" }), undefined);
  assertEquals(hookEnv(CAMERA), {
    CAMERA_IP: "10.0.0.2",
    CAMERA_NAME: "Canon EOS R6",
    CAMERA_MODEL: "",
    CAMERA_FLOW: "search",
  });
  assertEquals(
    hookEnv({ ip: "10.0.0.3", name: "Canon EOS 6D", model: "Canon EOS 6D\r\n", flow: "eos" }),
    {
      CAMERA_IP: "10.0.0.3",
      CAMERA_NAME: "Canon EOS 6D",
      CAMERA_MODEL: "Canon EOS 6D",
      CAMERA_FLOW: "eos",
    },
  );
  assertEquals(
    hookEnv({ ip: "10.0.0.2", name: "Canon\x1b]0;owned\x07\nEOS" }).CAMERA_NAME,
    "Canon]0;ownedEOS",
  );
});

Deno.test({
  name: "a camera's name never reaches the program's arguments: no injection through {name}",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "pch-hook-" });
    try {
      const events = new Recorder();
      const runner = new HookRunner(
        ["/bin/sh", "-c", 'echo "{name}"; echo "$CAMERA_NAME"'],
        events,
      );
      const name = `$(touch ${dir}/ran)"; touch ${dir}/ran2; echo "`;
      runner.run({ ip: "10.0.0.2", name });
      await events.next("exited");
      assertEquals(events.log.filter((l) => l.startsWith("stdout")), [
        "stdout {name}",
        `stdout ${name}`,
      ]);
      assertEquals([...Deno.readDirSync(dir)], [], "the name ran nothing");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
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
  if (events.log[0]?.startsWith("failed")) {
    assertEquals(events.log, ["failed 10.0.0.2 NotFound"]);
  } else {
    // Started through setsid, which reports the missing program itself and exits 127.
    await events.next("exited");
    assert(
      events.log.some((l) => l.startsWith("stderr ") && l.includes("/nonexistent/ptpip-hook")),
    );
    assertEquals(events.log.at(-1), "exited 10.0.0.2 127 null");
  }
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

Deno.test({
  name: "output is bounded: long lines are cut, a run's bytes are capped, \\r ends a line",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const events = new Recorder();
    // 2 MB without a newline, after three lines ended by \r, \r\n and \n.
    const script = "printf 'a\\rb\\r\\nc\\n'; head -c 2000000 /dev/zero | tr '\\0' x";
    const runner = new HookRunner(["/bin/sh", "-c", script], events);
    runner.run(CAMERA);
    await events.next("exited");
    const out = events.log.filter((l) => l.startsWith("stdout "));
    assertEquals(out.slice(0, 3), ["stdout a", "stdout b", "stdout c"]);
    assertEquals(out[3], `stdout ${"x".repeat(HOOK_LINE_CHARS)} …(cut)`);
    assertEquals(
      out[4],
      `stdout (more than ${HOOK_OUTPUT_BYTES} bytes of output: the rest of this run is not logged)`,
    );
    assertEquals(out.length, 5);
    assertEquals(events.log.at(-1), "exited 10.0.0.2 0 null");
  },
});

Deno.test({
  name: "runs are capped per minute over all cameras",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const events = new Recorder();
    const clock = new FakeClock();
    const runner = new HookRunner(["/bin/true"], events, { clock });
    for (let i = 1; i <= HOOK_RUNS_PER_MINUTE + 1; i++) runner.run({ ip: `10.0.1.${i}`, name: "" });
    assertEquals(events.log.filter((l) => l.startsWith("started")).length, HOOK_RUNS_PER_MINUTE);
    // Over the cap a run waits for its turn instead of being dropped (issue 22, item 2).
    assertEquals(events.log.filter((l) => l.startsWith("failed") || l.startsWith("deferred")), [
      `deferred 10.0.1.${HOOK_RUNS_PER_MINUTE + 1} 60000`,
    ]);
    clock.advance(60_000);
    runner.run({ ip: "10.0.2.1", name: "" });
    await events.next("started 10.0.2.1");
    await runner.stop();
  },
});

Deno.test("one address gets its fair share of the runs per minute, not the whole cap", async () => {
  const events = new Recorder();
  const clock = new FakeClock();
  const runner = fakeRunner(events, clock);
  // One address made ready again and again, each time after its run ended (22 s, as in the issue).
  for (let i = 1; i <= 40; i++) {
    runner.run({ ip: "10.0.0.66", name: "" });
    const started = events.count("started 10.0.0.66");
    if (events.count("exited") < started) await events.nth("exited", started);
    clock.advance(550);
  }
  const spent = events.count("started 10.0.0.66");
  // A real camera pairing next starts at once.
  runner.run({ ip: "10.0.0.2", name: "" });
  const real = events.count("started 10.0.0.2");
  assertEquals([spent, real], [HOOK_RUNS_PER_ADDRESS, 1]);
  await events.nth("exited", spent + 1);
  await runner.stop();
  assertEquals(clock.pending, 0, "stop drops what waits");
});

Deno.test("a run refused by the cap starts later, once the minute allows, never lost", async () => {
  const events = new Recorder();
  const clock = new FakeClock();
  const runner = fakeRunner(events, clock);
  for (let i = 1; i <= HOOK_RUNS_PER_MINUTE; i++) {
    runner.run({ ip: `10.0.1.${i}`, name: "" });
    clock.advance(1000);
  }
  await events.nth("exited", HOOK_RUNS_PER_MINUTE);
  runner.run({ ip: "10.0.0.2", name: "Canon EOS R6" });
  assertEquals(events.count("started 10.0.0.2"), 0, "not within the cap");
  assertEquals(events.count("failed"), 0, "waiting is no failure");
  // The first of the 30 runs leaves the minute 30 s from now.
  clock.advance(29_999);
  assertEquals(events.count("started 10.0.0.2"), 0);
  clock.advance(1);
  assertEquals(events.count("started 10.0.0.2"), 1);
  await events.nth("exited", HOOK_RUNS_PER_MINUTE + 1);
  await runner.stop();
});

Deno.test("waiting runs are bounded, one per address; the busiest address waits, a camera that left is skipped", async () => {
  const events = new Recorder();
  const clock = new FakeClock();
  let gone = "";
  const runner = fakeRunner(events, clock, { wanted: (camera) => camera.ip !== gone });
  for (let i = 1; i <= HOOK_RUNS_PER_MINUTE; i++) runner.run({ ip: `10.0.1.${i}`, name: "" });
  await events.nth("exited", HOOK_RUNS_PER_MINUTE);
  // The same address again and again: one waiting run.
  for (let i = 0; i < 5; i++) runner.run({ ip: "10.0.1.1", name: "" });
  // More addresses than the queue holds: the newest beyond it is refused, said once each.
  for (let i = 1; i <= HOOK_QUEUE_LENGTH; i++) runner.run({ ip: `10.0.3.${i}`, name: "" });
  assertEquals(events.count("failed"), 1);
  // An address that spent none of the minute takes the place of the busiest one waiting.
  assertEquals(events.log.filter((l) => l.startsWith("failed")), ["failed 10.0.1.1 HookRateError"]);
  gone = "10.0.3.2";
  clock.advance(60_000);
  const started = events.log.filter((l) => l.startsWith("started 10.0.3.")).length;
  assertEquals(started, HOOK_QUEUE_LENGTH - 1, "all waiting ones but the camera that left");
  assertEquals(events.count("started 10.0.3.2"), 0);
  await events.nth("exited", HOOK_RUNS_PER_MINUTE + started);
  await runner.stop();
});

Deno.test("a caller that answers a refusal with the next run of the same address (as the photo hook does) gets it queued, not lost", async () => {
  const events = new Recorder();
  const clock = new FakeClock();
  const again = new Set<string>();
  // The photo hook's answer to a failed run: the address's next photo, at once.
  const reentering: HookEvents = {
    started: (camera, argv) => events.started(camera, argv),
    output: (camera, stream, line) => events.output(camera, stream, line),
    exited: (camera, exit) => events.exited(camera, exit),
    busy: (camera) => events.busy(camera),
    deferred: (camera, reason, inMs) => events.deferred(camera, reason, inMs),
    failed: (camera, error) => {
      events.failed(camera, error);
      if (again.has(camera.ip)) return;
      again.add(camera.ip);
      runner.run({ ip: camera.ip, name: "next photo" });
    },
  };
  const runner = new HookRunner(["/bin/true"], reentering, { clock, spawn: fakeSpawn });
  for (let i = 1; i <= HOOK_RUNS_PER_MINUTE; i++) runner.run({ ip: `10.0.1.${i}`, name: "" });
  await events.nth("exited", HOOK_RUNS_PER_MINUTE);
  runner.run({ ip: "10.0.1.1", name: "" });
  for (let i = 1; i < HOOK_QUEUE_LENGTH; i++) runner.run({ ip: `10.0.3.${i}`, name: "" });
  // The queue is full; a fresh address makes the busiest waiting one (10.0.1.1) give way, and the
  // caller asks at once for 10.0.1.1's next run, which is refused in its turn: the queue still
  // holds the fresh address and the 15 others, and 10.0.1.1 is not running.
  runner.run({ ip: "10.0.4.1", name: "" });
  assertEquals(events.log.filter((l) => l.startsWith("failed")), [
    "failed 10.0.1.1 HookRateError",
    "failed 10.0.1.1 HookRateError",
  ]);
  assert(!runner.isRunning("10.0.1.1"), "a refused address is not left counted as running");
  clock.advance(60_000);
  assertEquals(events.count("started 10.0.4.1"), 1);
  assertEquals(
    events.log.filter((l) => l.startsWith("started 10.0.3.")).length,
    HOOK_QUEUE_LENGTH - 1,
  );
  // Its next photo later is run: nothing of 10.0.1.1 was left behind in the queue or as running.
  runner.run({ ip: "10.0.1.1", name: "later" });
  await events.nth("started 10.0.1.1", 2);
  await events.nth("exited", HOOK_RUNS_PER_MINUTE + HOOK_QUEUE_LENGTH + 1);
  await runner.stop();
});

Deno.test({
  name: "a program that ignores SIGTERM is killed after the grace, with what it started",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const events = new Recorder();
    // The background sleep holds the output pipe: the run ends only when it dies too.
    const runner = new HookRunner(
      ["/bin/sh", "-c", "trap '' TERM; sleep 30 & echo up; wait"],
      events,
      { graceMs: 200 },
    );
    runner.run(CAMERA);
    await events.next("stdout up");
    await runner.stop();
    assertEquals(events.log.at(-1), "exited 10.0.0.2 137 SIGKILL");
  },
});
