// The status line itself on a fake terminal: rewritten in place, cut to the width, and never
// garbled by a log line.

import { ERASE_LINE, StatusLine } from "../../lib/terminal/status_line.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("StatusLine rewrites itself and keeps log lines whole", async (t) => {
  const writes: string[] = [];
  let columns: number | undefined = 40;
  const status = new StatusLine((text) => writes.push(text), () => columns);

  await t.step("a log line before any status is written as is", () => {
    status.writeLog("first\n");
    assertEquals(writes.splice(0), ["first\n"]);
  });

  await t.step("show erases the line and writes the status, once per change", () => {
    status.show("waiting");
    status.show("waiting");
    assertEquals(writes.splice(0), [`${ERASE_LINE}waiting`]);
  });

  await t.step("a log line erases the status, then redraws it, in one write", () => {
    status.writeLog("12:00:00.000 INF hello\n");
    assertEquals(writes.splice(0), [`${ERASE_LINE}12:00:00.000 INF hello\nwaiting`]);
  });

  await t.step("a status wider than the terminal is cut, so it never wraps", () => {
    status.show("x".repeat(50));
    assertEquals(writes.splice(0), [`${ERASE_LINE}${"x".repeat(38)}…`]);
    columns = 0; // an unsized pseudo-terminal: width unknown
    status.show("y".repeat(50));
    assertEquals(writes.splice(0), [`${ERASE_LINE}${"y".repeat(50)}`]);
  });

  await t.step("clear erases it once; log lines then go as they are", () => {
    status.clear();
    status.clear();
    status.writeLog("last\n");
    assertEquals(writes.splice(0), [ERASE_LINE, "last\n"]);
  });
});
