// Logging never stops answering: with stderr piped and never read (a stalled journald, `| less`), the
// helper keeps answering well past the point where the pipe is full, and SIGTERM still stops it.

import { assert, assertEquals } from "../support/assert.ts";
import { CAMERA_SEARCH } from "../../lab/camera_sim.ts";
import { freePorts, helperArgv, homeEnv } from "../../lab/helper_process.ts";
import { withTimeout } from "../../lib/util/timeout.ts";
import { tempDir } from "../../lab/temp_dir.ts";

const WINDOWS = Deno.build.os === "windows";
/** Far past the 489 answers after which a blocking log write stopped the helper. */
const SEARCHES = 3000;
const encoder = new TextEncoder();

Deno.test({
  name: "a stderr nobody reads stops neither the answers nor SIGTERM",
  // Windows has no SIGTERM to send a child.
  ignore: WINDOWS,
  fn: async () => {
    const ports = freePorts();
    const home = await tempDir("pch-home-");
    const [cmd, ...args] = helperArgv([
      "-p",
      `${ports.udp}`,
      "-P",
      `${ports.tcp}`,
      "--source-rate",
      "0",
      "--global-rate",
      "0",
      "127.0.0.1",
    ]);
    const child = new Deno.Command(cmd, {
      args,
      env: { ...homeEnv(home), NO_COLOR: "1" },
      cwd: home,
      stdin: "null",
      stdout: "null",
      stderr: "piped", // and never read
    }).spawn();
    const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const to: Deno.NetAddr = { transport: "udp", hostname: "127.0.0.1", port: ports.udp };
    const search = encoder.encode(CAMERA_SEARCH);
    try {
      // Ready once it answers; the log that would say so is the one nobody reads.
      let ready = false;
      for (let attempt = 0; attempt < 150 && !ready; attempt++) {
        await socket.send(search, to);
        ready = await withTimeout(socket.receive(), 100, "answer").then(() => true, () => false);
      }
      assert(ready, "the helper never answered");
      // A late answer to a timed-out attempt may still be queued; it counts for nothing below.
      let answered = 0;
      for (let i = 0; i < SEARCHES; i++) {
        await socket.send(search, to);
        const got = await withTimeout(socket.receive(), 2000, "answer").then(
          () => true,
          () => false,
        );
        if (!got) break;
        answered++;
      }
      assertEquals(answered, SEARCHES);
      child.kill("SIGTERM");
      const status = await withTimeout(child.status, 10_000, "exit after SIGTERM");
      assertEquals(status.code, 0);
    } finally {
      socket.close();
      try {
        child.kill("SIGKILL");
      } catch {
        // ended already
      }
      await child.status;
      await child.stderr.cancel();
    }
  },
});
