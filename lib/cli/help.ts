/**
 * The `--help` text: what the helper does, how to pair, and every option with its default.
 *
 * @module
 */

import { DEFAULT_PROBE_TIMEOUT_SECONDS } from "./parse.ts";
import { PTPIP_PORT } from "../cameras/text.ts";
import { DEFAULT_RATE_LIMITS } from "../ssdp/rate_limit.ts";
import { DEFAULTS } from "../ssdp/wire.ts";

/** The help text for this version. */
export function helpText(version: string): string {
  const r = DEFAULT_RATE_LIMITS;
  return `ptpip-canon-helper ${version}
Lets a Canon Wi-Fi camera pair with this computer ("connect to computer"), as Windows
does natively: answers the camera's SSDP search and serves the UPnP description it reads.
Afterwards talk to the camera with chdkptp (connect -h=<camera ip>) or gphoto2
(--port ptpip:<camera ip>).

Usage:
  ptpip-canon-helper [options] [LAN_IP]   serve (the default command)
  ptpip-canon-helper interfaces           list interfaces: which are served and why
                                          (also: --list-interfaces)
  ptpip-canon-helper uuid [--reset --force]
                                          show the device UUID and its file; --reset
                                          makes a new one (every paired camera must
                                          pair again)
  ptpip-canon-helper doctor [LAN_IP]      check this computer: interfaces, ports,
                                          UUID, firewall; prints each fix. Changes
                                          nothing; exit code 1 if a check fails
  ptpip-canon-helper probe [HOST[:PORT]]  act as a camera: search (the SSDP group, or
                                          HOST), fetch each answer's description and
                                          grade it as a Canon camera would; exit code
                                          0 if at least one responder passes. Tests
                                          this helper, a Windows PC, or anything else

LAN_IP   this computer's IPv4 address on the camera's network. Leave it out to serve
         every LAN interface (Wi-Fi, Ethernet; not loopback, Docker, VPN bridges).

Pairing: start the helper, then on the camera choose Wi-Fi > computer, "add a device",
and pick this computer's name in the list. The camera remembers the pairing by the
device UUID, which the helper keeps in a file so it never changes.

When the camera is ready: after fetching the description, the camera announces
itself over SSDP. The helper listens for that (and asks the camera once), then logs
"camera <ip> is ready" with the chdkptp and gphoto2 commands to use it. On a
terminal a status line shows "waiting for a camera…", "camera <ip> pairing…",
"camera <ip> ready". The helper never connects to the camera's PTP/IP port on its own.

Options:
  -n, --name NAME         name the camera shows (default: this computer's host name;
                          at most 64 characters, no colon or control characters)
  -i, --iface NAME        serve only this interface (repeatable); also selects Docker,
                          VPN or bridge interfaces that are skipped by default
  -a, --bind-all          serve the description on all addresses (default: only on
                          the served addresses)
  -p, --port PORT         SSDP port (default: ${DEFAULTS.ssdpPort}; other values are for tests)
  -P, --desc-port PORT    description HTTP port (default: ${DEFAULTS.descPort})
  -f, --file-path PATH    description URL path (default: ${DEFAULTS.descPath})
      --max-age SECONDS   Cache-Control max-age of answers (default: ${DEFAULTS.maxAge})
      --uuid UUID         use this UUID (e.g. the one Windows or another helper used)
      --uuid-file PATH    keep the UUID in this file (default: the per-user file, see
                          "ptpip-canon-helper uuid")
      --announce          also announce with NOTIFY alive/byebye (off: cameras search)
      --mx-delay          spread answers to multicast searches over their MX, as UPnP
                          suggests (off: cameras expect an answer at once)
      --rescan-interval S re-read interfaces every S seconds, 0 = never (default: 5)
      --on-camera -- PROGRAM [ARG…]
                          run PROGRAM each time a camera becomes ready; everything
                          after "--" is the program and its arguments (put LAN_IP
                          and options before "--"). No shell: the camera's address
                          and name are in CAMERA_IP and CAMERA_NAME, and {ip} and
                          {name} in an argument are replaced by them, e.g.
                            --on-camera -- gphoto2 --port ptpip:{ip} --summary
                          Its output is logged and its exit code too; one run at a
                          time per camera; a failure never stops the helper.
      --exec -- PROGRAM [ARG…]  the same as --on-camera
      --probe-ptpip       when a camera is ready, open one TCP connection to its
                          PTP/IP port ${PTPIP_PORT} and close it at once, to log whether it
                          accepts connections. Off by default: the camera allows a
                          single PTP/IP client and its stack is fragile
      --timeout SECONDS   probe: how long to collect answers (default: ${DEFAULT_PROBE_TIMEOUT_SECONDS})
  -v, --verbose           log every datagram and why it was or was not answered
  -q, --quiet             log warnings and errors only
      --log-format FORMAT text (default) or json: one JSON object per line on stderr
                          with "@timestamp", "level", "message" and "properties"
                          (whose "event" names the kind of line, e.g. camera-ready)
  -V, --version           print the version
  -h, --help              print this help

Abuse limits (answers go only to the served subnets; flooders are throttled):
      --any-source        answer searches from any address, not only from the
                          served subnets. WARNING: lets anyone who can reach this
                          port use the helper to reflect traffic at others.
      --source-rate N     answers per second per source after its burst; 0 = no
                          per-source limit (default: ${r.sourceRate})
      --source-burst N    answers a source may get at once (default: ${r.sourceBurst})
      --global-rate N     answers per second over all sources; 0 = no limit
                          (default: ${r.globalRate})
      --source-table N    sources remembered for the per-source limit (default: ${r.sourceTable})

Exit codes: 0 after Ctrl+C or SIGTERM, 1 when the helper cannot run (a port in use,
a broken UUID file) or doctor/probe found a problem, 2 for a bad command line.
NO_COLOR is respected: the helper writes no colour anywhere.
`;
}
