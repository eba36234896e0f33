/**
 * Parsing of SSDP datagrams (HTTP-over-UDP start line plus headers). Lenient where real stacks differ
 * (LF-only line ends, header name case, extra spaces, no final empty line), strict on size so that a
 * hostile datagram costs little. Never throws: anything unparseable is a {@linkcode Rejection}.
 *
 * @module
 */

/**
 * Generous for any real SSDP message (they are a few hundred bytes), small enough to be cheap. Lines
 * are bounded only by the datagram: a long User-Agent or padding is no reason to ignore a camera,
 * and the datagram and header bounds already bound the memory.
 */
export const DEFAULT_PARSE_LIMITS = {
  /** Larger datagrams are dropped without being decoded. */
  maxBytes: 8192,
  /** More header lines than this and the datagram is dropped. */
  maxHeaders: 64,
} as const;

/** A parsed SSDP request (`M-SEARCH`, `NOTIFY`) or response (`HTTP/1.1 200 OK`). */
export interface SsdpMessage {
  /** The start line as received, trimmed. */
  startLine: string;
  /** For requests, the method in upper case (`M-SEARCH`); for responses, `undefined`. */
  method?: string;
  /** For requests, the request target (`*`). */
  target?: string;
  /** For responses, the status code. */
  status?: number;
  /** The protocol version in upper case (`HTTP/1.1`). */
  version: string;
  /** Headers by lower-case name, values trimmed; the first of repeated names wins. */
  headers: ReadonlyMap<string, string>;
}

/** Why a datagram was not understood. */
export interface Rejection {
  /** Why the datagram was not parsed. */
  rejected: string;
}

/** What {@linkcode parseSsdpMessage} returns. */
export type ParseResult = SsdpMessage | Rejection;

/** Tells a rejection from a message. */
export function isRejection(result: ParseResult): result is Rejection {
  return "rejected" in result;
}

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/**
 * Where the line starting at `start` ends: `content` excludes its CR LF (or LF), `next` is where the
 * following line starts (past the end of `text` when this is the last line).
 */
function lineEnd(text: string, start: number): { content: number; next: number } {
  const newline = text.indexOf("\n", start);
  if (newline < 0) return { content: text.length, next: text.length + 1 };
  const content = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
  return { content, next: newline + 1 };
}
const START_LINE_TOKENS = /\s+/;

// ASCII only: protocol tokens are ASCII, and Unicode case mapping would let look-alikes pass
// ("M-\u017fEARCH".toUpperCase() is "M-SEARCH").
function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** Parses one datagram. Pure; never throws. */
export function parseSsdpMessage(datagram: Uint8Array): ParseResult {
  const limits = DEFAULT_PARSE_LIMITS;
  if (datagram.byteLength === 0) return { rejected: "empty datagram" };
  if (datagram.byteLength > limits.maxBytes) {
    return { rejected: `datagram of ${datagram.byteLength} bytes exceeds ${limits.maxBytes}` };
  }
  const text = decoder.decode(datagram);
  // Lines are walked with indexOf rather than split: no array of every line per datagram.
  let end = lineEnd(text, 0);
  const startLine = text.slice(0, end.content).trim();
  const tokens = startLine.split(START_LINE_TOKENS);
  if (tokens.length < 2) return { rejected: "malformed start line" };

  const headers = new Map<string, string>();
  for (let i = 1; end.next <= text.length; i++) {
    const start = end.next;
    end = lineEnd(text, start);
    const line = text.slice(start, end.content);
    if (line.trim() === "") break;
    if (i > limits.maxHeaders) return { rejected: `more than ${limits.maxHeaders} headers` };
    const colon = line.indexOf(":");
    // A line without a colon (or folded continuation) carries nothing we use; skipping it is
    // kinder than dropping a camera's whole search.
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }

  const [first, second, third] = tokens;
  const upperFirst = asciiUpper(first);
  if (upperFirst.startsWith("HTTP/")) {
    // A status line's reason phrase may hold spaces ("404 Not Found"), so only two tokens count.
    if (!/^\d{3}$/.test(second)) return { rejected: "malformed status line" };
    return { startLine, version: upperFirst, status: Number(second), headers };
  }
  if (tokens.length !== 3) return { rejected: "malformed request line" };
  const version = asciiUpper(third);
  if (!version.startsWith("HTTP/")) return { rejected: "malformed request line" };
  return { startLine, method: upperFirst, target: second, version, headers };
}
