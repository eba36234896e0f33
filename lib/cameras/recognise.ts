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
