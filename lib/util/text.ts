/**
 * The one policy for text the helper did not write (camera headers and names, PTP/IP strings,
 * errors from a peer, other processes' names) before a person reads it on a terminal, in a log line
 * or in a hook's environment: which characters cannot be shown, and what becomes of them. Those are
 * the controls (C0, DEL, C1: escape sequences move the cursor, retitle the terminal or fake a line),
 * the line and paragraph separators, the invisible format characters (zero-width, direction marks,
 * overrides and isolates that reorder a line, the byte-order mark, tag characters) and lone UTF-16
 * surrogates. Pure.
 *
 * File names made from camera text follow stricter rules of their own (`lib/import/file_name.ts`):
 * a safe name is a different job from a readable line.
 *
 * @module
 */

// \p{Cc} controls, \p{Cf} format characters, \p{Cs} lone surrogates (a well-formed pair is one code
// point under the `u` flag), \p{Zl}/\p{Zp} the line and paragraph separators.
const UNSHOWN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** The ellipsis that marks a cut. */
const CUT = "…";

/**
 * Text from outside, fit to be read: every character that cannot be shown removed, spaces at either
 * end trimmed, and at most `max` code points, an ellipsis (counted) marking a cut; a cut never splits
 * a surrogate pair. Empty when nothing readable is left.
 */
export function cleanText(text: string, max = 120): string {
  const clean = text.replace(UNSHOWN, "").trim();
  if (clean.length <= max) return clean;
  // Enough UTF-16 units for `max` + 1 code points: whatever lies past them is cut anyway.
  const points = Array.from(clean.slice(0, 2 * max + 2));
  if (points.length <= max) return points.join("");
  return points.slice(0, Math.max(0, max - 1)).join("") + CUT;
}

/** {@linkcode cleanText} of a header or field that may be missing: `undefined` when nothing is left. */
export function cleanOptional(text: string | undefined, max?: number): string | undefined {
  return cleanText(text ?? "", max) || undefined;
}

/**
 * Each character of the policy's set in `text` (one code point, or a lone surrogate) replaced by
 * what `replace` makes of it, for a caller that must show where one was: a log line escapes them, a
 * progress line marks them.
 */
export function replaceUnshown(text: string, replace: (found: string) => string): string {
  return text.replace(UNSHOWN, replace);
}

/**
 * The same characters kept but shown as `\uXXXX` escapes, for text that must be read exactly (a
 * name the user gave that matched nothing): after `JSON.stringify`, which escapes C0 only, the
 * rest of the policy's characters are escaped the way JSON would.
 */
export function escapeUnshown(text: string): string {
  return replaceUnshown(text, (found) => {
    let escaped = "";
    for (let i = 0; i < found.length; i++) {
      escaped += `\\u${found.charCodeAt(i).toString(16).padStart(4, "0")}`;
    }
    return escaped;
  });
}
