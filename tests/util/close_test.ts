import { assertEquals } from "../support/assert.ts";
import { closeQuietly } from "../../lib/util/close.ts";

Deno.test("closeQuietly closes once, and a second close or nothing to close is no error", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const accepted = listener.accept();
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: (listener.addr as Deno.NetAddr).port,
    });
    const server = await accepted;
    closeQuietly(conn);
    closeQuietly(conn);
    closeQuietly(undefined);
    assertEquals(await server.read(new Uint8Array(1)), null, "the peer sees the close");
    server.close();
  } finally {
    listener.close();
  }
});
