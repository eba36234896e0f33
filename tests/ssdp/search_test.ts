import { assert, assertEquals, fail } from "../support/assert.ts";
import {
  type AnsweredSearch,
  deviceTargets,
  identityFor,
  type IgnoredDatagram,
  isIgnored,
  judgeSearch,
} from "../../lib/ssdp/search.ts";
import { isRejection, parseSsdpMessage, type SsdpMessage } from "../../lib/ssdp/message.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const DEVICE_TYPE = "urn:ptpip-canon-helper:device:PTPIPPairingHelper:1";
const targets = deviceTargets(identityFor(UUID));

function parse(text: string): SsdpMessage {
  const result = parseSsdpMessage(new TextEncoder().encode(text));
  if (isRejection(result)) fail(`test datagram rejected: ${result.rejected}`);
  return result;
}

function search(st: string | undefined, extra = ""): SsdpMessage {
  return parse(
    'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\n' +
      (st === undefined ? "" : `ST: ${st}\r\n`) + extra + "\r\n",
  );
}

function answered(verdict: AnsweredSearch | IgnoredDatagram): AnsweredSearch {
  if (isIgnored(verdict)) fail(`expected an answer, ignored: ${verdict.ignored}`);
  return verdict;
}

function ignored(verdict: AnsweredSearch | IgnoredDatagram): string {
  if (!isIgnored(verdict)) fail(`expected it ignored, answered ${verdict.searchTarget}`);
  return verdict.ignored;
}

Deno.test("identityFor and deviceTargets", async (t) => {
  await t.step("identityFor keeps the UUID as given and uses our device type", () => {
    assertEquals(identityFor(UUID), { uuid: UUID, deviceType: DEVICE_TYPE });
    // The stored form is kept byte for byte: a paired camera compares it.
    assertEquals(identityFor(UUID.toUpperCase()).uuid, UUID.toUpperCase());
  });

  await t.step("three targets, root device first, with their USNs", () => {
    assertEquals(targets, [
      { st: "upnp:rootdevice", usn: `uuid:${UUID}::upnp:rootdevice` },
      { st: `uuid:${UUID}`, usn: `uuid:${UUID}` },
      { st: DEVICE_TYPE, usn: `uuid:${UUID}::${DEVICE_TYPE}` },
    ]);
  });
});

Deno.test("judgeSearch", async (t) => {
  await t.step("upnp:rootdevice gets exactly the root device target", () => {
    const v = answered(judgeSearch(search("upnp:rootdevice"), targets));
    assertEquals(v.targets, [targets[0]]);
    assertEquals(v.searchTarget, "upnp:rootdevice");
  });

  await t.step("ssdp:all gets all three targets, root device first", () => {
    const v = answered(judgeSearch(search("ssdp:all"), targets));
    assertEquals(v.targets, targets);
    assertEquals(v.targets[0].st, "upnp:rootdevice");
  });

  await t.step("uuid:<UUID> and the device type get just their own target", () => {
    assertEquals(answered(judgeSearch(search(`uuid:${UUID}`), targets)).targets, [
      targets[1],
    ]);
    assertEquals(answered(judgeSearch(search(DEVICE_TYPE), targets)).targets, [targets[2]]);
  });

  await t.step("answers keep the target objects, so pre-encoded answers can be looked up", () => {
    const v = answered(judgeSearch(search("upnp:rootdevice"), targets));
    assert(v.targets[0] === targets[0]);
  });

  await t.step("ST compares case-insensitively and the verdict keeps the ST as sent", () => {
    for (const st of ["UPNP:ROOTDEVICE", "UpnP:RootDevice"]) {
      const v = answered(judgeSearch(search(st), targets));
      assertEquals(v.targets, [targets[0]]);
      assertEquals(v.searchTarget, st);
    }
    assertEquals(answered(judgeSearch(search("SSDP:ALL"), targets)).targets.length, 3);
    assertEquals(answered(judgeSearch(search(`UUID:${UUID.toUpperCase()}`), targets)).targets, [
      targets[1],
    ]);
    assertEquals(answered(judgeSearch(search(DEVICE_TYPE.toLowerCase()), targets)).targets, [
      targets[2],
    ]);
  });

  await t.step("ST surrounded by whitespace still matches", () => {
    const v = answered(judgeSearch(search("   upnp:rootdevice \t "), targets));
    assertEquals(v.targets, [targets[0]]);
  });

  await t.step("other search targets are ignored, naming the ST", () => {
    const others = [
      "urn:schemas-upnp-org:device:MediaServer:1",
      "uuid:00000000-0000-4000-8000-000000000000",
      "upnp:rootdevice2",
      "upnp: rootdevice",
      "ssdp:alive",
      `uuid:${UUID}::upnp:rootdevice`,
      UUID,
    ];
    for (const st of others) {
      assertEquals(ignored(judgeSearch(search(st), targets)), `ST ${st} is not ours`);
    }
  });

  await t.step("a missing or empty ST is ignored", () => {
    assertEquals(ignored(judgeSearch(search(undefined), targets)), "M-SEARCH without ST");
    assertEquals(ignored(judgeSearch(search(""), targets)), "M-SEARCH without ST");
  });

  await t.step("NOTIFY and responses are not searches", () => {
    const notify = parse(
      "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\n" +
        "NTS: ssdp:alive\r\nST: upnp:rootdevice\r\n\r\n",
    );
    assertEquals(ignored(judgeSearch(notify, targets)), "NOTIFY is not a search");
    const response = parse("HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n");
    assertEquals(ignored(judgeSearch(response, targets)), "a response, not a search");
  });

  await t.step("a wrong request target or HTTP version is ignored with the start line", () => {
    for (const line of ["M-SEARCH / HTTP/1.1", "M-SEARCH * HTTP/1.0", "M-SEARCH ** HTTP/1.1"]) {
      const m = parse(`${line}\r\nST: upnp:rootdevice\r\n\r\n`);
      assertEquals(ignored(judgeSearch(m, targets)), `unexpected request line "${line}"`);
    }
  });

  await t.step("the method compares case-insensitively", () => {
    const m = parse("m-search * http/1.1\r\nst: upnp:rootdevice\r\n\r\n");
    assertEquals(answered(judgeSearch(m, targets)).targets, [targets[0]]);
  });

  await t.step("MX is parsed when it is 1 to 3 digits, else left out", () => {
    const mx = (value: string) =>
      answered(judgeSearch(search("upnp:rootdevice", `MX: ${value}\r\n`), targets)).mx;
    assertEquals(mx("3"), 3);
    assertEquals(mx("0"), 0);
    assertEquals(mx("120"), 120);
    assertEquals(mx(" 2 "), 2);
    assertEquals(mx("1000"), undefined);
    assertEquals(mx("-1"), undefined);
    assertEquals(mx("1.5"), undefined);
    assertEquals(mx("abc"), undefined);
    assertEquals(answered(judgeSearch(search("upnp:rootdevice"), targets)).mx, undefined);
  });
});
