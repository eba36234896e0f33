// `--probe-ptpip`'s one connect, on 127.0.0.1 at a free port (the camera's is fixed at 15740, which
// may be taken on the machine): a listener there is "open" and gets no byte. "Refused" is checked on
// REFUSING_PORT. The timeout needs an address that drops packets, which 127.0.0.1 never does, and is
// left to the lab.

import { assertEquals } from "../support/assert.ts";
import { checkPtpipPort } from "../../lib/cameras/ptpip_check.ts";
import { err, ok } from "../../lib/util/result.ts";
import { REFUSING_PORT } from "../support/ptpip.ts";

Deno.test("the PTP/IP check: a listening port is open and sent nothing; a closed one is refused", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  try {
    const accepted = listener.accept();
    assertEquals(await checkPtpipPort("127.0.0.1", 2000, port), ok(undefined));
    const conn = await accepted;
    const read = await conn.read(new Uint8Array(16));
    assertEquals(read, null, "closed at once, without a byte");
    conn.close();
  } finally {
    listener.close();
  }
  assertEquals(
    await checkPtpipPort("127.0.0.1", 2000, REFUSING_PORT),
    err({ kind: "refused" }),
    `nothing is expected to listen on 127.0.0.1:${REFUSING_PORT}`,
  );
});
