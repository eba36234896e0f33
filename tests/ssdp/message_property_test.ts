import { assert, assertEquals } from "../support/assert.ts";
import { fc } from "../support/dev_deps.ts";
import { deviceTargets, identityFor, isIgnored, judgeSearch } from "../../lib/ssdp/search.ts";
import { DEFAULT_PARSE_LIMITS, isRejection, parseSsdpMessage } from "../../lib/ssdp/message.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const targets = deviceTargets(identityFor(UUID));
const encoder = new TextEncoder();

// What the helper does with a datagram: the number of answers, or 0 when it is not answered.
function verdict(datagram: Uint8Array): number {
  const parsed = parseSsdpMessage(datagram);
  if (isRejection(parsed)) return 0;
  const judged = judgeSearch(parsed, targets);
  return isIgnored(judged) ? 0 : judged.targets.length;
}

// ---- The oracle: an independent, deliberately plain statement of which datagrams we answer. ----

// Lower-cases A-Z only: protocol tokens are ASCII, and Unicode case mapping would let look-alikes
// such as "ſ" (which upper-cases to "S") pass for ASCII letters.
const asciiLower = (text: string) =>
  text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

const ANSWERABLE = new Map<string, number>([
  ["ssdp:all", targets.length],
  ...targets.map((t) => [asciiLower(t.st), 1] as [string, number]),
]);

// The start line must be exactly three whitespace-separated tokens, compared ASCII
// case-insensitively (the regex has no `u` flag, so /i never maps non-ASCII letters to ASCII).
const SEARCH_START_LINE = /^\s*M-SEARCH\s+\*\s+HTTP\/1\.1\s*$/i;

/**
 * The expected number of answers: the datagram is within the size limits, its start line is an
 * HTTP/1.1 M-SEARCH of `*`, and the first ST header (before the empty line that ends the headers)
 * names one of our targets, or ssdp:all for all of them.
 */
function oracle(datagram: Uint8Array): number {
  const limits = DEFAULT_PARSE_LIMITS;
  if (datagram.length === 0 || datagram.length > limits.maxBytes) return 0;
  const text = new TextDecoder().decode(datagram);
  // Lines end at LF; a CR just before the LF belongs to the line end, any other CR is content.
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === "\n") {
      const end = i > start && text[i - 1] === "\r" && i < text.length ? i - 1 : i;
      lines.push(text.slice(start, end));
      start = i + 1;
    }
  }
  if (!SEARCH_START_LINE.test(lines[0])) return 0;
  let st: string | undefined;
  let headerLines = 0;
  for (const line of lines.slice(1)) {
    if (line.trim() === "") break;
    if (++headerLines > limits.maxHeaders) return 0;
    const colon = line.indexOf(":");
    if (colon < 1) continue;
    if (st === undefined && /^st$/i.test(line.slice(0, colon).trim())) {
      st = line.slice(colon + 1).trim();
    }
  }
  return st === undefined ? 0 : ANSWERABLE.get(asciiLower(st)) ?? 0;
}

// ---- Generators ----

// Valid searches as cameras and control points send them, in several accepted spellings.
const VALID_SEARCHES = [
  "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n" +
  'MAN: "ssdp:discover"\r\nMX: 3\r\nST: upnp:rootdevice\r\n\r\n',
  'M-SEARCH * HTTP/1.1\nHost: 239.255.255.250:1900\nMan: "ssdp:discover"\nST: ssdp:all\nMX: 1\n\n',
  `m-search * http/1.1\r\nst: uuid:${UUID}\r\nmx: 2\r\n\r\n`,
  "M-SEARCH  *  HTTP/1.1\r\nST:   urn:ptpip-canon-helper:device:PTPIPPairingHelper:1  \r\n",
  "M-SEARCH * HTTP/1.1\r\nX-Other: 1\r\nST: UPNP:ROOTDEVICE\r\nST: something-else\r\n\r\n",
].map((text) => encoder.encode(text));

// Bytes that matter to the parser, inserted more often than random bytes would be.
const INTERESTING = [" ", "\t", "\r", "\n", "\r\n", ":", "*", "/", "\u00a0", "ſ", "\ufeff"]
  .map((text) => encoder.encode(text));

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  | { kind: "case"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("flip" as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.oneof(fc.constantFrom(...INTERESTING), fc.uint8Array({ minLength: 1, maxLength: 8 })),
  }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant("case" as const), at: fc.nat() }),
);

function mutate(original: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = original.slice();
  for (const m of mutations) {
    // Positions are taken modulo the current length so every mutation lands somewhere.
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + (m.kind === "insert" ? 1 : 0));
    switch (m.kind) {
      case "flip":
        if (bytes.length > 0) bytes[at] ^= 1 << m.bit;
        break;
      case "set":
        if (bytes.length > 0) bytes[at] = m.value;
        break;
      case "truncate":
        bytes = bytes.slice(0, at);
        break;
      case "insert":
        bytes = new Uint8Array([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
        break;
      case "delete":
        bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + m.count)]);
        break;
      case "case": {
        const c = bytes[at];
        if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) bytes[at] = c ^ 0x20;
        break;
      }
    }
  }
  return bytes;
}

const mutatedSearch = fc.tuple(
  fc.constantFrom(...VALID_SEARCHES),
  fc.array(mutation, { minLength: 1, maxLength: 4 }),
).map(([base, mutations]) => mutate(base, mutations));

// Picks a good part three times out of four and a near miss otherwise, so that answered and ignored
// datagrams both come up often however many parts are combined.
const mostly = (good: string[], bad: string[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...good), weight: 3 },
    { arbitrary: fc.constantFrom(...bad), weight: 1 },
  );

// Datagrams assembled from valid and near-miss parts.
const assembledSearch = fc.record({
  lead: mostly(["", " ", "\t"], ["\ufeff", "\u00a0"]),
  method: mostly(["M-SEARCH", "m-search", "M-Search"], ["NOTIFY", "M-SEARCH2", "M-ſEARCH", "GET"]),
  target: mostly(["*"], ["/", "**", ""]),
  version: mostly(["HTTP/1.1", "http/1.1"], ["HTTP/1.0", "HTTP/2", "HTTP/1.1 x", "HTTP/1.1\u00a0"]),
  gap: mostly([" ", "  ", "\t", " \t "], ["\u00a0", "\u2003", ""]),
  eol: mostly(["\r\n", "\n"], ["\r", "\n\r"]),
  headers: fc.array(
    fc.record({
      name: mostly(["ST", "st", "sT", " ST ", "MX", "HOST"], ["S T", "XST", "", "ST\u00a0"]),
      separator: mostly([":", ": ", " : "], ["", ";"]),
      value: mostly(
        [
          "upnp:rootdevice",
          "UPNP:ROOTDEVICE",
          "ssdp:all",
          "SSDP:ALL",
          `uuid:${UUID}`,
          `uuid:${UUID.toUpperCase()}`,
          "urn:ptpip-canon-helper:device:PTPIPPairingHelper:1",
          "  upnp:rootdevice\t",
        ],
        ["upnp:rootdevic", "upnp: rootdevice", "", "3", "upnp:rootdevice\u00a0x"],
      ),
    }),
    { maxLength: 5 },
  ),
  blank: fc.boolean(),
}).map((d) => {
  const start = d.lead + [d.method, d.target, d.version].join(d.gap);
  const headers = d.headers.map((h) => `${h.name}${h.separator}${h.value}${d.eol}`).join("");
  return encoder.encode(`${start}${d.eol}${headers}${d.blank ? d.eol : ""}`);
});

const RUNS = { numRuns: 3000 };

// ---- Properties ----

Deno.test("the oracle itself agrees with hand-checked examples", () => {
  const e = (text: string) => oracle(encoder.encode(text));
  assertEquals(e("M-SEARCH * HTTP/1.1\r\nST: upnp:rootdevice\r\n\r\n"), 1);
  assertEquals(e("m-search * http/1.1\nst: SSDP:ALL\n"), 3);
  assertEquals(e("M-SEARCH * HTTP/1.1\r\n\r\nST: upnp:rootdevice\r\n"), 0);
  assertEquals(e("M-SEARCH * HTTP/1.0\r\nST: upnp:rootdevice\r\n"), 0);
  assertEquals(e("M-ſEARCH * HTTP/1.1\r\nST: upnp:rootdevice\r\n"), 0);
  assertEquals(e("M-SEARCH * HTTP/1.1\r\nST: other\r\nST: upnp:rootdevice\r\n"), 0);
  assertEquals(e("M-SEARCH * HTTP/1.1\rST: upnp:rootdevice\r\n"), 0);
});

Deno.test("parseSsdpMessage + judgeSearch: properties", async (t) => {
  await t.step("random bytes never throw, and are answered only when the oracle says so", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        assertEquals(verdict(bytes), oracle(bytes));
      }),
      RUNS,
    );
  });

  await t.step("mutated valid searches never throw and agree with the oracle", () => {
    let answered = 0;
    fc.assert(
      fc.property(mutatedSearch, (bytes) => {
        const expected = oracle(bytes);
        assertEquals(verdict(bytes), expected, JSON.stringify(new TextDecoder().decode(bytes)));
        if (expected > 0) answered++;
      }),
      RUNS,
    );
    // Mutations must leave enough searches intact for the comparison to mean something.
    assert(answered > RUNS.numRuns / 20, `only ${answered} mutated searches were answerable`);
  });

  await t.step("assembled near-miss datagrams agree with the oracle", () => {
    let answered = 0;
    let ignored = 0;
    fc.assert(
      fc.property(assembledSearch, (bytes) => {
        const expected = oracle(bytes);
        assertEquals(verdict(bytes), expected, JSON.stringify(new TextDecoder().decode(bytes)));
        if (expected > 0) answered++;
        else ignored++;
      }),
      RUNS,
    );
    assert(answered > RUNS.numRuns / 50, `only ${answered} assembled searches were answerable`);
    assert(ignored > RUNS.numRuns / 50, `only ${ignored} assembled datagrams were ignored`);
  });

  await t.step("the unmutated bases are all answered", () => {
    for (const base of VALID_SEARCHES) {
      assert(verdict(base) > 0, new TextDecoder().decode(base));
      assertEquals(verdict(base), oracle(base));
    }
  });

  await t.step("oversized datagrams are never answered, even when they start as a search", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8193, max: 20_000 }),
        fc.constantFrom(...VALID_SEARCHES),
        (size, base) => {
          const bytes = new Uint8Array(size).fill(0x20);
          bytes.set(base);
          assertEquals(verdict(bytes), 0);
        },
      ),
      { numRuns: 50 },
    );
  });
});
