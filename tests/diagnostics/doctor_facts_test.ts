// What doctor asks of a program holding the description port, on 127.0.0.1: the helper's own server
// answers with its UDN; a server on another path, a program that is not HTTP and one that never
// answers are told apart, each within the deadline.

import { askDescription, importDestFacts } from "../../lib/diagnostics/doctor_facts.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { DescriptionServer } from "../../lib/description/server.ts";
import { renderDescription } from "../../lib/description/document.ts";
import { DEVICE_TYPE } from "../../lib/ssdp/wire.ts";
import { OPTION_TABLE } from "../../lib/cli/options.ts";
import { assertEquals, assertMatch } from "../support/assert.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";
import { ok } from "../../lib/util/result.ts";

/** The path a helper started without -f serves its description on. */
const DESC_PATH = OPTION_TABLE["file-path"].default;

function helperServer(path: string): { server: DescriptionServer; port: number } {
  const body = renderDescription({ uuid: UUID, name: "pc", deviceType: DEVICE_TYPE, version: "0" });
  const server = new DescriptionServer({
    port: 0,
    path,
    body: new TextEncoder().encode(body),
    headerTimeoutMs: 2000,
    maxConnections: 8,
    onRequest: () => {},
  });
  const port = server.listen("127.0.0.1");
  return { server, port };
}

Deno.test("askDescription reads the UDN of the helper's description", async () => {
  const { server, port } = helperServer(DESC_PATH);
  try {
    assertEquals(await askDescription("127.0.0.1", port, DESC_PATH), {
      udn: `uuid:${UUID}`,
    });
  } finally {
    server.close();
  }
});

Deno.test("askDescription on a helper serving another path: 404 with the helper's header", async () => {
  const { server, port } = helperServer("elsewhere.xml");
  try {
    assertEquals(await askDescription("127.0.0.1", port, DESC_PATH), {
      other: "HTTP status 404",
      elsewhere: true,
    });
  } finally {
    server.close();
  }
});

Deno.test("askDescription on programs that are not the helper", async (t) => {
  await t.step("an HTTP server with some other document", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const served = (async () => {
      const conn = await listener.accept();
      await conn.read(new Uint8Array(1024));
      await conn.write(
        new TextEncoder().encode("HTTP/1.1 200 OK\r\nServer: other\r\n\r\n<html><p>hi</p></html>"),
      );
      conn.close();
    })();
    try {
      assertEquals(await askDescription("127.0.0.1", port, DESC_PATH), {
        other: "a document without a UDN",
      });
    } finally {
      await served;
      listener.close();
    }
  });

  await t.step("a program that accepts and never answers: cut off at the deadline", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const accepted = listener.accept();
    try {
      const started = performance.now();
      const answer = await askDescription("127.0.0.1", port, DESC_PATH, 300);
      assertMatch("other" in answer ? answer.other : "", /^no HTTP answer: /);
      const took = performance.now() - started;
      assertEquals(took < 2000, true, `took ${took} ms`);
    } finally {
      (await accepted).close();
      listener.close();
    }
  });
});

Deno.test("importDestFacts: the --import-to folder as serve will use it", async (t) => {
  const root = await tempDir("pch-dest-");
  const asked: string[] = [];
  const env = {
    os: "linux" as const,
    cwd: () => root,
    freeSpace: (dir: string) => {
      asked.push(dir);
      return Promise.resolve(ok({ availableBytes: 5e9, totalBytes: 1e10, mountedOn: "/" }));
    },
  };

  await t.step("an existing folder, given relative and with a trailing slash", async () => {
    await Deno.mkdir(`${root}/photos`);
    asked.length = 0;
    const facts = await importDestFacts("photos/", env);
    assertEquals(facts.dir, `${root}/photos`);
    assertEquals(facts.access, { folder: `${root}/photos` });
    assertEquals(asked, [`${root}/photos`]);
    assertEquals([...Deno.readDirSync(`${root}/photos`)], [], "the probe leaves nothing behind");
  });

  await t.step("a missing folder: its nearest existing folder is tried and measured", async () => {
    asked.length = 0;
    const facts = await importDestFacts(`${root}/usb/photos`, env);
    assertEquals(facts.dir, `${root}/usb/photos`);
    assertEquals(facts.access, { folder: root });
    assertEquals(asked, [root]);
    const created = await Deno.stat(`${root}/usb`).then(() => true, () => false);
    assertEquals(created, false, "doctor creates nothing");
  });

  await t.step("a refused folder (injected: root writes anywhere)", async () => {
    const facts = await importDestFacts(`${root}/photos`, {
      ...env,
      folderAccess: (file) =>
        Promise.resolve({
          folder: file.replace(/\/photo$/, ""),
          problem: { kind: "not-writable", cause: "x" },
        }),
    });
    assertEquals(facts.access.problem, { kind: "not-writable", cause: "x" });
  });
});
