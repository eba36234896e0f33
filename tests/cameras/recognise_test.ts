// Recognising a Canon camera from what it sends about itself, against look-alikes.

import { assertEquals, assertMatch } from "../support/assert.ts";
import { CANON_SERVER, canonTrait, notCanonCamera } from "../../lib/cameras/recognise.ts";

Deno.test("canonTrait", async (t) => {
  await t.step("what Canon cameras are known to send", () => {
    assertEquals(canonTrait({ server: CANON_SERVER }), "server");
    assertEquals(
      canonTrait({ type: "urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1" }),
      "type",
    );
    assertEquals(
      canonTrait({ usn: "uuid:00000000-0000-0000-0001-0123456789AB::upnp:rootdevice" }),
      "usn",
    );
    assertEquals(
      canonTrait({
        usn: "uuid:x::urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1",
      }),
      "type",
    );
  });

  await t.step("look-alikes are not cameras", () => {
    for (
      const sender of [
        {
          server: "Linux/6.1 UPnP/1.0 GUPnP/1.6",
          usn: "uuid:4d696e69-444c-164e-9d41::upnp:rootdevice",
        },
        { server: "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0" },
        { server: "Canon EOS R6 UPnP/1.0" },
        { usn: "uuid:00000000-0000-0000-0002-0123456789ab::upnp:rootdevice" },
        { type: "urn:schemas-upnp-org:device:MediaServer:1" },
        {},
      ]
    ) assertEquals(canonTrait(sender), undefined, JSON.stringify(sender));
  });
});

Deno.test("notCanonCamera: a Canon camera's description, and what is not one", () => {
  const sixD = {
    manufacturer: "CANON INC.",
    modelName: "Canon EOS 6D",
    deviceType: "urn:schemas-upnp-org:device:Basic:1",
  };
  assertEquals(notCanonCamera(sixD), undefined);
  assertEquals(notCanonCamera({ modelName: "Canon EOS 6D" }), undefined);
  assertEquals(notCanonCamera({ manufacturer: "Canon" }), undefined);
  const refused: [Parameters<typeof notCanonCamera>[0], RegExp][] = [
    [{ ...sixD, manufacturer: "NETGEAR" }, /manufacturer is NETGEAR, not Canon/],
    [{ manufacturer: "Canonical Ltd." }, /not Canon/],
    [{ modelName: "R7000" }, /neither Canon/],
    [{}, /neither Canon/],
    [{ ...sixD, deviceType: "urn:schemas-upnp-org:device:Printer:1" }, /device type/],
  ];
  for (const [device, reason] of refused) {
    assertMatch(notCanonCamera(device) ?? "", reason, JSON.stringify(device));
  }
});
