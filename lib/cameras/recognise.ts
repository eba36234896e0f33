/**
 * Whether an SSDP sender is a Canon camera, from what Canon cameras are known to send (see the
 * README's "Cameras as they are"): their own `Server` header names "Canon Device Discovery", their
 * service types live under `urn:schemas-canon-com:`, and their USN is
 * `uuid:00000000-0000-0000-0001-<MAC>::<type>`. A PC running `probe`, a browser or a generic UPnP
 * device that fetched the description sends none of these, and must not be called a camera: the
 * ready line and `--on-camera` are for cameras only.
 *
 * @module
 */

/** What a sender said about itself, as far as recognition needs it. */
export interface SelfDescription {
  /** Its SSDP `Server` header. */
  server?: string;
  /** Its `USN`. */
  usn?: string;
  /** `NT` of a NOTIFY or `ST` of an answer. */
  type?: string;
}

/** The `Server` header Canon cameras send, with no model in it. */
export const CANON_SERVER = "Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0";

const CANON_TYPE = /^urn:schemas-canon-com:/i;
const CANON_USN = /^uuid:00000000-0000-0000-0001-[0-9a-f]{12}(::|$)/i;

/** Which trait made the sender a Canon camera, or `undefined` when none did. Pure; never throws. */
export function canonTrait(sender: SelfDescription): string | undefined {
  if (sender.server !== undefined && /Canon Device Discovery/i.test(sender.server)) return "server";
  if (sender.type !== undefined && CANON_TYPE.test(sender.type)) return "type";
  if (sender.usn !== undefined) {
    if (CANON_USN.test(sender.usn)) return "usn";
    if (CANON_TYPE.test(sender.usn.split("::")[1] ?? "")) return "type";
  }
  return undefined;
}

/** What a UPnP description says of its device, as far as recognition needs it. */
export interface DescribedDevice {
  /** `root/device/manufacturer`. */
  manufacturer?: string;
  /** `root/device/modelName`, e.g. "Canon EOS 6D". */
  modelName?: string;
  /** `root/device/deviceType`. */
  deviceType?: string;
}

const CANON_MAKER = /^canon\b/i;
// Canon makes printers and scanners too, and their descriptions name Canon as the maker; these
// standard types (and a LAN's routers and media boxes) are never a camera's.
const NOT_A_CAMERA =
  /^urn:schemas-upnp-org:device:(Printer|Scanner|MediaServer|MediaRenderer|InternetGatewayDevice|WANDevice|WANConnectionDevice|WLANAccessPointDevice|LANDevice)(:|$)/i;

/**
 * Why a fetched description is not a Canon camera's, or `undefined` when it is: Canon as the
 * manufacturer (or, when it names none, a modelName starting with "Canon", as "Canon EOS 6D"), and
 * no device type that only other devices have. A LAN host that answers a forged announcement's
 * LOCATION with some XML is not called a camera. Pure; never throws.
 */
export function notCanonCamera(device: DescribedDevice): string | undefined {
  const { manufacturer, modelName, deviceType } = device;
  if (manufacturer !== undefined && !CANON_MAKER.test(manufacturer)) {
    return `its manufacturer is ${manufacturer}, not Canon`;
  }
  if (manufacturer === undefined && (modelName === undefined || !CANON_MAKER.test(modelName))) {
    return "it names neither Canon as its manufacturer nor a Canon model";
  }
  if (deviceType !== undefined && NOT_A_CAMERA.test(deviceType)) {
    return `its device type is ${deviceType}`;
  }
  return undefined;
}
