/**
 * SSDP messages as the camera tests feed them: parsed from lines, and the names they share.
 *
 * @module
 */

import { EOS_SERVICE_TYPE } from "../../lib/cameras/eos_type.ts";
import { isRejection, parseSsdpMessage, type SsdpMessage } from "../../lib/ssdp/message.ts";
import { assert } from "./assert.ts";

// The helper's own device UUID, under the name tests/cameras/tracker_test.ts imports; the other tests
// import TEST_UUID from uuid.ts.
export { TEST_UUID as OWN_UUID } from "./uuid.ts";

/** A camera's root device USN, in the shape Canon cameras use (`...-0001-<MAC>::<type>`). */
export const CAMERA_USN = "uuid:00000000-0000-0000-0001-a0b1c2d3e4f5::upnp:rootdevice";

/** The message of `lines` (a start line and headers), which must parse. */
export function ssdpMessage(lines: string[]): SsdpMessage {
  const parsed = parseSsdpMessage(new TextEncoder().encode([...lines, "", ""].join("\r\n")));
  assert(!isRejection(parsed), JSON.stringify(parsed));
  return parsed;
}

/** Where an EOS body at `ip` serves its description. */
export const eosLocation = (ip: string): string => `http://${ip}:49152/upnp/CameraDevDesc.xml`;

/** An EOS body's `ssdp:alive` for its EOS service type, its description at `where`. */
export function eosAlive(ip: string, where = eosLocation(ip)): SsdpMessage {
  return ssdpMessage([
    "NOTIFY * HTTP/1.1",
    "HOST: 239.255.255.250:1900",
    "CACHE-CONTROL: max-age=1800",
    `LOCATION: ${where}`,
    `NT: ${EOS_SERVICE_TYPE}`,
    "NTS: ssdp:alive",
    `USN: uuid:00000000-0000-0000-0001-A0B1C2D3E4F6::${EOS_SERVICE_TYPE}`,
  ]);
}
