/**
 * Micro benchmarks of the helper's hot path, one step at a time: what each received datagram and
 * each description request costs in pure computation, with no socket in the way.
 *
 *     deno task bench:micro
 *
 * @module
 */

import { renderDescription } from "../lib/description/document.ts";
import { deviceTargets, identityFor, isIgnored, judgeSearch } from "../lib/ssdp/search.ts";
import { isRejection, parseSsdpMessage } from "../lib/ssdp/message.ts";
import { encodeSearchResponses, formatSearchResponse } from "../lib/ssdp/response.ts";
import { DEVICE_TYPE } from "../lib/ssdp/wire.ts";

const encoder = new TextEncoder();
const UUID = "2f402f80-da50-11e1-9b23-001788102201";
const TARGETS = deviceTargets(identityFor(UUID));
const AD = { location: "http://192.168.1.20:8043/ptpip-canon-desc-helper.xml", maxAge: 900 };

/** What a Canon camera sends. */
const CAMERA_SEARCH = encoder.encode(
  'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\n' +
    "ST: upnp:rootdevice\r\n\r\n",
);
/** A media player looking for something else: parsed, then ignored. */
const OTHER_SEARCH = encoder.encode(
  'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 3\r\n' +
    "ST: urn:schemas-upnp-org:device:MediaRenderer:1\r\n\r\n",
);
/** Another device's announcement: the commonest chatter on a LAN. */
const NOTIFY = encoder.encode(
  "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n" +
    "LOCATION: http://192.168.1.30:49152/description.xml\r\nNT: upnp:rootdevice\r\n" +
    "NTS: ssdp:alive\r\nSERVER: Linux/6.1 UPnP/1.0 BenchTV/1.0\r\n" +
    "USN: uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice\r\n\r\n",
);

/** Parses and judges; throws if the verdict is not the expected one, so a bench never measures a bug. */
function judge(datagram: Uint8Array, answered: boolean): void {
  const message = parseSsdpMessage(datagram);
  if (isRejection(message)) throw new Error(message.rejected);
  const verdict = judgeSearch(message, TARGETS);
  if (isIgnored(verdict) === answered) throw new Error("unexpected verdict");
}

Deno.bench("parse + qualify the camera's M-SEARCH", { group: "datagram", baseline: true }, () => {
  judge(CAMERA_SEARCH, true);
});

Deno.bench("parse + reject an M-SEARCH for another ST", { group: "datagram" }, () => {
  judge(OTHER_SEARCH, false);
});

Deno.bench("parse + reject a NOTIFY ssdp:alive", { group: "datagram" }, () => {
  judge(NOTIFY, false);
});

Deno.bench("format the 200 OK answer (string)", { group: "answer" }, () => {
  formatSearchResponse(TARGETS[0], AD);
});

Deno.bench("format + encode all answers (once per address)", { group: "answer" }, () => {
  encodeSearchResponses(TARGETS, AD);
});

Deno.bench("render the description", { group: "description" }, () => {
  renderDescription({ uuid: UUID, name: "studio-pc", deviceType: DEVICE_TYPE, version: "0.1.0" });
});
