/**
 * The constants a Canon camera checks on the wire. They are facts about the camera, collected from the
 * reference helpers and users' reports; change one and cameras stop pairing.
 *
 * @module
 */

/** The SSDP `Server` header: the camera only accepts answers that claim to come from Windows. */
export const SSDP_SERVER = "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0";

/** The HTTP `Server` header of the description, as Windows' HTTP API sends it. */
export const HTTP_SERVER = `${SSDP_SERVER} Microsoft-HTTPAPI/2.0`;

/** The description's content type, exactly in this form (quoted charset) as the camera expects. */
export const DESCRIPTION_CONTENT_TYPE = 'text/xml; charset="utf-8"';

/** The SSDP multicast group and port cameras search on. */
export const SSDP_MULTICAST_ADDRESS = "239.255.255.250";

/** The standard SSDP port. */
export const SSDP_PORT = 1900;

/** The search target the camera asks for, and the one every answer names. */
export const ROOT_DEVICE_TARGET = "upnp:rootdevice";

/** The search target meaning "everything"; the camera may send it instead of the root device. */
export const ALL_TARGET = "ssdp:all";

/** Our own device type; cameras do not check it, other UPnP software shows it. */
export const DEVICE_TYPE = "urn:ptpip-canon-helper:device:PTPIPPairingHelper:1";

/** What the device description says made it. */
export const MANUFACTURER = "ptpip-canon-helper project";

/** The project's home, shown in UPnP tools' device details. */
export const PROJECT_URL = "https://github.com/ptpip-canon-helper/ptpip-canon-helper";
