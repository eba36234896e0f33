// The photo sink's scheduler with fakes (tests/support/sink.ts): one link per camera, at most
// maxLinks at once, a byebye ending a link at once and a camera only unheard not reconnected.

import { assert, assertEquals } from "../support/assert.ts";
import { rig, until } from "../support/sink.ts";

Deno.test("a byebye ends the session at once; a camera only unheard keeps its session but is not reconnected", async () => {
  const r = rig();
  r.cards.set("10.0.0.2", [1]);
  r.cards.set("10.0.0.3", [7]);
  r.sink.ready({ ip: "10.0.0.2" });
  r.sink.ready({ ip: "10.0.0.3" });
  await until(() => r.named("photo-imported").length === 2, "both imported");
  assertEquals(r.sink.linked, 2, "two cameras at once, each its own session");

  let closed = false;
  r.last("10.0.0.2")!.closed.then(() => closed = true);
  r.sink.gone("10.0.0.2", "byebye");
  await until(() => closed && r.sink.linked === 1, "the byebye closed its session");
  assertEquals(r.named("sink-ended")[0], {
    event: "sink-ended",
    ip: "10.0.0.2",
    reason: "it left (ssdp:byebye)",
  });

  // Expired: the session is proof of presence, so it goes on and still imports.
  const other = r.last("10.0.0.3")!;
  r.sink.gone("10.0.0.3", "expired");
  other.add(8);
  await until(() => r.named("photo-imported").length === 3, "still imports");
  const opens = r.opens.length;
  other.drop();
  await until(() => r.sink.linked === 0, "given up");
  assertEquals(r.opens.length, opens, "no reconnect for a camera no longer present");
  assertEquals((r.named("sink-ended")[1] as { reason: string }).reason.startsWith("it left"), true);
  assertEquals(r.clock.pending, 0);

  // It comes back: a new link, a new session, what is new imported.
  r.cards.set("10.0.0.3", [7, 8, 9]);
  r.sink.ready({ ip: "10.0.0.3" });
  await until(() => r.named("photo-imported").length === 6, "the card listed again");
  assertEquals(r.sink.linked, 1);
  await r.sink.stop();
});

Deno.test("at most maxLinks cameras are linked at once; the next waits its turn, then is linked", async () => {
  const r = rig({ maxLinks: 2 });
  for (const ip of ["10.0.0.2", "10.0.0.3", "10.0.0.4"]) {
    r.cards.set(ip, [1]);
    r.sink.ready({ ip });
  }
  await until(() => r.named("photo-imported").length === 2, "two imported");
  assertEquals(r.sink.linked, 2);
  assertEquals(r.opens.map((o) => o.ip), ["10.0.0.2", "10.0.0.3"]);
  assertEquals(r.sink.entries.map((e) => e.activity.kind), ["waiting", "waiting", "queued"]);
  r.sink.gone("10.0.0.2", "byebye");
  await until(() => r.named("photo-imported").length === 3, "the third linked");
  assertEquals(r.opens.map((o) => o.ip), ["10.0.0.2", "10.0.0.3", "10.0.0.4"]);
  // A waiting camera that leaves is simply forgotten.
  r.sink.ready({ ip: "10.0.0.5" });
  r.sink.gone("10.0.0.5", "byebye");
  assertEquals(r.sink.entries.map((e) => e.ip), ["10.0.0.3", "10.0.0.4"]);
  await r.sink.stop();
  assert(r.named("sink-ended").length === 3);
});
