/**
 * The `--help` text: what the helper does, how to pair, and every option with its default.
 *
 * @module
 */

import { OPTION_NAMES, OPTION_TABLE, type OptionSpec } from "./options.ts";

/** Every line of the help fits a classic terminal. */
export const HELP_COLUMNS = 80;
/** Where an option's text starts. */
const TEXT_COLUMN = 26;

/** The help text for this version. */
export function helpText(version: string): string {
  return `ptpip-canon-helper ${version}
Lets a Canon Wi-Fi camera pair with this computer ("connect to computer"), as
Windows does natively: answers the camera's SSDP search and serves the UPnP
description it reads. Afterwards talk to the camera with chdkptp
(connect -h=<camera ip>) or gphoto2 (--port ptpip:<camera ip>).

Usage:
  ptpip-canon-helper [options] [LAN_IP]
      serve (the default command)
  ptpip-canon-helper interfaces
      list interfaces: which are served and why (also: --list-interfaces)
  ptpip-canon-helper uuid [--reset --force]
      show the device UUID and its file; --reset makes a new one (every paired
      camera must pair again)
  ptpip-canon-helper doctor [LAN_IP]
      check this computer: interfaces, ports, UUID, firewall; prints each fix.
      Changes nothing; exit code 1 if a check fails
  ptpip-canon-helper probe [HOST[:PORT]]
      act as a camera: search (the SSDP group, or HOST), fetch each answer's
      description and grade it as a Canon camera would; exit code 0 if at
      least one responder passes. Tests this helper, a Windows PC, or anything
  ptpip-canon-helper gphoto2-guid [--write]
      print the ptp2_ip=guid= line that gives gphoto2 a PTP/IP GUID derived
      from the device UUID, so an EOS body paired once reconnects; --write
      puts it into ~/.gphoto/settings
  ptpip-canon-helper import [CAMERA_IP] [--to DIR]
      copy the photos off a paired camera over PTP/IP, nothing else needed:
      only new ones (a second run copies nothing), resuming a cut-short file.
      Without CAMERA_IP the camera is looked for on the network. Default DIR:
      Pictures/Canon in your home folder

LAN_IP   this computer's IPv4 address on the camera's network. Leave it out to
         serve every LAN interface (Wi-Fi, Ethernet; not loopback, Docker, VPN
         bridges).

Pairing: start the helper, then on the camera choose Wi-Fi > computer, "add a
device", and pick this computer's name in the list. The camera remembers the
pairing by the device UUID, which the helper keeps in a file so it never
changes.

When the camera is ready: after fetching the description, the camera announces
itself over SSDP. The helper listens for that (and asks the camera once), then
logs "camera <ip> is ready" with the chdkptp and gphoto2 commands to use it. On
a terminal a status line shows "waiting for a camera…", "camera <ip>
pairing…", "camera <ip> ready". The helper never connects to the camera's
PTP/IP port on its own.

Older EOS bodies (6D, 70D, M50 in EOS Utility mode) pair the other way round:
they announce themselves and wait to be fetched. Run with --eos; the log then
says "EOS camera <ip> (<model>) is ready" with the gphoto2 command. Run
"gphoto2-guid --write" once first, so gphoto2 shows the camera the same GUID
every time and a paired camera reconnects.

Options:
${optionLines(undefined)}

Abuse limits (answers go only to the served subnets; flooders are throttled):
${optionLines("limits")}

Exit codes: 0 after Ctrl+C, SIGTERM or SIGHUP; 1 when the helper cannot run (a
port in use, a broken UUID file), doctor/probe found a problem or an import
failed; 2 for a bad command line, or several cameras found by import.
NO_COLOR is respected: the helper writes no colour anywhere.
`;
}

/** The option rows of one section, each wrapped to {@linkcode HELP_COLUMNS}. Pure. */
function optionLines(section: OptionSpec["section"]): string {
  const lines: string[] = [];
  for (const name of OPTION_NAMES) {
    const spec: OptionSpec = OPTION_TABLE[name];
    if (spec.section !== section) continue;
    const label = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${
      spec.value ? ` ${spec.value}` : ""
    }`;
    const text = wrap(spec.help, HELP_COLUMNS - TEXT_COLUMN);
    const first = `  ${label}`;
    if (first.length < TEXT_COLUMN) lines.push(first.padEnd(TEXT_COLUMN) + text.shift());
    else lines.push(first);
    for (const line of text) lines.push(" ".repeat(TEXT_COLUMN) + line);
  }
  return lines.join("\n");
}

/** Words into lines of at most `width` characters; `\n` in `text` forces a break. Pure. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    const indent = /^ */.exec(paragraph)![0];
    let line = "";
    for (const word of paragraph.trim().split(/ +/)) {
      if (line !== "" && line.length + 1 + word.length > width) {
        lines.push(line);
        line = indent + word;
      } else line = line === "" ? indent + word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}
