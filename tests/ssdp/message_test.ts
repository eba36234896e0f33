import { assert, assertEquals, assertMatch, fail } from "../support/assert.ts";
import {
  DEFAULT_PARSE_LIMITS,
  isRejection,
  type ParseResult,
  parseSsdpMessage,
  type SsdpMessage,
} from "../../lib/ssdp/message.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

// Narrows to a message, failing with the rejection reason so a failure says what went wrong.
function message(result: ParseResult): SsdpMessage {
  if (isRejection(result)) fail(`expected a message, got rejection "${result.rejected}"`);
  return result;
}

function rejection(result: ParseResult): string {
  if (!isRejection(result)) fail(`expected a rejection, got ${JSON.stringify(result)}`);
  return result.rejected;
}

const SEARCH_CRLF = "M-SEARCH * HTTP/1.1\r\n" +
  "HOST: 239.255.255.250:1900\r\n" +
  'MAN: "ssdp:discover"\r\n' +
  "MX: 3\r\n" +
  "ST: upnp:rootdevice\r\n" +
  "\r\n";

Deno.test("parseSsdpMessage", async (t) => {
  await t.step("parses a canonical CRLF M-SEARCH", () => {
    const m = message(parseSsdpMessage(bytes(SEARCH_CRLF)));
    assertEquals(m.method, "M-SEARCH");
    assertEquals(m.target, "*");
    assertEquals(m.version, "HTTP/1.1");
    assertEquals(m.status, undefined);
    assertEquals(m.startLine, "M-SEARCH * HTTP/1.1");
    assertEquals(
      [...m.headers],
      [
        ["host", "239.255.255.250:1900"],
        ["man", '"ssdp:discover"'],
        ["mx", "3"],
        ["st", "upnp:rootdevice"],
      ],
    );
  });

  await t.step("accepts LF-only line ends like CRLF ones", () => {
    const lf = message(parseSsdpMessage(bytes(SEARCH_CRLF.replaceAll("\r\n", "\n"))));
    const crlf = message(parseSsdpMessage(bytes(SEARCH_CRLF)));
    assertEquals([...lf.headers], [...crlf.headers]);
    assertEquals(lf.method, "M-SEARCH");
  });

  await t.step("accepts a mix of CRLF and LF line ends", () => {
    const m = message(parseSsdpMessage(bytes("M-SEARCH * HTTP/1.1\nST: a\r\nMX: 2\n\r\n")));
    assertEquals(m.headers.get("st"), "a");
    assertEquals(m.headers.get("mx"), "2");
  });

  await t.step("lower-cases header names whatever their case", () => {
    for (const name of ["ST", "st", "St", "sT"]) {
      const m = message(parseSsdpMessage(bytes(`M-SEARCH * HTTP/1.1\r\n${name}: x\r\n\r\n`)));
      assertEquals(m.headers.get("st"), "x", name);
      assertEquals([...m.headers.keys()], ["st"]);
    }
  });

  await t.step("upper-cases method and version, keeps the raw start line", () => {
    const m = message(parseSsdpMessage(bytes("m-search * http/1.1\r\n\r\n")));
    assertEquals(m.method, "M-SEARCH");
    assertEquals(m.version, "HTTP/1.1");
    assertEquals(m.startLine, "m-search * http/1.1");
  });

  await t.step("tolerates extra spaces and tabs in the start line and around values", () => {
    const m = message(
      parseSsdpMessage(
        bytes("  M-SEARCH   *\tHTTP/1.1   \r\n  ST  :   upnp:rootdevice   \r\nMX:\t5\t\r\n\r\n"),
      ),
    );
    assertEquals(m.method, "M-SEARCH");
    assertEquals(m.target, "*");
    assertEquals(m.version, "HTTP/1.1");
    assertEquals(m.startLine, "M-SEARCH   *\tHTTP/1.1");
    assertEquals(m.headers.get("st"), "upnp:rootdevice");
    assertEquals(m.headers.get("mx"), "5");
  });

  await t.step("keeps colons inside values (only the first colon separates)", () => {
    const m = message(
      parseSsdpMessage(bytes("NOTIFY * HTTP/1.1\r\nLOCATION: http://10.0.0.1:8043/x.xml\r\n")),
    );
    assertEquals(m.headers.get("location"), "http://10.0.0.1:8043/x.xml");
  });

  await t.step("accepts a datagram without the final empty line", () => {
    for (const text of ["M-SEARCH * HTTP/1.1\r\nST: a", "M-SEARCH * HTTP/1.1\r\nST: a\r\n"]) {
      const m = message(parseSsdpMessage(bytes(text)));
      assertEquals(m.headers.get("st"), "a", JSON.stringify(text));
    }
  });

  await t.step("accepts a start line alone", () => {
    const m = message(parseSsdpMessage(bytes("M-SEARCH * HTTP/1.1")));
    assertEquals(m.method, "M-SEARCH");
    assertEquals(m.headers.size, 0);
  });

  await t.step("the first of repeated headers wins, whatever the name's case", () => {
    const m = message(
      parseSsdpMessage(
        bytes("M-SEARCH * HTTP/1.1\r\nST: first\r\nst: second\r\nSt: third\r\n\r\n"),
      ),
    );
    assertEquals(m.headers.get("st"), "first");
    assertEquals(m.headers.size, 1);
  });

  await t.step("skips lines without a colon (and with a leading colon), keeps the rest", () => {
    const m = message(
      parseSsdpMessage(
        bytes("M-SEARCH * HTTP/1.1\r\nno colon here\r\n: nameless\r\n folded\r\nST: a\r\n\r\n"),
      ),
    );
    assertEquals([...m.headers], [["st", "a"]]);
  });

  await t.step("stops at the empty line: what follows is not a header", () => {
    const m = message(
      parseSsdpMessage(bytes("M-SEARCH * HTTP/1.1\r\nMX: 1\r\n\r\nST: upnp:rootdevice\r\n")),
    );
    assertEquals(m.headers.get("st"), undefined);
    assertEquals(m.headers.get("mx"), "1");
  });

  await t.step("keeps an empty header value as empty", () => {
    const m = message(parseSsdpMessage(bytes("M-SEARCH * HTTP/1.1\r\nEXT:\r\nST: a\r\n\r\n")));
    assertEquals(m.headers.get("ext"), "");
  });

  await t.step("parses responses, including reason phrases with spaces", () => {
    const ok = message(parseSsdpMessage(bytes("HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n")));
    assertEquals(ok.status, 200);
    assertEquals(ok.method, undefined);
    assertEquals(ok.version, "HTTP/1.1");
    assertEquals(ok.headers.get("st"), "upnp:rootdevice");

    const notFound = message(parseSsdpMessage(bytes("HTTP/1.1 404 Not Found\r\n\r\n")));
    assertEquals(notFound.status, 404);
    assertEquals(notFound.startLine, "HTTP/1.1 404 Not Found");

    const bare = message(parseSsdpMessage(bytes("http/1.0 500\r\n\r\n")));
    assertEquals(bare.status, 500);
    assertEquals(bare.version, "HTTP/1.0");
  });

  await t.step("rejects malformed status lines", () => {
    for (const line of ["HTTP/1.1 OK 200", "HTTP/1.1 2000 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2x0"]) {
      assertMatch(rejection(parseSsdpMessage(bytes(`${line}\r\n\r\n`))), /status line/, line);
    }
  });

  await t.step("rejects an empty datagram", () => {
    assertEquals(rejection(parseSsdpMessage(new Uint8Array(0))), "empty datagram");
  });

  await t.step("rejects datagrams of only whitespace or line ends", () => {
    for (const text of [" ", "\r\n", "\n\n\n", "\t \r\n\r\n"]) {
      assertMatch(rejection(parseSsdpMessage(bytes(text))), /start line/, JSON.stringify(text));
    }
  });

  await t.step("rejects binary garbage without throwing", () => {
    const garbage = new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80, 0xc3, 0x28, 0x0a, 0x0d, 0x0a]);
    rejection(parseSsdpMessage(garbage));
    // Invalid UTF-8 in an otherwise valid datagram is replaced, not fatal.
    const mixed = new Uint8Array([...bytes("M-SEARCH * HTTP/1.1\r\nX: "), 0xff, 0xc0, 0x0d, 0x0a]);
    const m = message(parseSsdpMessage(mixed));
    assertEquals(m.headers.get("x"), "\ufffd\ufffd");
  });

  await t.step("rejects datagrams over 8192 bytes, accepts exactly 8192", () => {
    assertEquals(DEFAULT_PARSE_LIMITS.maxBytes, 8192);
    // Padding after the empty line keeps every header line short, so only the size decides.
    const padded = (size: number) => {
      const head = bytes(SEARCH_CRLF);
      const datagram = new Uint8Array(size).fill(0x41);
      datagram.set(head);
      return datagram;
    };
    message(parseSsdpMessage(padded(8192)));
    assertMatch(rejection(parseSsdpMessage(padded(8193))), /8193 bytes exceeds 8192/);
  });

  await t.step("rejects more than 64 header lines, accepts 64", () => {
    const withHeaders = (n: number) =>
      bytes(
        "M-SEARCH * HTTP/1.1\r\n" +
          Array.from({ length: n }, (_, i) => `X-${i}: ${i}\r\n`).join("") + "\r\n",
      );
    assertEquals(message(parseSsdpMessage(withHeaders(64))).headers.size, 64);
    assertMatch(rejection(parseSsdpMessage(withHeaders(65))), /more than 64 headers/);
  });

  await t.step("a long header line does not hide a search: only the datagram is bounded", () => {
    // 1.4 KB with a 1.3 KB User-Agent, as padding or a chatty stack may send.
    const search = `M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\n` +
      `MX: 1\r\nST: upnp:rootdevice\r\nUSER-AGENT: ${"x".repeat(1300)}\r\n\r\n`;
    assert(search.length > 1400 && search.length < 1500);
    const parsed = message(parseSsdpMessage(bytes(search)));
    assertEquals(parsed.headers.get("st"), "upnp:rootdevice");
    assertMatch(
      rejection(parseSsdpMessage(bytes(`M-SEARCH * HTTP/1.1\r\nX: ${"x".repeat(8200)}\r\n\r\n`))),
      /exceeds 8192/,
    );
  });

  await t.step("rejects truncated datagrams", () => {
    const cases: [string, RegExp][] = [
      ["M", /malformed start line/],
      ["M-SEARCH", /malformed start line/],
      ["M-SEARCH *", /malformed request line/],
      ["M-SEARCH * HTT", /malformed request line/],
      ["M-SEARCH * H", /malformed request line/],
      ["HTTP/1.1", /malformed start line/],
      ["HTTP/1.1 2", /malformed status line/],
    ];
    for (const [text, reason] of cases) {
      assertMatch(rejection(parseSsdpMessage(bytes(text))), reason, text);
    }
    // A cut after the start line still parses, with the headers that arrived.
    const cut = SEARCH_CRLF.slice(0, SEARCH_CRLF.indexOf("MX") + 2);
    const m = message(parseSsdpMessage(bytes(cut)));
    assertEquals(m.headers.get("st"), undefined);
    assertEquals(m.headers.has("mx"), false);
  });

  await t.step("rejects request lines with too many tokens", () => {
    assertMatch(
      rejection(parseSsdpMessage(bytes("M-SEARCH * HTTP/1.1 extra\r\n\r\n"))),
      /malformed request line/,
    );
    assertMatch(
      rejection(parseSsdpMessage(bytes("M-SEARCH * FTP/1.1\r\n\r\n"))),
      /malformed request line/,
    );
  });
});
