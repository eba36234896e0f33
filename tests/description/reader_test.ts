// Reading a device description the way the EOS flow and probe do: element texts by path, the root
// and its namespace; entities decoded; the first of a repeated path wins; what is not well-formed
// XML throws.

import { assertEquals, assertMatch, assertThrows } from "../support/assert.ts";
import { readDescription } from "../../lib/description/reader.ts";
import { renderDescription } from "../../lib/description/document.ts";
import { TEST_UUID } from "../support/uuid.ts";

Deno.test("our own description reads back: root, namespace and each field by path", () => {
  const read = readDescription(renderDescription({
    uuid: TEST_UUID,
    name: "studio & <pc>",
    deviceType: "urn:x:device:Y:1",
    version: "0.1.0",
  }));
  assertEquals(read.root, "root");
  assertEquals(read.namespace, "urn:schemas-upnp-org:device-1-0");
  assertEquals(read.fields.get("root/specVersion/major"), "1");
  assertEquals(read.fields.get("root/device/friendlyName"), "studio & <pc>: PTPIPResponder:");
  assertEquals(read.fields.get("root/device/UDN"), `uuid:${TEST_UUID}`);
  assertEquals(read.fields.get("root/device/deviceType"), "urn:x:device:Y:1");
  assertEquals(read.fields.get("device/UDN"), undefined, "paths start at the root");
});

Deno.test("the first element of a repeated path wins; an empty element reads empty", () => {
  const read = readDescription(
    "<root><device><modelName>Canon EOS 6D</modelName><modelName>forged</modelName>" +
      "<serialNumber/></device></root>",
  );
  assertEquals(read.fields.get("root/device/modelName"), "Canon EOS 6D");
  assertEquals(read.fields.get("root/device/serialNumber"), "");
  assertEquals(read.namespace, "");
});

Deno.test("a document that is not well-formed XML throws the parser's error", () => {
  for (const xml of ["<root><device></root>", "<root>&bogus;</root>", "not xml", ""]) {
    const thrown = assertThrows(
      () => readDescription(xml),
      Error,
      `${JSON.stringify(xml)} was read`,
    );
    assertMatch(thrown.message, /\S/);
  }
});
