/**
 * A spawn for the hook runner that starts no process.
 *
 * @module
 */

let fakePids = 0x3fff0000;

/**
 * A program that prints nothing and exits 0 at once, without a process: rate tests start dozens.
 * Its pid is out of any real range, so nothing is ever signalled by it.
 */
export const fakeSpawn = (): Deno.ChildProcess =>
  ({
    pid: fakePids++,
    stdout: new ReadableStream({ start: (c) => c.close() }),
    stderr: new ReadableStream({ start: (c) => c.close() }),
    status: Promise.resolve({ success: true, code: 0, signal: null }),
    kill: () => {},
  }) as unknown as Deno.ChildProcess;
