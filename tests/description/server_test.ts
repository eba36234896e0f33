// The description server's bounds, on 127.0.0.1 with a free port: the deadline for a request head, the
// cap on open connections, bodies never read.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { DescriptionServer, evictionFor, MAX_LOGGED_PATH } from "../../lib/description/server.ts";
import { withTimeout } from "../../lib/util/timeout.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function server(options: { headerTimeoutMs?: number; maxConnections?: number } = {}) {
  const requests: string[] = [];
  const s = new DescriptionServer({
    port: 0,
    path: "d.xml",
    body: encoder.encode("<root/>"),
    headerTimeoutMs: options.headerTimeoutMs ?? 5000,
    maxConnections: options.maxConnections ?? 64,
    onRequest: (r) => requests.push(`${r.method} ${r.path} ${r.status}`),
  });
  const port = s.listen("127.0.0.1");
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

  await t.step("at the cap, the oldest connection makes way for a new one", async () => {
    const { s, port, requests } = server({ maxConnections: 2 });
    try {
      const idle = [
        await Deno.connect({ hostname: "127.0.0.1", port }),
        await Deno.connect({ hostname: "127.0.0.1", port }),
      ];
      const third = await Deno.connect({ hostname: "127.0.0.1", port });
      await third.write(encoder.encode("GET /d.xml HTTP/1.1\r\n\r\n"));
      assertMatch(await readToEnd(third), /^HTTP\/1\.1 200 OK\r\n[\s\S]*<root\/>$/);
      // The oldest idle one was closed without an answer; the other is still served.
      assertEquals(await readToEnd(idle[0]), "");
      await idle[1].write(encoder.encode("HEAD /d.xml HTTP/1.1\r\n\r\n"));
      assertMatch(await readToEnd(idle[1]), /^HTTP\/1\.1 200 OK\r\n/);
      assertEquals(requests, ["GET /d.xml 200", "HEAD /d.xml 200"]);
      for (const c of [...idle, third]) c.close();
    } finally {
      s.close();
    }
  });

  await t.step(
    "a camera's GET is answered at once behind a flood of idle connections",
    async () => {
      const { s, port } = server();
      const idle: Deno.TcpConn[] = [];
      try {
        // Bounded: 100 connections, beyond the cap of 64 (kept small for macOS's descriptor limit).
        for (let i = 0; i < 100; i++) {
          idle.push(
            await Deno.connect({ hostname: "127.0.0.1", port }),
          );
        }
        const started = performance.now();
        const camera = await Deno.connect({ hostname: "127.0.0.1", port });
        await camera.write(encoder.encode("GET /d.xml HTTP/1.1\r\n\r\n"));
        const answer = await withTimeout(readToEnd(camera), 1000, "answer within 1 s");
        assertMatch(answer, /^HTTP\/1\.1 200 OK\r\n/);
        assert(performance.now() - started < 1000);
        camera.close();
      } finally {
        for (const c of idle) c.close();
        s.close();
      }
    },
  );

  await t.step("a long path is logged cut to its bound", async () => {
    const { s, port, requests } = server();
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(encoder.encode(`GET /${"a".repeat(4000)} HTTP/1.1\r\n\r\n`));
      assertMatch(await readToEnd(conn), /^HTTP\/1\.1 404 /);
      conn.close();
      assertEquals(requests[0].length <= MAX_LOGGED_PATH + 10, true, requests[0].slice(0, 40));
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

Deno.test("evictionFor: which connection makes way", () => {
  const open = new Map([["a1", "10.0.0.9"], ["a2", "10.0.0.9"], ["c1", "10.0.0.23"], [
    "a3",
    "10.0.0.9",
  ]]);
  // Under both caps nobody is closed.
  assertEquals(evictionFor(open, "10.0.0.23", 64, 8), undefined);
  // A client at its own cap loses its own oldest, never another client's.
  assertEquals(evictionFor(open, "10.0.0.9", 64, 3), "a1");
  assertEquals(evictionFor(open, "10.0.0.23", 64, 1), "c1");
  // At the overall cap the client holding the most loses its oldest: the camera keeps its one.
  assertEquals(evictionFor(open, "10.0.0.23", 4, 8), "a1");
  assertEquals(evictionFor(open, "10.0.0.77", 4, 8), "a1");
});
