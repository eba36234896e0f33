/**
 * A lab program (the fake camera, a fake device) running inside a namespace and speaking JSON lines
 * on stdout: each line is one thing that happened to it, which a test can wait for. Commands go to
 * its stdin, one per line.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { Netns } from "./netns.ts";
import { WAIT_MS, Waiters } from "./waiters.ts";
import { lines } from "./lines.ts";

/** One line of the program's output. */
export interface DeviceEvent {
  /** What happened. */
  event: string;
  [key: string]: unknown;
}

/** A running lab program; `await using` ends it. */
export class DeviceProcess implements AsyncDisposable {
  /** Every event so far, in order. */
  readonly events: DeviceEvent[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #waiters = new Waiters();
  readonly #done: Promise<void>;

  /**
   * Starts `lab/<program>` with `args` inside `ns`.
   * @param ns the namespace (the host it runs on)
   * @param program the file under `lab/`, e.g. `fake_device.ts`
   * @param args its arguments
   */
  constructor(ns: Netns, program: string, args: string[]) {
    const path = fileURLToPath(new URL(`./${program}`, import.meta.url));
    const child = ns.spawn(
      [Deno.execPath(), "run", "--unstable-net", "--allow-net", path, ...args],
      { stderr: "inherit", stdin: "piped" },
    );
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
    this.#done = (async () => {
      for await (const line of lines(child.stdout)) {
        this.events.push(JSON.parse(line));
        this.#waiters.wake();
      }
      this.#waiters.end("the program ended");
    })();
  }

  /** The events named `event`. */
  all(event: string): DeviceEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /**
   * Resolves once `count` events named `event` came, with the last of them; rejects if the program
   * ends first or after `ms`.
   */
  waitFor(event: string, count = 1, ms = WAIT_MS): Promise<DeviceEvent> {
    return this.#waiters.until(
      () => this.all(event)[count - 1],
      () => `${count} "${event}" events: ${JSON.stringify(this.events)}`,
      ms,
    );
  }

  /** Resolves with the first event named `event` that `matches`, past or future; rejects as `waitFor`. */
  waitForMatch(
    event: string,
    matches: (e: DeviceEvent) => boolean,
    ms = WAIT_MS,
  ): Promise<DeviceEvent> {
    return this.#waiters.until(
      () => this.all(event).find(matches),
      () => `a matching "${event}" event: ${JSON.stringify(this.events)}`,
      ms,
    );
  }

  /** Sends one command line and waits until the program says it is done. */
  async command(line: string): Promise<void> {
    const before = this.all("done").length;
    await this.#stdin.write(new TextEncoder().encode(`${line}\n`));
    await this.waitFor("done", before + 1);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#stdin.close().catch(() => {});
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already ended
    }
    await this.#child.status;
    await this.#done;
  }
}
