/**
 * Stop signals, per OS: Ctrl+C everywhere, SIGTERM (service managers) on Unix, SIGBREAK (Ctrl+Break)
 * on Windows, where SIGTERM cannot be listened to.
 *
 * @module
 */

/** The signals that stop the helper on this OS. */
export function stopSignals(os: typeof Deno.build.os): Deno.Signal[] {
  return os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
}

/** Resolves with the name of the first stop signal received, then stops listening. */
export function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const signals = stopSignals(Deno.build.os);
    const handlers = signals.map((signal) => {
      const handler = () => {
        signals.forEach((s, i) => Deno.removeSignalListener(s, handlers[i]));
        resolve(signal);
      };
      Deno.addSignalListener(signal, handler);
      return handler;
    });
  });
}
