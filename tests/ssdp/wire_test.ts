// The constants cameras check on the wire, pinned: a camera refuses an answer whose Server header
// does not claim Windows, or a description whose content type is written differently, so a change
// here must be a deliberate one that also changes this test.

import { assertEquals } from "../support/assert.ts";
import {
  ALL_TARGET,
  DESCRIPTION_CONTENT_TYPE,
  DEVICE_TYPE,
  HTTP_SERVER,
  MANUFACTURER,
  PROJECT_URL,
  ROOT_DEVICE_TARGET,
  SSDP_MULTICAST_ADDRESS,
  SSDP_PORT,
  SSDP_SERVER,
} from "../../lib/ssdp/wire.ts";

Deno.test("the wire constants are exactly what cameras accept", () => {
  const wire = {
    SSDP_SERVER,
    HTTP_SERVER,
    DESCRIPTION_CONTENT_TYPE,
    SSDP_MULTICAST_ADDRESS,
    SSDP_PORT,
    ROOT_DEVICE_TARGET,
    ALL_TARGET,
    DEVICE_TYPE,
    MANUFACTURER,
    PROJECT_URL,
  };
  assertEquals(wire, {
    SSDP_SERVER: "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0",
    HTTP_SERVER: "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0 Microsoft-HTTPAPI/2.0",
    DESCRIPTION_CONTENT_TYPE: 'text/xml; charset="utf-8"',
    SSDP_MULTICAST_ADDRESS: "239.255.255.250",
    SSDP_PORT: 1900,
    ROOT_DEVICE_TARGET: "upnp:rootdevice",
    ALL_TARGET: "ssdp:all",
    DEVICE_TYPE: "urn:ptpip-canon-helper:device:PTPIPPairingHelper:1",
    MANUFACTURER: "ptpip-canon-helper project",
    PROJECT_URL: "https://github.com/ptpip-canon-helper/ptpip-canon-helper",
  });
});
