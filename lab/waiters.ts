/**
 * The one way the tests, the lab tools and the bench wait for something they do not schedule
 * themselves: a log line, an event, a count reached. Whatever changes the state calls `wake()`, and
 * each wait re-checks its condition then, so nothing sleeps or polls; every wait has a deadline, so
 * an event that never comes fails the test with its name instead of hanging it.
 *
 * @module
 */

/** How long a wait lasts unless its caller says otherwise. */
export const WAIT_MS = 15_000;

/** A set of pending waits on one changing state. */
export class Waiters {
  readonly #pending = new Set<() => void>();
  #ended: string | undefined;

  /** Re-checks every pending wait; call after each change to the state they look at. */
  wake(): void {
    for (const check of [...this.#pending]) check();
  }

  /**
   * Says the state will not change any more (the process ended, the socket closed): every wait,
   * pending or future, whose condition does not hold by now fails at once.
   * @param why what ended, worded to precede "before: WHAT"
   */
  end(why: string): void {
    this.#ended = why;
    this.wake();
  }

  /**
   * Resolves with the first value of `probe` that is neither `undefined` nor `false`, checked now and
   * at each {@linkcode Waiters.wake}; rejects with "not within MS ms: WHAT" once `ms` have passed, or
   * at once after {@linkcode Waiters.end}.
   * @param probe reads the state; a condition (`() => boolean`) resolves with `true`
   * @param what what is awaited, for the failure; a function is asked only when the wait fails
   * @param ms the deadline
   */
  until<T>(
    probe: () => T | undefined | false,
    what: string | (() => string),
    ms: number = WAIT_MS,
  ): Promise<T> {
    const describe = () => typeof what === "string" ? what : what();
    return new Promise<T>((resolve, reject) => {
      const settle = (outcome: () => void) => {
        clearTimeout(deadline);
        this.#pending.delete(check);
        outcome();
      };
      const check = () => {
        let value: T | undefined | false;
        try {
          value = probe();
        } catch (error) {
          return settle(() => reject(error));
        }
        if (value !== undefined && value !== false) {
          const found = value;
          settle(() => resolve(found));
        } else if (this.#ended !== undefined) {
          const why = `${this.#ended} before: ${describe()}`;
          settle(() => reject(new Error(why)));
        }
      };
      const deadline = setTimeout(
        () => settle(() => reject(new Error(`not within ${ms} ms: ${describe()}`))),
        ms,
      );
      this.#pending.add(check);
      check();
    });
  }
}
