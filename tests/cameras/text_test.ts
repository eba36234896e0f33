// What the user reads about cameras: the client commands and the status line's text.

import {
  clientCommands,
  ptpipRefusalText,
  statusText,
  WAITING_STATUS,
} from "../../lib/cameras/text.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("clientCommands name the camera for chdkptp and gphoto2", () => {
  assertEquals(clientCommands("192.168.1.23"), {
    chdkptp: 'chdkptp -e"connect -h=192.168.1.23"',
    gphoto2: "gphoto2 --port ptpip:192.168.1.23 --summary",
  });
});

Deno.test("statusText follows the active cameras", () => {
  assertEquals(statusText([]), WAITING_STATUS);
  assertEquals(
    statusText([{ ip: "192.168.1.23", state: "pairing" }]),
    "camera 192.168.1.23 pairing…",
  );
  assertEquals(statusText([{ ip: "192.168.1.23", state: "ready" }]), "camera 192.168.1.23 ready");
  const many = ["1", "2", "3", "4", "5"].map((n) => ({
    ip: `10.0.0.${n}`,
    state: "ready" as const,
  }));
  assertEquals(
    statusText(many),
    "camera 10.0.0.3 ready, camera 10.0.0.4 ready, camera 10.0.0.5 ready (+2 more)",
  );
});

Deno.test("ptpipRefusalText words why the PTP/IP port was closed", () => {
  assertEquals(
    ptpipRefusalText({ kind: "refused" }),
    "refused the connection (the camera is not waiting for one)",
  );
  assertEquals(ptpipRefusalText({ kind: "silent", ms: 3000 }), "did not answer within 3000 ms");
  assertEquals(
    ptpipRefusalText({ kind: "failed", cause: "No route to host (os error 113)" }),
    "No route to host (os error 113)",
  );
});
