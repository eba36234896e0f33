import { assert, assertEquals } from "../support/assert.ts";
import {
  type DescriptionResponse,
  encodeResponse,
  parseRequestLine,
  respond,
} from "../../lib/description/http.ts";

const PATH = "ptpip-canon-desc-helper.xml";
const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Multi-byte UTF-8 on purpose: Content-Length must count bytes, not characters.
const BODY_TEXT = '<?xml version="1.0"?>\n<root><friendlyName>Büro 写真 📷</friendlyName></root>\n';
const BODY = encoder.encode(BODY_TEXT);

const get = (path: string, method = "GET") => respond({ method, path }, PATH, BODY);

// Splits an encoded response into its head lines and body text.
function split(bytes: Uint8Array): { lines: string[]; body: string } {
  const text = decoder.decode(bytes);
  const end = text.indexOf("\r\n\r\n");
  assert(end >= 0, "the head ends with an empty line");
  return { lines: text.slice(0, end).split("\r\n"), body: text.slice(end + 4) };
}

Deno.test("parseRequestLine", async (t) => {
  await t.step("origin form", () => {
    assertEquals(parseRequestLine(`GET /${PATH} HTTP/1.1\r\nHost: x\r\n\r\n`), {
      method: "GET",
      path: `/${PATH}`,
    });
    assertEquals(parseRequestLine("HEAD / HTTP/1.0\n\n"), { method: "HEAD", path: "/" });
  });

  await t.step("a head without a line end is read as its first line", () => {
    assertEquals(parseRequestLine("GET /a HTTP/1.1"), { method: "GET", path: "/a" });
  });

  await t.step("absolute form keeps only the path", () => {
    assertEquals(parseRequestLine(`GET http://10.0.0.5:8043/${PATH} HTTP/1.1\r\n\r\n`), {
      method: "GET",
      path: `/${PATH}`,
    });
    assertEquals(parseRequestLine("GET HTTP://host HTTP/1.1\r\n\r\n"), {
      method: "GET",
      path: "/",
    });
  });

  await t.step("the query is stripped", () => {
    assertEquals(parseRequestLine(`GET /${PATH}?x=1&y=2 HTTP/1.1\r\n\r\n`)?.path, `/${PATH}`);
    assertEquals(parseRequestLine("GET http://h/a?b HTTP/1.1\r\n\r\n")?.path, "/a");
    assertEquals(parseRequestLine("GET /? HTTP/1.1\r\n\r\n")?.path, "/");
  });

  await t.step("keeps the method's case (methods are case-sensitive)", () => {
    assertEquals(parseRequestLine("get / HTTP/1.1\r\n\r\n")?.method, "get");
  });

  await t.step("garbage and other protocols are undefined", () => {
    const bad = [
      "",
      "\r\n\r\n",
      "hello",
      "GET",
      "GET /",
      "GET / HTTP/2",
      "GET / HTTP/2.0",
      "GET / HTTP/1.2",
      "GET / http/1.1",
      "GET / HTTPS/1.1",
      "GET /a b HTTP/1.1",
      "GE(T / HTTP/1.1",
      " GET / HTTP/1.1",
      "\u0016\u0003\u0001\u0002\u0000\u0001\u0000",
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ];
    for (const head of bad) {
      assertEquals(parseRequestLine(head), undefined, JSON.stringify(head));
    }
  });
});

Deno.test("respond", async (t) => {
  await t.step("GET of the description path: 200 with the XML content type and body", () => {
    const r = get(`/${PATH}`);
    assertEquals(r.status, 200);
    assertEquals(r.contentType, 'text/xml; charset="utf-8"');
    assertEquals(r.body, BODY);
    assertEquals(r.sendBody, true);
  });

  await t.step("HEAD of the description path: 200, same body length, body not sent", () => {
    const r = get(`/${PATH}`, "HEAD");
    assertEquals(r.status, 200);
    assertEquals(r.contentType, 'text/xml; charset="utf-8"');
    assertEquals(r.body.byteLength, BODY.byteLength);
    assertEquals(r.sendBody, false);
  });

  await t.step("percent-encoded forms of the path are the same path", () => {
    assertEquals(get("/ptpip%2Dcanon-desc-helper%2exml").status, 200);
  });

  await t.step("other paths are 404", () => {
    for (const path of ["/", "/x.xml", `/${PATH}/`, `//${PATH}`, `/${PATH}x`, `/a/${PATH}`]) {
      const r = get(path);
      assertEquals(r.status, 404, path);
      assertEquals(r.contentType, "text/plain; charset=utf-8");
      assertEquals(decoder.decode(r.body), "Not Found\n");
      assertEquals(r.sendBody, true);
    }
    assertEquals(get("/nope", "HEAD").sendBody, false);
  });

  await t.step("methods other than GET and HEAD are 405, whatever the path", () => {
    for (const method of ["POST", "PUT", "OPTIONS", "DELETE", "get", "SUBSCRIBE"]) {
      for (const path of [`/${PATH}`, "/elsewhere"]) {
        const r = get(path, method);
        assertEquals(r.status, 405, `${method} ${path}`);
        assertEquals(decoder.decode(r.body), "Method Not Allowed\n");
        assertEquals(r.sendBody, true);
      }
    }
  });

  await t.step("a bad percent-encoding is 400", () => {
    for (const path of ["/%", "/%zz", "/%E0%A4%A", "/%C0%AF"]) {
      const r = get(path);
      assertEquals(r.status, 400, path);
      assertEquals(decoder.decode(r.body), "Bad Request\n");
    }
    assertEquals(get("/%", "HEAD").sendBody, false);
  });

  await t.step("an unparseable request is 400", () => {
    const r = respond(undefined, PATH, BODY);
    assertEquals(r.status, 400);
    assertEquals(r.sendBody, true);
  });

  await t.step("a description path with sub-directories is matched whole", () => {
    assertEquals(respond({ method: "GET", path: "/a/b.xml" }, "a/b.xml", BODY).status, 200);
    assertEquals(respond({ method: "GET", path: "/b.xml" }, "a/b.xml", BODY).status, 404);
  });
});

Deno.test("encodeResponse", async (t) => {
  await t.step("200: exact status line and header lines in order, then the body", () => {
    const bytes = encodeResponse(get(`/${PATH}`));
    const { lines, body } = split(bytes);
    assertEquals(lines, [
      "HTTP/1.1 200 OK",
      'Content-Type: text/xml; charset="utf-8"',
      `Content-Length: ${BODY.byteLength}`,
      "Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0 Microsoft-HTTPAPI/2.0",
      "Connection: close",
    ]);
    assertEquals(body, BODY_TEXT);
  });

  await t.step("Content-Length counts bytes of a multi-byte body", () => {
    // ü is 2 bytes, 写 and 真 3 each, 📷 4 (2 UTF-16 units): 7 bytes more than string length.
    assertEquals(BODY.byteLength, BODY_TEXT.length + 7);
    const bytes = encodeResponse(get(`/${PATH}`));
    const { lines } = split(bytes);
    assertEquals(lines[2], `Content-Length: ${BODY.byteLength}`);
    // The bytes after the head are the body, exactly Content-Length of them.
    assertEquals(bytes.subarray(bytes.byteLength - BODY.byteLength), BODY);
    const head = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
    assertEquals(bytes.byteLength, head.byteLength + BODY.byteLength);
  });

  await t.step("HEAD: the same head with the body's length, and no body", () => {
    const head = encodeResponse(get(`/${PATH}`, "HEAD"));
    const full = encodeResponse(get(`/${PATH}`));
    const { lines, body } = split(head);
    assertEquals(body, "");
    assertEquals(lines, split(full).lines);
    assertEquals(head.byteLength, full.byteLength - BODY.byteLength);
  });

  await t.step("404 and 400 have no Allow header", () => {
    for (const response of [get("/x"), get("/%")]) {
      const { lines, body } = split(encodeResponse(response));
      assertEquals(
        lines[0],
        response.status === 404 ? "HTTP/1.1 404 Not Found" : "HTTP/1.1 400 Bad Request",
      );
      assertEquals(lines.slice(1), [
        "Content-Type: text/plain; charset=utf-8",
        `Content-Length: ${response.body.byteLength}`,
        "Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0 Microsoft-HTTPAPI/2.0",
        "Connection: close",
      ]);
      assertEquals(body, decoder.decode(response.body));
    }
  });

  await t.step("405 adds Allow: GET, HEAD as the last header", () => {
    const { lines, body } = split(encodeResponse(get(`/${PATH}`, "POST")));
    assertEquals(lines, [
      "HTTP/1.1 405 Method Not Allowed",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Length: 19",
      "Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0 Microsoft-HTTPAPI/2.0",
      "Connection: close",
      "Allow: GET, HEAD",
    ]);
    assertEquals(body, "Method Not Allowed\n");
  });

  await t.step("an empty body gives Content-Length: 0", () => {
    const response: DescriptionResponse = {
      status: 200,
      body: new Uint8Array(0),
      contentType: "text/xml",
      sendBody: true,
    };
    const { lines, body } = split(encodeResponse(response));
    assertEquals(lines[2], "Content-Length: 0");
    assertEquals(body, "");
  });
});
