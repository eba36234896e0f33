// The one policy for text from outside: what cannot be shown is removed (or, for names the user
// must read exactly, escaped), and the length is bounded with an ellipsis.

import { assert, assertEquals } from "../support/assert.ts";
import { cleanOptional, cleanText, escapeUnshown } from "../../lib/util/text.ts";

Deno.test("cleanText removes controls: C0, DEL, C1, whatever they would do to a terminal", () => {
  assertEquals(cleanText("a\u001b[2Jb\u202ec\u0000"), "a[2Jbc");
  assertEquals(cleanText(" Canon\x1b[31m EOS\u0007 ", 200), "Canon[31m EOS");
  assertEquals(cleanText("Canon\x1b]0;owned\x07\nEOS"), "Canon]0;ownedEOS");
  assertEquals(cleanText("gone\u001b[2J\u007f\u0085\u009b1m"), "gone[2J1m");
  assertEquals(cleanText("\r\n"), "", "nothing readable is left");
  assertEquals(
    cleanText("one\u2028two\u2029three"),
    "onetwothree",
    "line and paragraph separators",
  );
});

Deno.test("cleanText removes the invisible: zero-width, direction marks and overrides, BOM, tags", () => {
  const invisible = [
    "\u200b", // zero-width space
    "\u200e", // left-to-right mark
    "\u200f", // right-to-left mark
    "\u202a", // left-to-right embedding
    "\u202e", // right-to-left override
    "\u2066", // left-to-right isolate
    "\u2069", // pop directional isolate
    "\u2060", // word joiner
    "\ufeff", // byte-order mark
    "\u061c", // Arabic letter mark
    "\u{e0041}", // tag letter A
  ];
  for (const c of invisible) {
    const code = c.codePointAt(0)!.toString(16);
    assertEquals(cleanText(`EOS${c}6D`), "EOS6D", `U+${code}`);
  }
  assertEquals(cleanText("IMG_\u202egpj.exe"), "IMG_gpj.exe", "no reordering on screen");
});

Deno.test("cleanText keeps printable text of any script, and drops lone surrogates", () => {
  assertEquals(cleanText("Canon EOS R6 – ü ✓ 日本 😀"), "Canon EOS R6 – ü ✓ 日本 😀");
  assertEquals(cleanText("a\ud800b\udc00c"), "abc");
  assertEquals(cleanText("\u00a0no-break\u00a0"), "no-break", "trimmed like any space");
});

Deno.test("cleanText bounds the length in code points, an ellipsis marking a cut", () => {
  assertEquals(cleanText("x".repeat(500), 10), "xxxxxxxxx…");
  assertEquals(cleanText("x".repeat(500)).length, 120, "120 by default");
  assertEquals(cleanText("x".repeat(500), 200).length, 200);
  assertEquals(cleanText("x".repeat(10), 10), "x".repeat(10), "no cut at exactly the bound");
  // Multi-byte: an astral character is one code point and two UTF-16 units; a cut never splits it.
  assertEquals(cleanText("😀".repeat(10), 10), "😀".repeat(10));
  assertEquals(cleanText("😀".repeat(11), 10), "😀".repeat(9) + "…");
  assertEquals(cleanText("ab😀😀😀", 4), "ab😀…");
  const cut = cleanText("a" + "😀".repeat(300), 100);
  assertEquals([...cut].length, 100);
  assert(cut.isWellFormed(), "no lone surrogate");
  // Removed characters do not count; the ends are trimmed before the cut.
  assertEquals(cleanText("\u0000".repeat(50) + "abc" + "   ", 3), "abc");
});

Deno.test("escapeUnshown shows the same characters as escapes, after JSON's own", () => {
  assertEquals(escapeUnshown(JSON.stringify("x\x1b[2J\x9b1m")), '"x\\u001b[2J\\u009b1m"');
  assertEquals(escapeUnshown("a\u202eb\u2028c"), "a\\u202eb\\u2028c");
  assertEquals(escapeUnshown("\u{e0041}"), "\\udb40\\udc41", "astral: each UTF-16 unit, as JSON");
  assertEquals(escapeUnshown("eth0 ü 😀"), "eth0 ü 😀");
});

Deno.test("cleanOptional: a missing or unreadable value is undefined, the rest as cleanText", () => {
  assertEquals(cleanOptional(undefined, 10), undefined);
  assertEquals(cleanOptional(" \u200b\u0007 ", 10), undefined);
  assertEquals(cleanOptional(" Canon\u202e EOS 6D ", 200), "Canon EOS 6D");
  assertEquals(cleanOptional("abcdefghijkl", 5), cleanText("abcdefghijkl", 5));
});
