/**
 * Stop signals, per OS: Ctrl+C everywhere; on Unix SIGTERM (service managers) and SIGHUP (the
 * terminal closed, or its SSH session ended), each ending the helper cleanly rather than killing it
 * mid-answer; SIGBREAK (Ctrl+Break) on Windows, where neither can be listened to.
 *
 * @module
 */

/** The signals that stop the helper on this OS. */
export function stopSignals(os: typeof Deno.build.os): Deno.Signal[] {
  return os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM", "SIGHUP"];
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
