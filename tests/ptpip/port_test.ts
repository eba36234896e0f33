// The PTP/IP port is the one number every client and camera agree on without being told: gphoto2's
// `ptpip:IP` and chdkptp's `-h=IP` connect there, and the ready line's commands name no port.

import { assertEquals } from "../support/assert.ts";
import { PTPIP_PORT } from "../../lib/ptpip/port.ts";

Deno.test("PTP/IP is TCP 15740, the port the camera listens on and the ready line's commands use", () => {
  assertEquals(PTPIP_PORT, 15740);
});
