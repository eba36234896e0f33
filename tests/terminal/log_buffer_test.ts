// The buffer between the log and stderr: never blocks the caller, bounded, batched.

import { assert, assertEquals } from "../support/assert.ts";
import { LOG_QUEUE_LINES, LogBuffer } from "../../lib/terminal/log_buffer.ts";

/** A writer whose writes wait until `release` is called, as a pipe nobody reads. */
function stalledWriter() {
  const written: string[] = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  const writer = {
    write: async (bytes: Uint8Array) => {
      await gate;
      written.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
    writeSync: (bytes: Uint8Array) => {
      written.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
  return { writer, written, release: () => release() };
}

Deno.test("the log buffer never blocks and counts what it drops", async (t) => {
  await t.step("past the bound lines are dropped, then reported once before the next", async () => {
    const out = stalledWriter();
    const reports: number[] = [];
    const buffer: LogBuffer = new LogBuffer(out.writer, (n) => {
      reports.push(n);
      buffer.push(`${n} dropped\n`);
    }, 3);
    for (let i = 0; i < 10; i++) buffer.push(`line ${i}\n`);
    assertEquals(buffer.dropped, 6, "line 0 is being written, 1-3 wait, 4-9 are dropped");
    out.release();
    await buffer.flush(1000);
    buffer.push("after\n");
    await buffer.flush(1000);
    assertEquals(reports, [6]);
    assertEquals(out.written.join(""), "line 0\nline 1\nline 2\nline 3\n6 dropped\nafter\n");
  });

  const recording = () => {
    const writes: string[] = [];
    const writer = {
      write: (bytes: Uint8Array) => {
        writes.push(new TextDecoder().decode(bytes));
        return Promise.resolve(bytes.length);
      },
      writeSync: (bytes: Uint8Array) => {
        writes.push(`sync: ${new TextDecoder().decode(bytes)}`);
        return bytes.length;
      },
    };
    return { writes, writer };
  };

  await t.step(
    "a line after a quiet spell goes at once, the burst behind it in one write",
    async () => {
      const { writes, writer } = recording();
      const buffer = new LogBuffer(writer, () => {}, LOG_QUEUE_LINES, 30);
      buffer.push("first\n");
      assertEquals(writes, ["first\n"], "written without waiting for a batch");
      const started = performance.now();
      for (let i = 0; i < 100; i++) buffer.push(`line ${i}\n`);
      await buffer.flush(1000);
      assertEquals(writes.length, 2);
      assertEquals(writes[1].split("\n").length, 101);
      assert(performance.now() - started >= 25, "the burst waited for the batch");
    },
  );

  await t.step("at exit, lines still waiting for their batch are written at once", async () => {
    const { writes, writer } = recording();
    const buffer = new LogBuffer(writer, () => {}, LOG_QUEUE_LINES, 40);
    buffer.push("first\n");
    await Promise.resolve();
    buffer.push("last words\n");
    buffer.flushSync();
    assertEquals(writes, ["first\n", "sync: last words\n"]);
    await buffer.flush(1000);
    assertEquals(writes.length, 2, "nothing is written twice");
  });

  await t.step("flush gives up at its deadline while the writer is stuck", async () => {
    const out = stalledWriter();
    const buffer = new LogBuffer(out.writer, () => {}, 3);
    buffer.push("stuck\n");
    const started = performance.now();
    await buffer.flush(20);
    assert(performance.now() - started < 1000);
    buffer.flushSync();
    assertEquals(out.written, [], "no blocking write while one is stuck");
    out.release();
    await buffer.flush(1000);
    assertEquals(out.written, ["stuck\n"]);
  });
});
