/**
 * Keeps what is served in step with the machine's interfaces: at start, every few seconds, and at once
 * when asked (after a failed send). New addresses get the description listener and the multicast group,
 * vanished ones lose them, and each change is one event. The sockets come in as small interfaces,
 * so tests drive it with fakes.
 *
 * @module
 */

import { diffServed, type ServedAddress } from "./interfaces.ts";
import type { Emit } from "../events.ts";
import { errorMessage, userMessage } from "../errors.ts";
import { every, type Timer } from "../util/timers.ts";

/** What the follower needs from the world. */
export interface FollowerOptions {
  /** The addresses that should be served now (reads the interfaces). */
  select: () => ServedAddress[];
  /** The SSDP socket's multicast memberships. */
  memberships: {
    join(address: string): Promise<void>;
    leave(address: string): Promise<void>;
    /** Joins again; true when the membership had been lost (its interface was re-created). */
    reassert(address: string): Promise<boolean>;
  };
  /** The description server; not used per address with `--bind-all`. */
  server: { listen(address: string): void; unlisten(address: string): void };
  /** `-a`: the description listens on every address, not per served address. */
  bindAll: boolean;
  /** The SSDP port, for the log. */
  ssdpPort: number;
  /** The description URL of a served address, for the log. */
  locationOf: (address: string) => string;
  /** Reports each change (one log line each). */
  emit: Emit;
  /** Told the new set after every change (the answerer and the announcer follow it). */
  onChange(served: readonly ServedAddress[]): Promise<void>;
}

/** Follows the interfaces; see the module comment. */
export class NetworkFollower {
  readonly #options: FollowerOptions;
  #served: ServedAddress[] = [];
  #scanning: Promise<void> | undefined;
  #scanAgain = false;
  #timer: Timer | undefined;

  /**
   * Keeps its settings; starts nothing.
   * @param options where to read interfaces from and what to keep in step
   */
  constructor(options: FollowerOptions) {
    this.#options = options;
  }

  /** The addresses served now. */
  get served(): readonly ServedAddress[] {
    return this.#served;
  }

  /**
   * Serves what is there now and re-reads every `rescanSeconds` (0: never). A description port that
   * cannot be opened now is fatal: the user must hear it at start.
   */
  async start(rescanSeconds: number): Promise<void> {
    await this.#apply(this.#options.select(), true);
    if (rescanSeconds > 0) this.#timer = every(rescanSeconds * 1000, () => this.rescan());
  }

  /** Re-reads now. Rescans never overlap: a burst of failed sends asks for one more, not a hundred. */
  rescan(): void {
    if (this.#scanning) {
      this.#scanAgain = true;
      return;
    }
    this.#scanning = this.#apply(this.#options.select(), false)
      .catch((error) => this.#options.emit({ event: "rescan-failed", error: errorMessage(error) }))
      .finally(() => {
        this.#scanning = undefined;
        if (this.#scanAgain) {
          this.#scanAgain = false;
          this.rescan();
        }
      });
  }

  /** Stops re-reading and waits for a rescan in progress. */
  async stop(): Promise<void> {
    this.#timer?.cancel();
    this.#scanAgain = false;
    await this.#scanning;
  }

  async #apply(next: ServedAddress[], starting: boolean): Promise<void> {
    const { memberships, server, bindAll, emit } = this.#options;
    const { added, removed } = diffServed(this.#served, next);
    if (!starting) await this.#reassert(removed);
    if (added.length === 0 && removed.length === 0) {
      // Nothing to serve at start must be said: otherwise the only line is "ready".
      if (starting) emit({ event: "no-interface" });
      return;
    }
    const wasEmpty = this.#served.length === 0;
    for (const s of removed) {
      await memberships.leave(s.address);
      if (!bindAll) server.unlisten(s.address);
      emit({ event: "interface-removed", iface: s.name, address: s.address });
    }
    const joined: ServedAddress[] = [];
    for (const s of added) {
      try {
        if (!bindAll) server.listen(s.address);
      } catch (error) {
        // Later, a vanishing interface is ordinary and the next rescan retries.
        if (starting) throw error;
        emit({
          event: "interface-unavailable",
          iface: s.name,
          address: s.address,
          error: userMessage(error),
        });
        continue;
      }
      joined.push(s);
      await this.#join(s, starting);
    }
    this.#served = this.#served.filter((s) => !removed.includes(s)).concat(joined);
    await this.#options.onChange(this.#served);
    if (this.#served.length === 0) {
      emit({ event: "no-interface" });
    } else if (wasEmpty && !starting) {
      emit({ event: "serving-again", addresses: this.#served.map((s) => s.address) });
    }
  }

  /**
   * An interface deleted and re-created between two rescans keeps its name and address, so the diff
   * sees nothing, yet the kernel dropped its group membership with it: join again on every rescan.
   */
  async #reassert(leaving: readonly ServedAddress[]): Promise<void> {
    const { memberships, emit } = this.#options;
    for (const s of this.#served) {
      if (leaving.includes(s)) continue;
      try {
        if (await memberships.reassert(s.address)) {
          emit({ event: "interface-rejoined", iface: s.name, address: s.address });
        }
      } catch {
        // The next rescan sees the address gone, or tries again.
      }
    }
  }

  async #join(s: ServedAddress, starting: boolean): Promise<void> {
    const { memberships, ssdpPort, locationOf, emit } = this.#options;
    const fields = {
      event: starting ? "interface" as const : "interface-added" as const,
      iface: s.name,
      address: s.address,
      ssdpPort,
      url: locationOf(s.address),
    };
    try {
      await memberships.join(s.address);
      emit(fields);
    } catch (error) {
      // Some interfaces cannot join a group (Windows' loopback, for one); searches sent straight to
      // the address are still answered, so serve it and say what is missing.
      await memberships.leave(s.address);
      emit({ ...fields, error: errorMessage(error) });
    }
  }
}
