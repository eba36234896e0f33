import { assert } from "../support/assert.ts";
import { EOS_SERVICE_TYPE, mentionsEosType } from "../../lib/cameras/eos_type.ts";

const encoder = new TextEncoder();

Deno.test("mentionsEosType finds the EOS type in any case, and only it", () => {
  const notify = (nt: string) =>
    encoder.encode(`NOTIFY * HTTP/1.1\r\nNT: ${nt}\r\nNTS: ssdp:alive\r\n\r\n`);
  assert(mentionsEosType(notify(EOS_SERVICE_TYPE)));
  assert(mentionsEosType(notify(EOS_SERVICE_TYPE.toUpperCase())));
  assert(mentionsEosType(encoder.encode(EOS_SERVICE_TYPE)), "at the very start and end");
  assert(
    !mentionsEosType(notify("urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1")),
  );
  assert(!mentionsEosType(notify(EOS_SERVICE_TYPE.slice(0, -1))), "cut short");
  assert(!mentionsEosType(notify(EOS_SERVICE_TYPE.replace("-", "\u00ad"))));
  assert(!mentionsEosType(new Uint8Array(0)));
});
