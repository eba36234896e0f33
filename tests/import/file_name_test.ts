import { assert, assertEquals } from "../support/assert.ts";
import {
  fitName,
  MAX_NAME_BYTES,
  safeFileName,
  splitExtension,
  utf8Length,
  withSuffix,
} from "../../lib/import/file_name.ts";

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])\s*(\.|$)/i;
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Every promise a safe name makes, as one check with the offending name in its message. */
function assertSafe(name: string, from: string) {
  const why = `${JSON.stringify(from)} -> ${JSON.stringify(name)}`;
  assert(name.length > 0, `empty: ${why}`);
  assert(!/[/\\]/.test(name), `separator: ${why}`);
  assert(!name.startsWith("."), `leading dot: ${why}`);
  assert(!/^\s/.test(name), `leading blank: ${why}`);
  assert(!/[.\s]$/.test(name), `trailing dot or blank: ${why}`);
  assert(name !== "." && name !== "..", `dot name: ${why}`);
  assert(!CONTROL.test(name), `control character: ${why}`);
  assert(!/[<>:"|?*]/.test(name), `Windows-refused character: ${why}`);
  assert(!RESERVED.test(name), `Windows device name: ${why}`);
  assert(utf8Length(name) <= MAX_NAME_BYTES, `${utf8Length(name)} bytes: ${why}`);
  assert(name.isWellFormed(), `lone surrogate: ${why}`);
}

// A seeded generator, so a failure reproduces.
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PIECES = [
  "/",
  "\\",
  "..",
  ".",
  " ",
  "\u0000",
  "\n",
  "\u001b[31m",
  "\u202e",
  "\u0085",
  "CON",
  "lpt1",
  "Com¹",
  "nul ",
  ".JPG",
  ".jpeg",
  "IMG_0001",
  "é",
  "e\u0301",
  "日本",
  "😀",
  "\ud800",
  "\udc00",
  ":",
  "*",
  "?",
  "\u3000",
  "x".repeat(100),
  "ü".repeat(90),
];

function hostileName(next: () => number): string {
  let name = "";
  const pieces = Math.floor(next() * 12);
  for (let i = 0; i < pieces; i++) name += PIECES[Math.floor(next() * PIECES.length)];
  return name;
}

Deno.test("safeFileName: ordinary camera names are unchanged", () => {
  for (const name of ["IMG_0001.JPG", "_MG_1234.CR3", "MVI_0042.MP4", "DSC 01.jpg", "写真.JPG"]) {
    assertEquals(safeFileName(name, "photo-1"), name);
  }
});

Deno.test("safeFileName: the hostile names of the issue", () => {
  assertEquals(safeFileName("../../etc/passwd", "photo-1"), "_.._etc_passwd");
  assertEquals(safeFileName("..\\..\\boot.ini", "photo-1"), "_.._boot.ini");
  assertEquals(safeFileName("CON.JPG", "photo-1"), "_CON.JPG");
  assertEquals(safeFileName("con", "photo-1"), "_con");
  assertEquals(safeFileName("LPT9.tar.gz", "photo-1"), "_LPT9.tar.gz");
  assertEquals(safeFileName("COM1 .jpg", "photo-1"), "_COM1 .jpg");
  assertEquals(safeFileName("CONSOLE.JPG", "photo-1"), "CONSOLE.JPG");
  assertEquals(safeFileName("a\u0000b", "photo-1"), "a_b");
  assertEquals(safeFileName(".hidden", "photo-1"), "hidden");
  assertEquals(safeFileName("..", "photo-7"), "photo-7");
  assertEquals(safeFileName("", "photo-7"), "photo-7");
  assertEquals(safeFileName(" . . ", "photo-7"), "photo-7");
  assertEquals(safeFileName("IMG.JPG. . ", "photo-1"), "IMG.JPG");
  assertEquals(safeFileName("evil\u202eGPJ.exe", "photo-1"), "evil_GPJ.exe");
  assertEquals(safeFileName("a\ud800b", "photo-1"), "a_b");
});

Deno.test("safeFileName: a long name is cut at a character boundary, its extension kept", () => {
  const ascii = safeFileName(`${"a".repeat(300)}.JPG`, "photo-1");
  assertEquals(ascii, `${"a".repeat(251)}.JPG`);
  const wide = safeFileName(`${"日".repeat(120)}.JPG`, "photo-1"); // 360 bytes of stem
  assertEquals(wide, `${"日".repeat(83)}.JPG`); // 249 + 4 bytes; a 3-byte character would not fit
  const emoji = safeFileName(`${"😀".repeat(70)}.CR3`, "photo-1");
  assertEquals(emoji, `${"😀".repeat(62)}.CR3`);
  assert(utf8Length(emoji) <= MAX_NAME_BYTES);
});

Deno.test("safeFileName: property: any mix of hostile pieces gives a safe, stable name", () => {
  const next = random(20240305);
  for (let i = 0; i < 5000; i++) {
    const raw = hostileName(next);
    const safe = safeFileName(raw, "photo-9");
    assertSafe(safe, raw);
    assertEquals(safeFileName(safe, "photo-9"), safe, `not idempotent for ${JSON.stringify(raw)}`);
    for (const n of [1, 2, 999]) assertSafe(withSuffix(safe, n), raw);
  }
});

Deno.test("withSuffix: the number goes before the extension and the name still fits", () => {
  assertEquals(withSuffix("IMG_0001.JPG", 0), "IMG_0001.JPG");
  assertEquals(withSuffix("IMG_0001.JPG", 1), "IMG_0001-1.JPG");
  assertEquals(withSuffix("IMG_0001.JPG", 12), "IMG_0001-12.JPG");
  assertEquals(withSuffix("README", 2), "README-2");
  const long = `${"a".repeat(251)}.JPG`;
  assertEquals(withSuffix(long, 3), `${"a".repeat(249)}-3.JPG`);
});

Deno.test("splitExtension and fitName", () => {
  assertEquals(splitExtension("a.b.JPG"), ["a.b", ".JPG"]);
  assertEquals(splitExtension("noext"), ["noext", ""]);
  assertEquals(splitExtension(`a.${"x".repeat(40)}`), [`a.${"x".repeat(40)}`, ""]);
  assertEquals(fitName("IMG_0001.JPG", 9), "IMG_0.JPG");
  assertEquals(fitName("IMG_0001.JPG", 100), "IMG_0001.JPG");
});
