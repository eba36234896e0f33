// The gate in front of the EOS flow, with a loader the test settles by hand: one load, announcements
// held while it loads (in order, bounded) then let through or dropped, and the failure said once, in
// one line without colour.

import { assertEquals } from "../support/assert.ts";
import { ParserGate } from "../../lib/cameras/parser_gate.ts";
import type { PresenceHandler } from "../../lib/ssdp/responder.ts";
import { eosAlive } from "../support/ssdp.ts";

/** A load the test resolves or rejects, counting how often it was started. */
function manualLoad() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const loading = new Promise<void>((res, rej) => (resolve = res, reject = rej));
  const load = { starts: 0, resolve, reject, run: () => (load.starts++, loading) };
  return load;
}

/** A gate over `load`, with the failures it reports and a handler recording what it heard. */
function rig(load: () => Promise<unknown>) {
  const failures: string[] = [];
  const gate = new ParserGate(load, (message) => failures.push(message));
  const heard: string[] = [];
  const handler: PresenceHandler = {
    wants: (ip) => ip !== "10.0.0.99",
    heard: (_message, ip) => heard.push(ip),
  };
  return { gate, failures, heard, guarded: gate.guard(handler) };
}

Deno.test("the parser is loaded once however often it is asked for", async () => {
  const load = manualLoad();
  const { gate, failures } = rig(load.run);
  const first = gate.load();
  const second = gate.load();
  assertEquals(load.starts, 1);
  load.resolve();
  assertEquals(await Promise.all([first, second, gate.load()]), [true, true, true]);
  assertEquals(load.starts, 1);
  assertEquals(failures, []);
});

Deno.test("announcements heard while it loads wait, then reach the handler in order; later ones at once", async () => {
  const load = manualLoad();
  const { gate, heard, guarded } = rig(load.run);
  guarded.heard(eosAlive("10.0.0.1"), "10.0.0.1");
  guarded.heard(eosAlive("10.0.0.2"), "10.0.0.2");
  assertEquals(load.starts, 1, "hearing one starts the load");
  assertEquals(heard, []);
  load.resolve();
  await gate.load();
  assertEquals(heard, ["10.0.0.1", "10.0.0.2"]);
  guarded.heard(eosAlive("10.0.0.3"), "10.0.0.3");
  assertEquals(heard, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
  assertEquals([
    guarded.wants("10.0.0.1", new Uint8Array()),
    guarded.wants("10.0.0.99", new Uint8Array()),
  ], [
    true,
    false,
  ]);
});

Deno.test("at most 64 announcements wait for the load: more in that time are a flood", async () => {
  const load = manualLoad();
  const { gate, heard, guarded } = rig(load.run);
  for (let i = 0; i < 100; i++) guarded.heard(eosAlive(`10.0.1.${i}`), `10.0.1.${i}`);
  load.resolve();
  await gate.load();
  assertEquals(heard.length, 64);
  assertEquals(heard[63], "10.0.1.63");
});

Deno.test("a failed load is said once, in its first line without colour; nothing is heard after", async () => {
  const load = manualLoad();
  const { gate, failures, heard, guarded } = rig(load.run);
  guarded.heard(eosAlive("10.0.0.1"), "10.0.0.1");
  load.reject(
    new TypeError('\x1b[31mImport "saxes" not a dependency\x1b[0m\n    at file:///x.ts:1:1'),
  );
  assertEquals(await gate.load(), false);
  assertEquals(failures, ['Import "saxes" not a dependency']);
  guarded.heard(eosAlive("10.0.0.2"), "10.0.0.2");
  assertEquals({ heard, starts: load.starts, failures: failures.length }, {
    heard: [],
    starts: 1,
    failures: 1,
  });
});

Deno.test("a loader that throws instead of rejecting is a failed load too, its message cut to 300", async () => {
  const { gate, failures } = rig(() => {
    throw new Error("x".repeat(400));
  });
  assertEquals(await gate.load(), false);
  assertEquals(failures, ["x".repeat(300)]);
});
