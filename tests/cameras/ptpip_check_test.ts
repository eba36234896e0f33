// `--probe-ptpip`'s one connect, on 127.0.0.1 at the PTP/IP port (15740, fixed in the module): a
// listener there is "open" and gets no byte, nothing there is "refused". The port cannot be given, so
// where 15740 is taken on this machine the test says so and is skipped; the timeout needs an address
// that drops packets, which 127.0.0.1 never does, and is left to the lab.

import { assertEquals } from "../support/assert.ts";
import { checkPtpipPort } from "../../lib/cameras/ptpip_check.ts";
import { PTPIP_PORT } from "../../lib/ptpip/port.ts";
import { err, ok } from "../../lib/util/result.ts";

function listenOnPtpipPort(): Deno.TcpListener | undefined {
  try {
    return Deno.listen({ hostname: "127.0.0.1", port: PTPIP_PORT });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return undefined;
    throw error;
  }
}

const free = listenOnPtpipPort();
free?.close();
const name = "the PTP/IP check: a listening port is open and sent nothing; a closed one is refused";
if (free === undefined) {
  console.warn(`SKIPPED "${name}": 127.0.0.1:${PTPIP_PORT} is taken on this machine`);
}

Deno.test({ name, ignore: free === undefined }, async () => {
  const listener = listenOnPtpipPort()!;
  try {
    const accepted = listener.accept();
    assertEquals(await checkPtpipPort("127.0.0.1", 2000), ok(undefined));
    const conn = await accepted;
    const read = await conn.read(new Uint8Array(16));
    assertEquals(read, null, "closed at once, without a byte");
    conn.close();
  } finally {
    listener.close();
  }
  assertEquals(await checkPtpipPort("127.0.0.1", 2000), err({ kind: "refused" }));
});
