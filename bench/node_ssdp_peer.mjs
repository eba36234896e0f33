/**
 * The npm peer for the benchmark: `node-ssdp`'s server (v4), the usual way to answer SSDP searches
 * from Node, set up to answer `upnp:rootdevice` with the same LOCATION as the helper.
 *
 *     node bench/node_ssdp_peer.mjs PORT LOCATION PACKAGE_DIR
 *
 * PACKAGE_DIR is where bench/run.ts installed `node-ssdp@4` (it holds `node_modules/`); the package
 * is never vendored in the repository.
 *
 * @module
 */

import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";

const [portText, location, packageDir] = process.argv.slice(2);
const port = Number(portText);
if (!Number.isInteger(port) || port <= 0 || !location || !packageDir) {
  console.error("usage: node_ssdp_peer.mjs PORT LOCATION PACKAGE_DIR");
  process.exit(2);
}

const require = createRequire(join(packageDir, "package.json"));
const { Server } = require("node-ssdp");

const server = new Server({
  location,
  udn: "uuid:00000000-0000-4000-8000-000000000000",
  // Its socket binds this port; the warning it logs for a port other than 1900 does not apply here.
  sourcePort: port,
  ssdpSig: "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0",
  // Announcements would only add multicast noise to the measurement; once an hour is never here.
  adInterval: 3_600_000,
  customLogger: () => {},
});
server.addUSN("upnp:rootdevice");
await server.start();
