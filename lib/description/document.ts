/**
 * The UPnP device description a camera fetches from the `LOCATION` URL. The camera reads only
 * `friendlyName` (and shows the part before the first colon); the rest makes the document valid UDA 1.0
 * so that other UPnP tools show something sensible.
 *
 * @module
 */

import { MANUFACTURER, PROJECT_URL } from "../ssdp/wire.ts";

/** What the description says. */
export interface DescriptionFields {
  /** The device UUID, which the camera pairs with. */
  uuid: string;
  /** The computer name the camera shows. */
  name: string;
  /** The UPnP device type; cameras do not check it. */
  deviceType: string;
  /** This program's version, as `modelNumber`. */
  version: string;
}

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Escapes text for XML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** Renders the description document. Pure. */
export function renderDescription(fields: DescriptionFields): string {
  const e = escapeXml;
  // Windows' form is "Computer: User:"; the camera lists the computer part.
  const friendlyName = `${fields.name}: PTPIPResponder:`;
  return [
    '<?xml version="1.0"?>',
    '<root xmlns="urn:schemas-upnp-org:device-1-0">',
    "  <specVersion>",
    "    <major>1</major>",
    "    <minor>0</minor>",
    "  </specVersion>",
    "  <device>",
    `    <deviceType>${e(fields.deviceType)}</deviceType>`,
    `    <friendlyName>${e(friendlyName)}</friendlyName>`,
    `    <manufacturer>${e(MANUFACTURER)}</manufacturer>`,
    `    <manufacturerURL>${e(PROJECT_URL)}</manufacturerURL>`,
    "    <modelDescription>Pairs Canon Wi-Fi cameras with this computer over PTP/IP</modelDescription>",
    "    <modelName>ptpip-canon-helper</modelName>",
    `    <modelNumber>${e(fields.version)}</modelNumber>`,
    `    <modelURL>${e(PROJECT_URL)}</modelURL>`,
    `    <UDN>uuid:${e(fields.uuid)}</UDN>`,
    "  </device>",
    "</root>",
    "",
  ].join("\n");
}

/** The longest name accepted: longer ones do not fit the camera's screen and are likely mistakes. */
export const MAX_NAME_LENGTH = 64;

// C0 and C1 controls, DEL, the line and paragraph separators, and the noncharacters U+FFFE and U+FFFF:
// none can be shown by a camera, and several are not allowed in XML 1.0 at all.
// deno-lint-ignore no-control-regex
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/;

/** Checks a computer name; returns why it cannot be used, or `undefined` when it can. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === "") return "it is empty";
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) {
    return `it has ${length} characters, at most ${MAX_NAME_LENGTH} are allowed`;
  }
  if (UNSHOWABLE.test(name)) return "it contains control characters";
  if (name.includes(":")) {
    return "it contains a colon, and the camera shows only the part before the first colon";
  }
  return undefined;
}

/**
 * A usable default name from the host name: the part before the first dot (macOS adds `.local`, some
 * systems the domain), cut to the maximum length.
 */
export function nameFromHostname(hostname: string): string {
  const short = hostname.split(".")[0].trim();
  const cut = [...short].slice(0, MAX_NAME_LENGTH).join("");
  return nameProblem(cut) === undefined ? cut : "ptpip-canon-helper";
}
