// Which answers to an ssdp:all search are Canon cameras: one per address, others left out.

import { assertEquals } from "../support/assert.ts";
import { canonCameras } from "../../lib/cameras/find.ts";
import { parseSsdpMessage, type SsdpMessage } from "../../lib/ssdp/message.ts";
import { CANON_SERVER } from "../../lib/cameras/recognise.ts";
import { TEST_UUID } from "../support/uuid.ts";

function answer(headers: Record<string, string>): SsdpMessage {
  const text = ["HTTP/1.1 200 OK", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", ""]
    .join("\r\n");
  return parseSsdpMessage(new TextEncoder().encode(text)) as SsdpMessage;
}

Deno.test("canonCameras", async (t) => {
  const camera = answer({
    SERVER: CANON_SERVER,
    ST: "upnp:rootdevice",
    USN: "uuid:00000000-0000-0000-0001-60128b7c1234::upnp:rootdevice",
  });
  const byUsn = answer({ ST: "ssdp:all", USN: "uuid:00000000-0000-0000-0001-60128b7c9999" });
  const byType = answer({ ST: "urn:schemas-canon-com:service:MobileConnectedCameraService:1" });
  const helper = answer({
    SERVER: "Windows/10.0 UPnP/1.0 ptpip-canon-helper/0.1.0",
    ST: "upnp:rootdevice",
    USN: `uuid:${TEST_UUID}::upnp:rootdevice`,
  });
  const router = answer({ SERVER: "Linux UPnP/1.0 MiniUPnPd/2.2", ST: "upnp:rootdevice" });

  await t.step("keeps cameras recognised by Server, USN or type; drops PCs and routers", () => {
    assertEquals(
      canonCameras([
        { from: "10.0.0.1", message: router },
        { from: "10.0.0.2", message: camera },
        { from: "10.0.0.5", message: helper },
        { from: "10.0.0.3", message: byUsn },
        { from: "10.0.0.4", message: byType },
      ]),
      [
        { ip: "10.0.0.2", trait: "server" },
        { ip: "10.0.0.3", trait: "usn" },
        { ip: "10.0.0.4", trait: "type" },
      ],
    );
  });

  await t.step("a camera answering once per service type is one camera", () => {
    assertEquals(
      canonCameras([
        { from: "10.0.0.2", message: camera },
        { from: "10.0.0.2", message: byType },
        { from: "10.0.0.2", message: camera },
      ]),
      [{ ip: "10.0.0.2", trait: "server" }],
    );
  });

  await t.step("nothing answered, nothing found", () => {
    assertEquals(canonCameras([]), []);
  });
});
