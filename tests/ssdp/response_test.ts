import { assert, assertEquals } from "../support/assert.ts";
import { deviceTargets, identityFor } from "../../lib/ssdp/search.ts";
import {
  descriptionUrl,
  encodeSearchResponses,
  formatNotify,
  formatSearchResponse,
} from "../../lib/ssdp/response.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const DEVICE_TYPE = "urn:ptpip-canon-helper:device:PTPIPPairingHelper:1";
const [root, byUuid, byType] = deviceTargets(identityFor(UUID));
const ad = { location: "http://192.168.1.20:8043/ptpip-canon-desc-helper.xml", maxAge: 900 };

Deno.test("descriptionUrl", () => {
  assertEquals(
    descriptionUrl("192.168.1.20", 8043, "ptpip-canon-desc-helper.xml"),
    "http://192.168.1.20:8043/ptpip-canon-desc-helper.xml",
  );
  assertEquals(descriptionUrl("10.0.0.1", 80, "a/b.xml"), "http://10.0.0.1:80/a/b.xml");
});

Deno.test("formatSearchResponse", async (t) => {
  await t.step("the root-device answer, byte for byte", () => {
    // The exact text cameras are known to accept; it is the specification, written out literally
    // but for the UUID, which is any device's.
    const expected = "HTTP/1.1 200 OK\r\n" +
      "ST: upnp:rootdevice\r\n" +
      `USN: uuid:${UUID}::upnp:rootdevice\r\n` +
      "LOCATION: http://192.168.1.20:8043/ptpip-canon-desc-helper.xml\r\n" +
      "Cache-Control: max-age=900\r\n" +
      "Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0\r\n" +
      "Ext: \r\n" +
      "\r\n";
    assertEquals(formatSearchResponse(root, ad), expected);
  });

  await t.step("max-age and location come from the advertisement", () => {
    const text = formatSearchResponse(root, { location: "http://10.1.2.3:9000/x.xml", maxAge: 60 });
    assert(text.includes("\r\nLOCATION: http://10.1.2.3:9000/x.xml\r\n"));
    assert(text.includes("\r\nCache-Control: max-age=60\r\n"));
  });

  await t.step("the UUID answer names the UUID as both ST and USN", () => {
    const lines = formatSearchResponse(byUuid, ad).split("\r\n");
    assertEquals(lines[1], `ST: uuid:${UUID}`);
    assertEquals(lines[2], `USN: uuid:${UUID}`);
  });

  await t.step("the device-type answer names the type and UUID::type", () => {
    const lines = formatSearchResponse(byType, ad).split("\r\n");
    assertEquals(lines[1], `ST: ${DEVICE_TYPE}`);
    assertEquals(lines[2], `USN: uuid:${UUID}::${DEVICE_TYPE}`);
  });

  await t.step("every answer has the same header names in the same order", () => {
    for (const target of [root, byUuid, byType]) {
      const names = formatSearchResponse(target, ad).split("\r\n").slice(1, -2)
        .map((line) => line.slice(0, line.indexOf(":")));
      assertEquals(names, ["ST", "USN", "LOCATION", "Cache-Control", "Server", "Ext"]);
    }
  });
});

Deno.test("formatNotify", async (t) => {
  await t.step("ssdp:alive, byte for byte", () => {
    assertEquals(
      formatNotify("ssdp:alive", root, ad),
      "NOTIFY * HTTP/1.1\r\n" +
        "HOST: 239.255.255.250:1900\r\n" +
        "Cache-Control: max-age=900\r\n" +
        "LOCATION: http://192.168.1.20:8043/ptpip-canon-desc-helper.xml\r\n" +
        "NT: upnp:rootdevice\r\n" +
        "NTS: ssdp:alive\r\n" +
        "Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0\r\n" +
        `USN: uuid:${UUID}::upnp:rootdevice\r\n` +
        "\r\n",
    );
  });

  await t.step("ssdp:byebye has HOST, NT, NTS and USN only", () => {
    assertEquals(
      formatNotify("ssdp:byebye", byUuid, ad),
      "NOTIFY * HTTP/1.1\r\n" +
        "HOST: 239.255.255.250:1900\r\n" +
        `NT: uuid:${UUID}\r\n` +
        "NTS: ssdp:byebye\r\n" +
        `USN: uuid:${UUID}\r\n` +
        "\r\n",
    );
    const text = formatNotify("ssdp:byebye", root, ad);
    assert(!/LOCATION|Cache-Control|Server/i.test(text), text);
  });
});

Deno.test("encodeSearchResponses", async (t) => {
  const targets = [root, byUuid, byType];
  const encoded = encodeSearchResponses(targets, ad);

  await t.step("one entry per target, keyed by the target object", () => {
    assertEquals(encoded.size, 3);
    for (const target of targets) assert(encoded.has(target));
    // A structurally equal but different object is not a key: lookups use the judged targets.
    assertEquals(encoded.get({ ...root }), undefined);
  });

  await t.step("the bytes are the UTF-8 of the formatted text", () => {
    for (const target of targets) {
      assertEquals(
        encoded.get(target),
        new TextEncoder().encode(formatSearchResponse(target, ad)),
      );
      assertEquals(new TextDecoder().decode(encoded.get(target)), formatSearchResponse(target, ad));
    }
  });
});
