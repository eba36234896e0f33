/**
 * The lines of a text stream, as the lab's programs and the processes it watches write them: one
 * command or one JSON event a line.
 *
 * @module
 */

/**
 * Yields each line of `stream` once its `\n` has come, without it. A last line the stream ends
 * without a `\n` is yielded too only with `unterminated`: a log keeps it, while a command or a JSON
 * event cut short by an ended process is no whole line.
 */
export async function* lines(
  stream: ReadableStream<Uint8Array>,
  { unterminated = false } = {},
): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
    }
  }
  if (unterminated && pending) yield pending;
}
