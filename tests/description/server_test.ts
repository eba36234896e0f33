// The description server's bounds, on 127.0.0.1 with a free port: the deadline for a request head, the
// cap on open connections, bodies never read.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { DescriptionServer } from "../../lib/description/server.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function server(options: { headerTimeoutMs?: number; maxConnections?: number } = {}) {
  const requests: string[] = [];
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const s = new DescriptionServer({
    port,
    path: "d.xml",
    body: encoder.encode("<root/>"),
    headerTimeoutMs: options.headerTimeoutMs ?? 5000,
    maxConnections: options.maxConnections ?? 64,
    onRequest: (r) => requests.push(`${r.method} ${r.path} ${r.status}`),
  });
  s.listen("127.0.0.1");
  return { s, port, requests };
}

async function readToEnd(conn: Deno.Conn): Promise<string> {
  let text = "";
  const buffer = new Uint8Array(4096);
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) return text;
    text += decoder.decode(buffer.subarray(0, n));
  }
}

Deno.test("DescriptionServer bounds", async (t) => {
  await t.step(
    "a client that never finishes its request head is cut off at the deadline",
    async () => {
      const { s, port, requests } = server({ headerTimeoutMs: 150 });
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(encoder.encode("GET /d.xml HTTP/1.1\r\nHost: x\r\n"));
        const started = performance.now();
        assertEquals(await readToEnd(conn), "", "closed without an answer");
        assert(performance.now() - started >= 100, "not before the deadline");
        conn.close();
        assertEquals(requests, []);
      } finally {
        s.close();
      }
    },
  );

  await t.step("above the connection cap, clients wait until a slot frees", async () => {
    const { s, port, requests } = server({ maxConnections: 2 });
    try {
      const idle = [
        await Deno.connect({ hostname: "127.0.0.1", port }),
        await Deno.connect({ hostname: "127.0.0.1", port }),
      ];
      const third = await Deno.connect({ hostname: "127.0.0.1", port });
      await third.write(encoder.encode("GET /d.xml HTTP/1.1\r\n\r\n"));
      const answer = readToEnd(third);
      // Prove the two idle connections were accepted (so the third is the one waiting): one gets
      // answered as soon as it asks.
      await idle[0].write(encoder.encode("HEAD /d.xml HTTP/1.1\r\n\r\n"));
      assertMatch(await readToEnd(idle[0]), /^HTTP\/1\.1 200 OK\r\n/);
      idle[0].close();
      // Its slot went to the third client, which is now answered.
      assertMatch(await answer, /^HTTP\/1\.1 200 OK\r\n[\s\S]*<root\/>$/);
      assertEquals(requests, ["HEAD /d.xml 200", "GET /d.xml 200"]);
      idle[1].close();
      third.close();
    } finally {
      s.close();
    }
  });

  await t.step(
    "a request body is not used, and the answer still arrives whole",
    async () => {
      const { s, port } = server();
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        // A body far larger than the server reads: it answers from the head alone.
        const body = "x".repeat(40_000);
        await conn.write(
          encoder.encode(`POST /d.xml HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
        );
        const text = await readToEnd(conn);
        assertMatch(text, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
        conn.close();
      } finally {
        s.close();
      }
    },
  );
});
