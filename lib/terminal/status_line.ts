/**
 * The live one-line status on a terminal ("waiting for a camera…", "camera 192.168.1.23 ready"),
 * rewritten in place. Log lines go through {@linkcode StatusLine.writeLog}, which erases the status,
 * writes the line and redraws the status in one write, so the two never garble each other. Only for a
 * terminal: where stderr is a file or a pipe there is no status line at all.
 *
 * @module
 */

/** Carriage return and "erase entire line". */
export const ERASE_LINE = "\r\x1b[2K";

/** The status line on one output. */
export class StatusLine {
  readonly #write: (text: string) => void;
  readonly #columns: () => number | undefined;
  #text = "";

  /**
   * Keeps its settings; starts nothing.
   * @param write writes to the terminal, synchronously
   * @param columns the terminal width, if known: a longer status would wrap and not be erased
   */
  constructor(write: (text: string) => void, columns: () => number | undefined) {
    this.#write = write;
    this.#columns = columns;
  }

  /** Shows `text` as the status, replacing the previous one. */
  show(text: string): void {
    const width = this.#columns();
    // A pseudo-terminal nobody sized reports 0 columns: then the width is unknown, not zero.
    const fitted = width !== undefined && width > 0 && text.length >= width
      ? `${text.slice(0, Math.max(0, width - 2))}…`
      : text;
    if (fitted === this.#text) return;
    this.#text = fitted;
    this.#write(ERASE_LINE + fitted);
  }

  /** Writes a log line (ending in a newline) above the status. */
  writeLog(line: string): void {
    this.#write(this.#text === "" ? line : ERASE_LINE + line + this.#text);
  }

  /** Erases the status, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (this.#text === "") return;
    this.#text = "";
    this.#write(ERASE_LINE);
  }
}
