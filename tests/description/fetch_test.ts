// The raw HTTP exchange against hostile servers on 127.0.0.1: one that trickles its answer a byte per
// segment must cost one bounded buffer, stopped at the size the caller needs, not an object per read.

import { assert, assertEquals } from "../support/assert.ts";
import { exchangeRaw, fetchRaw } from "../../lib/description/fetch.ts";

const encoder = new TextEncoder();

/** Reads the request's head: closing with it unread would reset the connection. */
async function readRequest(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(1024);
  let text = "";
  while (!text.includes("\r\n\r\n")) {
    const n = await conn.read(buffer);
    if (n === null) return;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
}

/** A server that sends `head` at once, then `bodyBytes` bytes one write (one segment) each. */
function trickleServer(head: string, bodyBytes: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    conn.setNoDelay(true);
    let sent = 0;
    try {
      await readRequest(conn);
      await conn.write(encoder.encode(head));
      const one = new Uint8Array([0x61]);
      for (; sent < bodyBytes; sent++) await conn.write(one);
    } catch {
      // the client stopped reading: what it took is the figure
    } finally {
      conn.close();
      listener.close();
    }
    return sent;
  })();
  return { port: (listener.addr as Deno.NetAddr).port, served };
}

/** `GET /` from the server at 127.0.0.1:`port`, with a 10 s deadline and at most `cap` bytes kept. */
const getRoot = (port: number, cap?: number) =>
  exchangeRaw("127.0.0.1", port, encoder.encode("GET / HTTP/1.1\r\n\r\n"), 10_000, cap);

Deno.test("exchangeRaw reads a response trickled a byte per segment whole, head and body", async () => {
  const server = trickleServer("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n", 3000);
  const response = await getRoot(server.port);
  assertEquals(await server.served, 3000);
  assertEquals(response.head, "HTTP/1.1 200 OK\r\nContent-Type: text/xml");
  assertEquals(response.body, new Uint8Array(3000).fill(0x61));
});

Deno.test("exchangeRaw stops reading at the size the caller asks for", async () => {
  const server = trickleServer("HTTP/1.1 200 OK\r\n\r\n", 20_000);
  const response = await getRoot(server.port, 5000);
  assertEquals(response.head.length + 4 + response.body.length, 5000, "exactly the cap is kept");
  assert((await server.served) < 20_000, "the connection was closed before the server was done");
});

Deno.test("fetchRaw keeps its 1 MiB bound for doctor and probe", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    try {
      await readRequest(conn);
      await conn.write(encoder.encode("HTTP/1.1 200 OK\r\n\r\n"));
      const block = new Uint8Array(64 * 1024).fill(0x62);
      for (let i = 0; i < 40; i++) await conn.write(block);
    } catch {
      // closed by the client at its bound
    } finally {
      conn.close();
      listener.close();
    }
  })();
  const { port } = listener.addr as Deno.NetAddr;
  const response = await fetchRaw(`http://127.0.0.1:${port}/x`, "GET", 10_000);
  await served;
  assertEquals(response.head.length + 4 + response.body.length, 1 << 20);
});

/**
 * Run in a child with `--expose-gc`, so retained memory is measured after a collection. The server
 * trickles 96 KiB of body a byte per segment, each byte sent once the client's read of the previous
 * one returned (the child wraps `Deno.connect` to know), as a slow or hostile camera would; it
 * samples the heap every 4 KiB while the client reads with the EOS watch's cap (a 64 KiB description
 * and 8 KiB of head).
 */
const MEASURE = `
import { exchangeRaw } from ${
  JSON.stringify(new URL("../../lib/description/fetch.ts", import.meta.url).href)
};
import { EOS_RESPONSE_MAX_BYTES as CAP } from ${
  JSON.stringify(new URL("../../lib/cameras/camera_side.ts", import.meta.url).href)
};
const BODY = 96 * 1024;
const usage = () => { globalThis.gc(); const m = Deno.memoryUsage(); return m.heapUsed + m.external; };
let clientRead = () => {};
let clientClosed = false;
let reads = 0;
const realConnect = Deno.connect;
Deno.connect = async (options) => {
  const conn = await realConnect(options);
  const read = conn.read.bind(conn);
  const close = conn.close.bind(conn);
  conn.read = async (p) => { const n = await read(p); reads++; clientRead(); return n; };
  conn.close = () => { clientClosed = true; clientRead(); close(); };
  return conn;
};
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
let peak = 0;
// The runtime loads its timer code on the first setTimeout: warmed here, it is not counted as the fetch's.
await new Promise((resolve) => setTimeout(resolve, 0));
const base = usage();
const served = (async () => {
  const conn = await listener.accept();
  conn.setNoDelay(true);
  let sent = 0;
  const send = async (bytes) => {
    const read = new Promise((resolve) => clientRead = resolve);
    await conn.write(bytes);
    await read;
  };
  try {
    await conn.read(new Uint8Array(1024));
    await send(new TextEncoder().encode("HTTP/1.1 200 OK\\r\\n\\r\\n"));
    const one = new Uint8Array([0x61]);
    for (; sent < BODY && !clientClosed; sent++) {
      await send(one);
      if (sent % 4096 === 0) peak = Math.max(peak, usage() - base);
    }
  } catch { /* the client closed */ }
  conn.close();
  listener.close();
  return sent;
})();
const request = new TextEncoder().encode("GET / HTTP/1.1\\r\\n\\r\\n");
const response = await exchangeRaw("127.0.0.1", listener.addr.port, request, 120000, CAP);
const sent = await served;
console.log(JSON.stringify({ peak, sent, reads, cap: CAP, kept: response.head.length + 4 + response.body.length }));
// A deadline armed for the connect outlives the exchange; the figures are out.
Deno.exit(0);
`;

Deno.test("a fetch trickled a byte per segment retains one buffer of at most the cap", async () => {
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", "--v8-flags=--expose-gc", MEASURE],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assertEquals(child.code, 0);
  const figures = JSON.parse(new TextDecoder().decode(child.stdout));
  console.log(
    `trickled fetch: peak retained ${(figures.peak / 1024).toFixed(0)} KiB, ` +
      `${figures.kept} bytes kept, ${figures.reads} reads, server sent ${figures.sent}`,
  );
  assertEquals(figures.cap, 64 * 1024 + 8 * 1024 + 1, "a 64 KiB description, its head, one more");
  assertEquals(figures.kept, figures.cap, "reading stopped at the cap");
  assert(figures.sent < 96 * 1024, "the rest was never read");
  assert(figures.peak < 512 * 1024, `peak retained ${figures.peak} bytes`);
});
