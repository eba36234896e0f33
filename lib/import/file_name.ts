/**
 * A camera's file name made safe to create in a folder on Linux, macOS and Windows (the destination
 * may be a Samba share or an exFAT card): one path component that cannot climb out (`/`, `\`,
 * `..`), hide itself (a leading dot), stir a terminal (control and bidirectional characters), hit a
 * Windows device (`CON.JPG`) or be refused for its length (255 UTF-8 bytes, the common limit).
 * Pure.
 *
 * @module
 */

/** The longest file name, in UTF-8 bytes, that ext4, APFS, NTFS and exFAT all accept. */
export const MAX_NAME_BYTES = 255;

/** Raw names longer than this (UTF-16 units) are cut before any work: a name is never this long. */
const MAX_RAW_UNITS = 4096;

/** An extension longer than this is not kept whole when the name must be cut: it is not one. */
const MAX_EXTENSION_BYTES = 16;

const encoder = new TextEncoder();

// Separators; the characters Windows refuses; C0, DEL and C1 controls; line and paragraph
// separators; bidirectional marks and overrides, which make a terminal show a name backwards.
const REPLACED =
  // deno-lint-ignore no-control-regex
  /[/\\<>:"|?*\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// A UTF-16 half without its other half cannot be written as UTF-8.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Windows opens the device for these with any extension and trailing spaces ("con .jpg").
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])\s*(\.|$)/i;

/** The UTF-8 length of `text`. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, at a character boundary. */
function cutToBytes(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  // encodeInto stops before the first character that does not fit whole.
  return text.slice(0, encoder.encodeInto(text, new Uint8Array(maxBytes)).read);
}

/** `name` split at its extension's dot: `["IMG_0001", ".JPG"]`; `["README", ""]` without one. */
export function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return [name, ""];
  const extension = name.slice(dot);
  if (utf8Length(extension) > MAX_EXTENSION_BYTES) return [name, ""];
  return [name.slice(0, dot), extension];
}

/** No trailing dots or blanks: Windows drops them, so two names would meet. */
function trimEnd(text: string): string {
  return text.replace(/[.\s]+$/, "");
}

/**
 * `name` (already safe) cut to at most `maxBytes` UTF-8 bytes, keeping its extension and cutting
 * the stem at a character boundary; still safe afterwards.
 */
export function fitName(name: string, maxBytes: number = MAX_NAME_BYTES): string {
  if (utf8Length(name) <= maxBytes) return name;
  const [stem, extension] = splitExtension(name);
  const room = maxBytes - utf8Length(extension);
  if (room < 1) return trimEnd(cutToBytes(name, maxBytes)) || "_";
  return (trimEnd(cutToBytes(stem, room)) || "_") + extension;
}

/**
 * The camera's `raw` file name as one safe path component; `fallback` (e.g. `photo-123`, which must
 * itself be safe) when nothing usable is left of it. Idempotent: a safe name is returned unchanged.
 */
export function safeFileName(raw: string, fallback: string): string {
  let name = raw.slice(0, MAX_RAW_UNITS).replace(LONE_SURROGATE, "_").normalize("NFC")
    .replace(REPLACED, "_");
  // No hidden files, no "." or ".."; no leading blanks a listing would hide.
  name = name.replace(/^[.\s]+/, "");
  name = trimEnd(name);
  if (RESERVED.test(name)) name = `_${name}`;
  name = fitName(name);
  return name === "" ? fallback : name;
}

/**
 * The `n`th alternative of a taken name: `IMG_0001.JPG` → `IMG_0001-1.JPG`, cut to fit the length
 * limit with the suffix and extension kept. `n = 0` is the name itself.
 */
export function withSuffix(name: string, n: number): string {
  if (n === 0) return name;
  const [stem, extension] = splitExtension(name);
  const suffix = `-${n}`;
  const room = MAX_NAME_BYTES - utf8Length(suffix) - utf8Length(extension);
  return (trimEnd(cutToBytes(stem, room)) || "_") + suffix + extension;
}
