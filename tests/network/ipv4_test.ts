import { assert, assertEquals, assertNotEquals } from "../support/assert.ts";
import { fc } from "../support/dev_deps.ts";
import {
  isLinkLocal,
  isLoopback,
  notHostReason,
  parseIpv4,
  sameSubnet,
} from "../../lib/network/ipv4.ts";

// Builds the expected number independently of the parser: big-endian octets.
const value = (a: number, b: number, c: number, d: number) => ((a * 256 + b) * 256 + c) * 256 + d;
const ip = (text: string) => {
  const parsed = parseIpv4(text);
  assertNotEquals(parsed, undefined, text);
  return parsed!;
};

Deno.test("parseIpv4", async (t) => {
  await t.step("parses dotted quads to unsigned 32-bit numbers", () => {
    assertEquals(parseIpv4("0.0.0.0"), 0);
    assertEquals(parseIpv4("192.168.1.20"), value(192, 168, 1, 20));
    assertEquals(parseIpv4("10.0.0.1"), value(10, 0, 0, 1));
    assertEquals(parseIpv4("255.255.255.255"), 0xffffffff);
    assertEquals(parseIpv4("128.0.0.0"), 0x80000000);
    assert(parseIpv4("255.255.255.255")! > 0, "never negative");
  });

  await t.step("refuses octets over 255", () => {
    for (const text of ["256.0.0.1", "1.2.3.256", "999.1.1.1", "1.300.1.1"]) {
      assertEquals(parseIpv4(text), undefined, text);
    }
  });

  await t.step("refuses leading zeros (ambiguous: octal in some parsers)", () => {
    for (const text of ["01.2.3.4", "1.02.3.4", "1.2.003.4", "192.168.1.020", "00.0.0.0"]) {
      assertEquals(parseIpv4(text), undefined, text);
    }
    assertEquals(parseIpv4("10.0.0.0"), value(10, 0, 0, 0));
  });

  await t.step("needs exactly four decimal octets", () => {
    const bad = [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "1..3.4",
      "1.2.3.",
      ".1.2.3",
      "1.2.3.4 ",
      " 1.2.3.4",
      "1.2.3.a",
      "0x1.2.3.4",
      "1.2.3.-4",
      "1.2.3.1234",
      "16909060",
      "::1",
      "::ffff:1.2.3.4",
      "localhost",
      "١.٢.٣.٤",
    ];
    for (const text of bad) assertEquals(parseIpv4(text), undefined, JSON.stringify(text));
  });
});

Deno.test("sameSubnet", async (t) => {
  await t.step("/24", () => {
    const mask = ip("255.255.255.0");
    assert(sameSubnet(ip("192.168.1.77"), ip("192.168.1.20"), mask));
    assert(!sameSubnet(ip("192.168.2.77"), ip("192.168.1.20"), mask));
  });

  await t.step("/16 and /8, including the top bit set", () => {
    assert(sameSubnet(ip("172.16.200.1"), ip("172.16.0.5"), ip("255.255.0.0")));
    assert(!sameSubnet(ip("172.17.0.1"), ip("172.16.0.5"), ip("255.255.0.0")));
    assert(sameSubnet(ip("200.1.2.3"), ip("200.9.9.9"), ip("255.0.0.0")));
    assert(!sameSubnet(ip("201.1.2.3"), ip("200.9.9.9"), ip("255.0.0.0")));
  });

  await t.step("/32 holds only the address, /0 everything", () => {
    assert(sameSubnet(ip("10.0.0.1"), ip("10.0.0.1"), ip("255.255.255.255")));
    assert(!sameSubnet(ip("10.0.0.2"), ip("10.0.0.1"), ip("255.255.255.255")));
    assert(sameSubnet(ip("1.2.3.4"), ip("250.0.0.1"), ip("0.0.0.0")));
  });

  await t.step("odd masks", () => {
    const mask = ip("255.255.255.192"); // /26
    assert(sameSubnet(ip("192.168.1.63"), ip("192.168.1.1"), mask));
    assert(!sameSubnet(ip("192.168.1.64"), ip("192.168.1.1"), mask));
  });
});

Deno.test("isLoopback", () => {
  for (const text of ["127.0.0.1", "127.0.0.2", "127.255.255.255", "127.0.0.0"]) {
    assert(isLoopback(ip(text)), text);
  }
  for (const text of ["126.255.255.255", "128.0.0.0", "10.0.0.1", "0.0.0.0"]) {
    assert(!isLoopback(ip(text)), text);
  }
});

Deno.test("isLinkLocal", () => {
  for (const text of ["169.254.0.1", "169.254.255.254", "169.254.12.34"]) {
    assert(isLinkLocal(ip(text)), text);
  }
  for (const text of ["169.253.255.255", "169.255.0.0", "192.168.1.1", "254.169.0.1"]) {
    assert(!isLinkLocal(ip(text)), text);
  }
});

Deno.test("parseIpv4 agrees with the dotted-quad form on random input", async (t) => {
  await t.step("every address formatted as a dotted quad parses back to itself", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value: number) => {
        const text = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(
          ".",
        );
        return parseIpv4(text) === value;
      }),
    );
  });
  await t.step("whatever parses is exactly the canonical form of its value", () => {
    const chars = fc.constantFrom("0", "1", "2", "5", "9", ".", " ", "a", ":", "-");
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 20 }).map((a: string[]) => a.join("")),
        (text: string) => {
          const value = parseIpv4(text);
          if (value === undefined) return true;
          return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(
            ".",
          ) === text;
        },
      ),
      { numRuns: 5000 },
    );
  });
});

Deno.test("notHostReason: what reaches many hosts is named, a host is not", () => {
  const ip = (text: string) => parseIpv4(text)!;
  const net = ip("192.168.1.20");
  const mask = ip("255.255.255.0");
  assertEquals(notHostReason(ip("192.168.1.23"), net, mask), undefined);
  assertEquals(notHostReason(ip("192.168.1.255"), net, mask), "the subnet's broadcast address");
  assertEquals(notHostReason(ip("192.168.1.0"), net, mask), "the subnet's network address");
  assertEquals(notHostReason(0, net, mask), "the unspecified address");
  assertEquals(notHostReason(ip("255.255.255.255"), net, mask), "the broadcast address");
  assertEquals(notHostReason(ip("224.0.0.1"), net, mask), "a multicast address");
  // Outside the subnet only the global cases count; a /31 has no broadcast address.
  assertEquals(notHostReason(ip("10.0.0.255"), net, mask), undefined);
  assertEquals(notHostReason(ip("10.0.0.1"), ip("10.0.0.0"), ip("255.255.255.254")), undefined);
});
