import { assert, assertEquals, assertMatch, assertNotEquals } from "../support/assert.ts";
import { fc } from "../support/dev_deps.ts";
import { SaxesParser } from "npm:saxes@^6.0.0";
import {
  type DescriptionFields,
  escapeXml,
  MAX_NAME_LENGTH,
  nameFromHostname,
  nameProblem,
  renderDescription,
} from "../../lib/description/document.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const DEVICE_TYPE = "urn:ptpip-canon-helper:device:PTPIPPairingHelper:1";
const fields: DescriptionFields = {
  uuid: UUID,
  name: "studio-pc",
  deviceType: DEVICE_TYPE,
  version: "0.1.0",
};

interface XmlElement {
  name: string;
  uri: string;
  children: XmlElement[];
  text: string;
}

// Parses with saxes (strict XML with namespaces) into a small tree; any well-formedness or
// namespace error fails the test with saxes' own message.
function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const document: XmlElement = { name: "#document", uri: "", children: [], text: "" };
  const open = [document];
  const errors: string[] = [];
  parser.on("error", (error) => errors.push(error.message));
  parser.on("opentag", (tag) => {
    const element = { name: tag.local, uri: tag.uri, children: [], text: "" };
    open.at(-1)!.children.push(element);
    open.push(element);
  });
  parser.on("closetag", () => open.pop());
  parser.on("text", (text) => open.at(-1)!.text += text);
  parser.write(xml).close();
  assertEquals(errors, [], "the description is well-formed XML");
  assertEquals(document.children.length, 1, "one root element");
  return document.children[0];
}

function child(parent: XmlElement, name: string): XmlElement {
  const found = parent.children.filter((c) => c.name === name);
  assertEquals(found.length, 1, `exactly one <${name}> in <${parent.name}>`);
  return found[0];
}

const text = (parent: XmlElement, name: string) => child(parent, name).text;

Deno.test("renderDescription", async (t) => {
  const xml = renderDescription(fields);
  const root = parseXml(xml);
  const device = child(root, "device");

  await t.step("starts with the XML declaration, with nothing before it", () => {
    assert(xml.startsWith('<?xml version="1.0"?>\n'), xml.slice(0, 40));
  });

  await t.step("the root is <root> in the UPnP device namespace", () => {
    assertEquals(root.name, "root");
    assertEquals(root.uri, "urn:schemas-upnp-org:device-1-0");
    // Every element inherits the default namespace.
    assertEquals(device.uri, "urn:schemas-upnp-org:device-1-0");
  });

  await t.step("specVersion is 1.0", () => {
    const spec = child(root, "specVersion");
    assertEquals(text(spec, "major"), "1");
    assertEquals(text(spec, "minor"), "0");
  });

  await t.step("UDN, friendlyName and deviceType", () => {
    assertEquals(text(device, "UDN"), `uuid:${UUID}`);
    assertEquals(text(device, "friendlyName"), "studio-pc: PTPIPResponder:");
    assertEquals(text(device, "deviceType"), DEVICE_TYPE);
  });

  await t.step("manufacturer, model name and number name the project", () => {
    assertMatch(text(device, "manufacturer"), /ptpip-canon-helper/);
    assertEquals(text(device, "modelName"), "ptpip-canon-helper");
    assertEquals(text(device, "modelNumber"), "0.1.0");
    assertMatch(text(device, "manufacturerURL"), /^https:\/\//);
    assertMatch(text(device, "modelURL"), /^https:\/\//);
    assertNotEquals(text(device, "modelDescription"), "");
  });

  await t.step("the UUID is kept exactly as stored (case included)", () => {
    const upper = UUID.toUpperCase();
    assertEquals(
      text(child(parseXml(renderDescription({ ...fields, uuid: upper })), "device"), "UDN"),
      `uuid:${upper}`,
    );
  });

  await t.step("XML-special characters in the name are escaped and round-trip", () => {
    const name = `Tom & Jerry's <"PC"> &amp;`;
    const rendered = renderDescription({ ...fields, name });
    assert(!rendered.includes(name), "the raw name must not appear unescaped");
    assertEquals(
      text(child(parseXml(rendered), "device"), "friendlyName"),
      `${name}: PTPIPResponder:`,
    );
  });

  await t.step("non-ASCII names round-trip", () => {
    const name = "Büro-Rechner 写真 📷";
    assertEquals(
      text(child(parseXml(renderDescription({ ...fields, name })), "device"), "friendlyName"),
      `${name}: PTPIPResponder:`,
    );
  });

  await t.step("every name nameProblem accepts renders to well-formed XML that round-trips", () => {
    // Random code points rarely hit the characters that matter, so they are mixed in on purpose:
    // XML specials, characters XML 1.0 forbids, and ones it allows though they look odd.
    const edgy = fc.constantFrom(
      "&",
      "<",
      ">",
      '"',
      "'",
      "]]>",
      "&amp;",
      "\ufffe",
      "\uffff",
      "\ufffd",
      "\ufdd0",
      "\u00a0",
      "\u{10ffff}",
      "\u{1f4f7}",
      "\t",
      "\u0085",
    );
    const names = fc.array(fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), edgy), {
      maxLength: 12,
    }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(names, (name) => {
        fc.pre(nameProblem(name) === undefined);
        // Parse what goes on the wire: the UTF-8 bytes, decoded as the camera decodes them.
        const wire = new TextDecoder().decode(
          new TextEncoder().encode(renderDescription({ ...fields, name })),
        );
        const device = child(parseXml(wire), "device");
        assertEquals(text(device, "friendlyName"), `${name}: PTPIPResponder:`);
      }),
      { numRuns: 1000 },
    );
  });

  await t.step("the noncharacters U+FFFE and U+FFFF (forbidden in XML 1.0) are refused", () => {
    assertEquals(nameProblem("a\ufffeb"), "it contains control characters");
    assertEquals(nameProblem("a\uffffb"), "it contains control characters");
  });
});

Deno.test("escapeXml", () => {
  assertEquals(escapeXml(`&<>"'`), "&amp;&lt;&gt;&quot;&apos;");
  assertEquals(escapeXml("plain text"), "plain text");
  // Already-escaped text is escaped again: the function is not idempotent by design.
  assertEquals(escapeXml("&amp;"), "&amp;amp;");
});

Deno.test("nameProblem", async (t) => {
  await t.step("accepts ordinary names", () => {
    for (const name of ["studio-pc", "Anna's MacBook Pro", "Büro 2", "写真"]) {
      assertEquals(nameProblem(name), undefined, name);
    }
  });

  await t.step("refuses empty and blank names", () => {
    assertEquals(nameProblem(""), "it is empty");
    assertEquals(nameProblem("   \t"), "it is empty");
  });

  await t.step("64 characters are fine, 65 are refused with the count", () => {
    assertEquals(MAX_NAME_LENGTH, 64);
    assertEquals(nameProblem("a".repeat(64)), undefined);
    assertEquals(
      nameProblem("a".repeat(65)),
      "it has 65 characters, at most 64 are allowed",
    );
  });

  await t.step("length counts characters, not UTF-16 units", () => {
    // 64 emoji are 128 UTF-16 code units but 64 characters.
    assertEquals(nameProblem("📷".repeat(64)), undefined);
    assertMatch(nameProblem("📷".repeat(65))!, /65 characters/);
  });

  await t.step("refuses control characters", () => {
    for (const c of ["\u0000", "\n", "\r", "\t", "\u001b", "\u007f", "\u0085", "\u2028"]) {
      assertEquals(nameProblem(`a${c}b`), "it contains control characters", JSON.stringify(c));
    }
  });

  await t.step("refuses a colon, saying why", () => {
    assertMatch(nameProblem("a:b")!, /colon/);
    assertMatch(nameProblem("PC:")!, /before the first colon/);
  });
});

Deno.test("nameFromHostname", async (t) => {
  await t.step("keeps the part before the first dot", () => {
    assertEquals(nameFromHostname("annas-macbook.local"), "annas-macbook");
    assertEquals(nameFromHostname("build7.example.org"), "build7");
    assertEquals(nameFromHostname("plain"), "plain");
  });

  await t.step("cuts long names to 64 characters", () => {
    assertEquals(nameFromHostname("h".repeat(100)), "h".repeat(64));
    assertEquals(nameFromHostname(`${"h".repeat(80)}.local`), "h".repeat(64));
  });

  await t.step("falls back to the project name when nothing usable is left", () => {
    assertEquals(nameFromHostname(""), "ptpip-canon-helper");
    assertEquals(nameFromHostname(".local"), "ptpip-canon-helper");
    assertEquals(nameFromHostname("bad\u0001name"), "ptpip-canon-helper");
  });

  await t.step("the result is always a name nameProblem accepts", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 120 }), (hostname) => {
        assertEquals(nameProblem(nameFromHostname(hostname)), undefined);
      }),
    );
  });
});
