/**
 * Closing what may be closed already: a connection closed by a timeout, by its peer or by a stop
 * that raced the normal end.
 *
 * @module
 */

/** Closes `resource`, if any; a second close has nothing to undo and is ignored. */
export function closeQuietly(resource: { close(): void } | undefined): void {
  try {
    resource?.close();
  } catch {
    // Already closed.
  }
}
