// The M-SEARCH bytes we send: the header order of common UPnP stacks, the camera's own search (for
// probe) and the unicast presence search, each of which our own parser reads back.

import { assertEquals } from "../support/assert.ts";
import {
  CAMERA_SEARCH,
  formatSearchRequest,
  unicastPresenceSearch,
} from "../../lib/ssdp/search_request.ts";
import { isRejection, parseSsdpMessage } from "../../lib/ssdp/message.ts";

const encoder = new TextEncoder();

Deno.test("formatSearchRequest writes the headers in order, CRLF, ending in an empty line", () => {
  assertEquals(
    formatSearchRequest({ host: "10.0.0.2:1900", st: "ssdp:all", mx: 2 }),
    'M-SEARCH * HTTP/1.1\r\nHOST: 10.0.0.2:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n',
  );
});

Deno.test("CAMERA_SEARCH is a camera's search: the group, the root device, MX 3", () => {
  assertEquals(
    CAMERA_SEARCH,
    'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 3\r\nST: upnp:rootdevice\r\n\r\n',
  );
});

Deno.test("the unicast presence search names the camera and asks for ssdp:all with MX 1", () => {
  const parsed = parseSsdpMessage(encoder.encode(unicastPresenceSearch("192.168.1.23", 1900)));
  if (isRejection(parsed)) throw new Error(parsed.rejected);
  assertEquals(parsed.method, "M-SEARCH");
  assertEquals(Object.fromEntries(parsed.headers), {
    host: "192.168.1.23:1900",
    man: '"ssdp:discover"',
    mx: "1",
    st: "ssdp:all",
  });
  assertEquals(
    unicastPresenceSearch("10.0.0.9", 50000).split("\r\n")[1],
    "HOST: 10.0.0.9:50000",
  );
});
