/**
 * A responder that answers a camera's search the way the helper does but for two deliberate faults —
 * a Server header that does not claim Windows, and a Content-Type without the quoted charset — so that
 * `probe` can be shown to fail it on exactly those points. Built from the helper's own pieces, so
 * everything else is right.
 *
 *   deno run --unstable-net --allow-net lab/wrong_responder.ts --address IP
 *       [--port 1900] [--desc-port 8080]
 *
 * Prints `{"listening":true}` once both sockets are open; runs until killed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { renderDescription } from "../lib/description/document.ts";
import { encodeResponse, parseRequestLine, respond } from "../lib/description/http.ts";
import { deviceTargets, identityFor } from "../lib/ssdp/search.ts";
import { formatSearchResponse } from "../lib/ssdp/response.ts";
import { DEVICE_TYPE, SSDP_MULTICAST_ADDRESS, SSDP_SERVER } from "../lib/ssdp/wire.ts";

/** The Server header it sends instead of Windows'. */
export const WRONG_SERVER = "Linux/6.1 UPnP/1.0 MiniServer/1.0";
/** The Content-Type it sends instead of `text/xml; charset="utf-8"`. */
export const WRONG_CONTENT_TYPE = "text/xml";

const UUID = "11111111-2222-4333-8444-555555555555";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      address: { type: "string" },
      port: { type: "string", default: "1900" },
      "desc-port": { type: "string", default: "8080" },
    },
  });
  const address = values.address!;
  const descPort = Number(values["desc-port"]);
  const path = "wrong.xml";
  const location = `http://${address}:${descPort}/${path}`;
  const root = deviceTargets(identityFor(UUID))[0];
  const answer = encoder.encode(
    formatSearchResponse(root, { location, maxAge: 900 }).replace(SSDP_SERVER, WRONG_SERVER),
  );
  const body = encoder.encode(
    renderDescription({ uuid: UUID, name: "Wrong PC", deviceType: DEVICE_TYPE, version: "0" }),
  );

  const ssdp = Deno.listenDatagram({
    transport: "udp",
    hostname: "0.0.0.0",
    port: Number(values.port),
    reuseAddress: true,
  });
  await ssdp.joinMulticastV4(SSDP_MULTICAST_ADDRESS, address);
  const http = Deno.listen({ hostname: address, port: descPort });
  console.log(JSON.stringify({ listening: true }));

  (async () => {
    for await (const [data, from] of ssdp) {
      if (decoder.decode(data).startsWith("M-SEARCH")) await ssdp.send(answer, from);
    }
  })();
  for await (const conn of http) {
    const buffer = new Uint8Array(4096);
    const n = await conn.read(buffer);
    const request = parseRequestLine(decoder.decode(buffer.subarray(0, n ?? 0)));
    const response = respond(request, path, body);
    if (response.status === 200) response.contentType = WRONG_CONTENT_TYPE;
    await conn.write(encodeResponse(response));
    conn.close();
  }
}
