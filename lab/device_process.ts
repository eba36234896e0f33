/**
 * A lab program (the fake camera, a fake device) running inside a namespace and speaking JSON lines
 * on stdout: each line is one thing that happened to it, which a test can wait for. Commands go to
 * its stdin, one per line.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { Netns } from "./netns.ts";

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
  readonly #waiters: (() => void)[] = [];
  readonly #done: Promise<void>;
  #ended = false;

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
      let pending = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        pending += chunk;
        let newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
          this.events.push(JSON.parse(pending.slice(0, newline)));
          pending = pending.slice(newline + 1);
          this.#wake();
        }
      }
      this.#ended = true;
      this.#wake();
    })();
  }

  #wake(): void {
    this.#waiters.splice(0).forEach((wake) => wake());
  }

  /** The events named `event`. */
  all(event: string): DeviceEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Resolves once `count` events named `event` came; rejects if the program ends first. */
  async waitFor(event: string, count = 1): Promise<DeviceEvent> {
    while (this.all(event).length < count) {
      if (this.#ended) {
        throw new Error(`the program ended before "${event}": ${JSON.stringify(this.events)}`);
      }
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
    return this.all(event)[count - 1];
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
