/**
 * The EOS flow's service type and the byte scan that spots it: the only part of the EOS flow the
 * helper needs before a camera shows up, so it loads with the responder and the rest of the camera
 * side loads once needed.
 *
 * @module
 */

/** The service type an EOS body in "EOS Utility" mode announces. */
export const EOS_SERVICE_TYPE = "urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1";

const EOS_TYPE_BYTES = new TextEncoder().encode(EOS_SERVICE_TYPE.toLowerCase());

/**
 * Whether a datagram names the EOS service type anywhere (ASCII, any case), read straight from the
 * bytes: the cheap test that lets an EOS body's NOTIFY through to the parser while the rest of a
 * chattering LAN's NOTIFYs stay undecoded. Pure.
 */
export function mentionsEosType(datagram: Uint8Array): boolean {
  const needle = EOS_TYPE_BYTES;
  // "urn:" starts the type; testing its first byte before the rest keeps the scan to one compare
  // per byte for everything else.
  const first = needle[0];
  outer: for (let i = 0; i + needle.length <= datagram.length; i++) {
    if ((datagram[i] | 0x20) !== first) continue;
    for (let j = 1; j < needle.length; j++) {
      const byte = datagram[i + j];
      // Only letters are folded: "-", ":" and digits must match exactly.
      const folded = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
      if (folded !== needle[j]) continue outer;
    }
    return true;
  }
  return false;
}
