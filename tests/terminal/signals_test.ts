// The stop signals: each one ends a waiting process through stopSignal(), not by the default action.

import { stopSignals } from "../../lib/terminal/signals.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("the stop signals per OS", () => {
  assertEquals(stopSignals("linux"), ["SIGINT", "SIGTERM", "SIGHUP"]);
  assertEquals(stopSignals("darwin"), ["SIGINT", "SIGTERM", "SIGHUP"]);
  assertEquals(stopSignals("windows"), ["SIGINT", "SIGBREAK"]);
});

const WAITER = `
import { stopSignal } from ${
  JSON.stringify(new URL("../../lib/terminal/signals.ts", import.meta.url).href)
};
const stopping = stopSignal();
console.log("waiting");
console.log("stopped by " + await stopping);
`;

for (const signal of ["SIGTERM", "SIGHUP"] as const) {
  Deno.test({
    name: `${signal} resolves stopSignal, so the helper stops cleanly`,
    ignore: Deno.build.os === "windows",
    fn: async () => {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["eval", WAITER],
        stdin: "null",
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!text.includes("waiting\n")) {
        const { value, done } = await lines.read();
        if (done) break;
        text += value;
      }
      child.kill(signal);
      for (;;) {
        const { value, done } = await lines.read();
        if (done) break;
        text += value;
      }
      const status = await child.status;
      assertEquals(text, `waiting\nstopped by ${signal}\n`);
      assertEquals(status.code, 0, "ended by its own code, not killed by the signal");
    },
  });
}
