// Result: ok and err make the two shapes callers branch on, and the type narrows on `ok`.

import { assertEquals } from "../support/assert.ts";
import { err, ok, type Result } from "../../lib/util/result.ts";

Deno.test("ok carries the value, err the reason, and `ok` tells them apart", () => {
  assertEquals(ok(3), { ok: true, value: 3 });
  assertEquals(err("no card"), { ok: false, error: "no card" });
  assertEquals(err({ kind: "unreadable" }), { ok: false, error: { kind: "unreadable" } });
  const pick = (r: Result<number>) => r.ok ? `value ${r.value}` : `error ${r.error}`;
  assertEquals([pick(ok(0)), pick(err("gone"))], ["value 0", "error gone"]);
});
