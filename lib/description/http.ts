/**
 * The description server's HTTP, as pure functions: from a request head to the exact response bytes.
 * We write the response ourselves (instead of `Deno.serve`) because the camera-facing bytes must be
 * exact: `Deno.serve` re-cases `Content-Length` to lower case, adds `date`, and keeps an HTTP/1.1
 * connection open despite our `Connection: close` (measured with Deno 2.9).
 *
 * @module
 */

import { DESCRIPTION_CONTENT_TYPE, HTTP_SERVER } from "../ssdp/wire.ts";

/** The methods served; everything else is 405 with this list in `Allow`. */
const ALLOWED_METHODS = ["GET", "HEAD"] as const;

/** A request's start line. */
export interface RequestLine {
  /** The method as sent (case kept: `get` is not `GET`). */
  method: string;
  /** The path, without query, from origin-form (`/x`) or absolute-form (`http://h:p/x`). */
  path: string;
}

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) +(\S+) +HTTP\/1\.[01] *$/;

/** Parses the first line of a request head; `undefined` when it is not HTTP/1.x. */
export function parseRequestLine(head: string): RequestLine | undefined {
  const end = head.search(/\r?\n/);
  const match = REQUEST_LINE.exec(end < 0 ? head : head.slice(0, end));
  if (!match) return undefined;
  let target = match[2];
  const absolute = /^https?:\/\/[^/]*/i.exec(target);
  if (absolute) target = target.slice(absolute[0].length) || "/";
  const query = target.indexOf("?");
  return { method: match[1], path: query < 0 ? target : target.slice(0, query) };
}

/** A response, before encoding. */
export interface DescriptionResponse {
  /** The only statuses the server sends. */
  status: 200 | 400 | 404 | 405;
  /** Body bytes; sent only for methods other than HEAD. */
  body: Uint8Array;
  /** The exact `Content-Type` (cameras need `text/xml; charset="utf-8"`). */
  contentType: string;
  /** False for `HEAD`. */
  sendBody: boolean;
}

const REASONS = { 200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed" };
const encoder = new TextEncoder();

function plain(status: 400 | 404 | 405, text: string, sendBody: boolean): DescriptionResponse {
  return {
    status,
    body: encoder.encode(`${text}\n`),
    contentType: "text/plain; charset=utf-8",
    sendBody,
  };
}

/** Decides the response to a request line for a description at `/<path>`. Pure. */
export function respond(
  request: RequestLine | undefined,
  descriptionPath: string,
  description: Uint8Array,
): DescriptionResponse {
  if (request === undefined) return plain(400, "Bad Request", true);
  const sendBody = request.method !== "HEAD";
  if (!(ALLOWED_METHODS as readonly string[]).includes(request.method)) {
    return plain(405, "Method Not Allowed", true);
  }
  let path: string;
  try {
    path = decodeURIComponent(request.path);
  } catch {
    return plain(400, "Bad Request", sendBody);
  }
  if (path !== `/${descriptionPath}`) return plain(404, "Not Found", sendBody);
  return { status: 200, body: description, contentType: DESCRIPTION_CONTENT_TYPE, sendBody };
}

/** Encodes a response: fixed header order, Windows' header spelling, then the connection closes. */
export function encodeResponse(response: DescriptionResponse): Uint8Array {
  const lines = [
    `HTTP/1.1 ${response.status} ${REASONS[response.status]}`,
    `Content-Type: ${response.contentType}`,
    `Content-Length: ${response.body.byteLength}`,
    `Server: ${HTTP_SERVER}`,
    "Connection: close",
  ];
  if (response.status === 405) lines.push(`Allow: ${ALLOWED_METHODS.join(", ")}`);
  const head = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
  if (!response.sendBody) return head;
  const bytes = new Uint8Array(head.byteLength + response.body.byteLength);
  bytes.set(head);
  bytes.set(response.body, head.byteLength);
  return bytes;
}
