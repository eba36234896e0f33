// The socket side of a session, with scripted dials and connections (and one real dial on
// 127.0.0.1): failures as values with their kind, a connection that comes after its deadline closed,
// short writes continued, and a stalled or broken write reported. The deadlines here are 0 ms: the
// outcome is decided by the scripted promises, not by waiting.

import { assert, assertEquals } from "../support/assert.ts";
import { dialWithin, tcpDial, writeAll } from "../../lib/ptpip/connection.ts";

/** A connection that only counts its closes. */
function closable() {
  const conn = { closes: 0, close: () => void conn.closes++ };
  return conn as typeof conn & Deno.Conn;
}

Deno.test("dialWithin: a connection in time is handed on", async () => {
  const conn = closable();
  const dials: string[] = [];
  const result = await dialWithin(
    (host, port) => {
      dials.push(`${host}:${port}`);
      return Promise.resolve(conn);
    },
    "10.0.0.2",
    15740,
    1000,
  );
  assertEquals(result, { ok: true, value: conn });
  assertEquals([dials, conn.closes], [["10.0.0.2:15740"], 0]);
});

Deno.test("dialWithin: refused and other errors are values; the detail is one clean line", async () => {
  const refused = await dialWithin(
    () => Promise.reject(new Deno.errors.ConnectionRefused("Connection refused (os error 111)")),
    "10.0.0.2",
    15740,
    1000,
  );
  assertEquals(refused, {
    ok: false,
    error: { kind: "refused", detail: "the connection was refused" },
  });
  const unreachable = await dialWithin(
    () => Promise.reject(new Deno.errors.NetworkUnreachable("no route\x1b[31m\nto host")),
    "10.0.0.2",
    15740,
    1000,
  );
  assert(!unreachable.ok);
  assertEquals(unreachable.error.kind, "unreachable");
  assert(unreachable.error.detail.startsWith("NetworkUnreachable: no route"));
  const detail = unreachable.error.detail;
  assert(![...detail].some((c) => c.charCodeAt(0) < 0x20), JSON.stringify(detail));
});

Deno.test("dialWithin: past the deadline it is unreachable, and the late connection is closed", async () => {
  const late = closable();
  let arrive!: (conn: Deno.Conn) => void;
  const result = await dialWithin(
    () => new Promise((resolve) => arrive = resolve),
    "10.0.0.2",
    1,
    0,
  );
  assertEquals(result, {
    ok: false,
    error: { kind: "unreachable", detail: "no connection within 0 ms" },
  });
  arrive(late);
  await Promise.resolve();
  await Promise.resolve();
  assertEquals(late.closes, 1, "a connection that came late is not leaked");
});

/** A connection whose writes take at most `max` bytes each, keeping what they took. */
function shortWrites(max: number) {
  const taken: number[] = [];
  const conn = {
    write: (bytes: Uint8Array) => {
      taken.push(...bytes.subarray(0, max));
      return Promise.resolve(Math.min(max, bytes.length));
    },
  };
  return { taken, conn: conn as unknown as Deno.Conn };
}

Deno.test("writeAll continues short writes until every byte is sent", async () => {
  const { taken, conn } = shortWrites(3);
  const bytes = new Uint8Array(10).map((_, i) => i);
  assertEquals(await writeAll(conn, bytes, 1000), { ok: true, value: undefined });
  assertEquals(taken, [...bytes]);
});

Deno.test("writeAll: a write that never completes is a timeout, one that fails a closed connection", async () => {
  const stalled = { write: () => new Promise<number>(() => {}) } as unknown as Deno.Conn;
  assertEquals(await writeAll(stalled, new Uint8Array(4), 0), {
    ok: false,
    error: { kind: "timeout", detail: "could not send within 0 ms" },
  });
  const broken = {
    write: () => Promise.reject(new Deno.errors.BrokenPipe("broken pipe")),
  } as unknown as Deno.Conn;
  assertEquals(await writeAll(broken, new Uint8Array(4), 1000), {
    ok: false,
    error: { kind: "closed", detail: "the connection failed while sending (BrokenPipe)" },
  });
});

Deno.test("tcpDial connects on 127.0.0.1", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const accepted = listener.accept();
    const conn = await tcpDial("127.0.0.1", (listener.addr as Deno.NetAddr).port);
    const server = await accepted;
    assertEquals((conn.remoteAddr as Deno.NetAddr).port, (listener.addr as Deno.NetAddr).port);
    conn.close();
    server.close();
  } finally {
    listener.close();
  }
});
