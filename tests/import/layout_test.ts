import { assertEquals } from "../support/assert.ts";
import { dayFolders, foldersFor, localDay, parseCaptureDay } from "../../lib/import/layout.ts";

const importDay = { year: 2025, month: 1, day: 9 };

Deno.test("parseCaptureDay: PTP dates, read leniently", () => {
  assertEquals(parseCaptureDay("20240305T142233"), { year: 2024, month: 3, day: 5 });
  assertEquals(parseCaptureDay("20240305T142233.5+0100"), { year: 2024, month: 3, day: 5 });
  assertEquals(parseCaptureDay("20240305T142233Z"), { year: 2024, month: 3, day: 5 });
  assertEquals(parseCaptureDay("20240305"), { year: 2024, month: 3, day: 5 });
  assertEquals(parseCaptureDay(" 2024-03-05T14:22:33"), { year: 2024, month: 3, day: 5 });
  assertEquals(parseCaptureDay("20240229T000000"), { year: 2024, month: 2, day: 29 });
});

Deno.test("parseCaptureDay: nonsense is no date", () => {
  for (
    const bad of [
      undefined,
      "",
      "00000000T000000",
      "20231301T000000",
      "20230229T000000",
      "21000229",
      "20240431",
      "2024030",
      "202403051",
      "abcd0305",
      "18991231",
      "\u0000",
      "9".repeat(10_000),
    ]
  ) {
    assertEquals(parseCaptureDay(bad), undefined, JSON.stringify(bad));
  }
});

Deno.test("the folders: by capture day, else by the import day", () => {
  assertEquals(dayFolders({ year: 2024, month: 3, day: 5 }), ["2024", "2024-03-05"]);
  assertEquals(foldersFor("20231231T235959", importDay), ["2023", "2023-12-31"]);
  assertEquals(foldersFor(undefined, importDay), ["2025", "2025-01-09"]);
  assertEquals(foldersFor("garbage", importDay), ["2025", "2025-01-09"]);
});

Deno.test("localDay: the local calendar day of an instant", () => {
  const ms = new Date(2024, 2, 5, 12, 0, 0).getTime();
  assertEquals(localDay(ms), { year: 2024, month: 3, day: 5 });
});
