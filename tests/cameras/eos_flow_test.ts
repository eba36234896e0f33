import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  afterEosFetch,
  DEFAULT_EOS_FETCH_PLAN,
  EOS_SEARCH,
  eosFetchRequest,
  type EosSchedule,
  fetchEosCamera,
  readEosMessage,
  startEosSchedule,
  validateEosLocation,
} from "../../lib/cameras/eos_flow.ts";
import { EOS_SERVICE_TYPE } from "../../lib/cameras/eos_type.ts";
import { isRejection, parseSsdpMessage, type SsdpMessage } from "../../lib/ssdp/message.ts";
import { exchangeRaw } from "../../lib/description/fetch.ts";
import { withTimeout } from "../../lib/util/timeout.ts";

const CAM = "192.168.1.23";
const LOCATION = `http://${CAM}:49152/upnp/CameraDevDesc.xml`;
const encoder = new TextEncoder();

function parse(lines: string[]): SsdpMessage {
  const parsed = parseSsdpMessage(encoder.encode([...lines, "", ""].join("\r\n")));
  if (isRejection(parsed)) throw new Error(parsed.rejected);
  return parsed;
}

function notify(nts: string, location = LOCATION, nt = EOS_SERVICE_TYPE): SsdpMessage {
  return parse([
    "NOTIFY * HTTP/1.1",
    "HOST: 239.255.255.250:1900",
    "CACHE-CONTROL: max-age=1800",
    `LOCATION: ${location}`,
    `NT: ${nt}`,
    `NTS: ${nts}`,
    "SERVER: Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0",
    `USN: uuid:00000000-0000-0000-0001-A0B1C2D3E4F5::${nt}`,
  ]);
}

const SIX_D = `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>
<friendlyName>EOS6D</friendlyName><manufacturer>CANON INC.</manufacturer>
<modelName>Canon EOS 6D</modelName><UDN>uuid:00000000-0000-0000-0001-A0B1C2D3E4F5</UDN>
</device></root>`;

Deno.test("readEosMessage", async (t) => {
  await t.step("an EOS alive with a LOCATION on the sender is an announcement", () => {
    const read = readEosMessage(notify("ssdp:alive"), CAM);
    assertEquals(read, {
      kind: "alive",
      announcement: {
        ip: CAM,
        port: 49152,
        path: "/upnp/CameraDevDesc.xml",
        location: LOCATION,
        usn: `uuid:00000000-0000-0000-0001-A0B1C2D3E4F5::${EOS_SERVICE_TYPE}`,
        maxAgeSeconds: 1800,
      },
    });
  });

  await t.step("the answer to our search for the type counts too", () => {
    const answer = parse(["HTTP/1.1 200 OK", `ST: ${EOS_SERVICE_TYPE}`, `LOCATION: ${LOCATION}`]);
    assertEquals(readEosMessage(answer, CAM)?.kind, "alive");
  });

  await t.step("byebye ends it; other types are not ours", () => {
    assertEquals(readEosMessage(notify("ssdp:byebye"), CAM)?.kind, "byebye");
    const other = "urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1";
    assertEquals(readEosMessage(notify("ssdp:alive", LOCATION, other), CAM), undefined);
    assertEquals(readEosMessage(notify("ssdp:alive", LOCATION, "upnp:rootdevice"), CAM), undefined);
    const search = parse(["M-SEARCH * HTTP/1.1", `ST: ${EOS_SERVICE_TYPE}`]);
    assertEquals(readEosMessage(search, CAM), undefined);
  });

  await t.step("a LOCATION pointing elsewhere is invalid, with the reason", () => {
    const read = readEosMessage(notify("ssdp:alive", "http://10.0.0.9:49152/x.xml"), CAM);
    assertEquals(read?.kind, "invalid");
    assertMatch(read?.kind === "invalid" ? read.reason : "", /names 10\.0\.0\.9, not the sender/);
  });
});

Deno.test("validateEosLocation refuses what a hostile LAN host could send", () => {
  const refused: [string, RegExp][] = [
    [`https://${CAM}:49152/a.xml`, /https:, not http:/],
    [`http://user:pw@${CAM}:49152/a.xml`, /credentials/],
    [`http://${CAM}:49152/a.xml#x`, /fragment/],
    [`http://${CAM}:49152/${"a".repeat(300)}`, /longer than 256/],
    ["not a url", /not a URL/],
    [`http://${CAM}.evil.example/a.xml`, /not the sender/],
  ];
  for (const [location, reason] of refused) {
    const checked = validateEosLocation(location, CAM);
    assert(!checked.ok, location);
    assertMatch(checked.error, reason);
  }
  const fine = validateEosLocation(`http://${CAM}/desc.xml?x=1`, CAM);
  assert(fine.ok);
  assertEquals([fine.value.port, fine.value.path], [80, "/desc.xml?x=1"]);
});

Deno.test("eosFetchRequest is the Windows-looking GET, byte for byte", () => {
  assertEquals(
    eosFetchRequest({ ip: CAM, port: 49152, path: "/upnp/CameraDevDesc.xml" }),
    "GET /upnp/CameraDevDesc.xml HTTP/1.1\r\n" +
      "Host: 192.168.1.23:49152\r\n" +
      "User-Agent: Microsoft-Windows/10.0 UPnP/1.0\r\n" +
      "Accept: text/xml, application/xml\r\n" +
      "Connection: close\r\n\r\n",
  );
});

Deno.test("EOS_SEARCH asks the group for the EOS service type", () => {
  const parsed = parseSsdpMessage(encoder.encode(EOS_SEARCH));
  assert(!isRejection(parsed));
  assertEquals(parsed.method, "M-SEARCH");
  assertEquals(parsed.headers.get("st"), EOS_SERVICE_TYPE);
  assertEquals(parsed.headers.get("host"), "239.255.255.250:1900");
  assertEquals(parsed.headers.get("man"), '"ssdp:discover"');
});

/** What {@linkcode fetchEosCamera} makes of a 200 with `body`. */
function readNames(body: Uint8Array) {
  const answer = () => Promise.resolve({ head: "HTTP/1.1 200 OK\r\n\r\n", body });
  return fetchEosCamera({ ip: CAM, port: 49152, path: "/upnp/CameraDevDesc.xml" }, answer);
}

Deno.test("reading the names of a fetched description", async (t) => {
  await t.step("reads friendlyName and modelName", async () => {
    assertEquals(await readNames(encoder.encode(SIX_D)), {
      kind: "camera",
      names: { friendlyName: "EOS6D", modelName: "Canon EOS 6D" },
    });
  });
  await t.step("cleans control characters and bounds the length", async () => {
    const hostile = SIX_D.replace("Canon EOS 6D", `Canon\u009b2J\n${"X".repeat(200)}`);
    const read = await readNames(encoder.encode(hostile));
    assert(read.kind === "camera");
    assertEquals(read.names.modelName?.length, 64);
    assert(!read.names.modelName?.includes("\u009b"));
  });
  await t.step("a body too big or not XML is an error", async () => {
    assert((await readNames(new Uint8Array(64 * 1024 + 1))).kind === "failed");
    const broken = await readNames(encoder.encode("<root><device>"));
    assert(broken.kind === "failed");
    assertMatch(broken.error, /not well-formed/);
  });
});

Deno.test("the re-fetch schedule is bounded", async (t) => {
  const plan = DEFAULT_EOS_FETCH_PLAN;
  // The watch fetches when `nextAt` comes (its timer's delay): this is that test, without the timer.
  const due = (s: EosSchedule, now: number) => s.phase === "fetching" && now >= s.nextAt;
  await t.step("first fetch at once, then every interval, at most maxFetches", () => {
    let s = startEosSchedule(1000);
    assert(due(s, 1000));
    let fetched = 0;
    for (let now = 1000; s.phase === "fetching" && now < 1000 + 600_000; now += 500) {
      if (!due(s, now)) continue;
      if (fetched > 0) assertEquals(s.phase === "fetching" && now - s.nextAt, 0);
      s = afterEosFetch(s, true, now, plan);
      fetched++;
    }
    assertEquals(fetched, plan.maxFetches);
    assertEquals(s.phase === "done" && s.reason, "limit");
    assert(!due(s, Number.MAX_SAFE_INTEGER));
  });
  await t.step("failures in a row end it; a success in between resets the count", () => {
    let s = startEosSchedule(0);
    s = afterEosFetch(s, false, 0, plan);
    s = afterEosFetch(s, true, 3000, plan);
    s = afterEosFetch(s, false, 6000, plan);
    assertEquals(s.phase, "fetching");
    s = afterEosFetch(s, false, 9000, plan);
    assertEquals(s.phase === "done" && [s.reason, s.fetches, s.succeeded], ["failures", 4, 1]);
  });
});

/** A one-shot HTTP server on 127.0.0.1 that records the request bytes and answers `response`. */
async function withFakeCamera(
  response: string,
  test: (port: number, requests: string[]) => Promise<void>,
): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: string[] = [];
  const served = (async () => {
    for await (const conn of listener) {
      const buffer = new Uint8Array(4096);
      let text = "";
      while (!text.includes("\r\n\r\n")) {
        const n = await conn.read(buffer);
        if (n === null) break;
        text += new TextDecoder().decode(buffer.subarray(0, n));
      }
      requests.push(text);
      await conn.write(encoder.encode(response));
      conn.close();
    }
  })();
  try {
    await test((listener.addr as Deno.NetAddr).port, requests);
  } finally {
    listener.close();
    await served.catch(() => {});
  }
}

Deno.test("fetchEosCamera against a local fake camera", async (t) => {
  const ok200 = `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${
    encoder.encode(SIX_D).length
  }\r\n\r\n${SIX_D}`;

  await t.step("sends exactly the Windows GET and reads the model", async () => {
    await withFakeCamera(ok200, async (port, requests) => {
      const announcement = { ip: "127.0.0.1", port, path: "/upnp/CameraDevDesc.xml", location: "" };
      const names = await withTimeout(
        fetchEosCamera(announcement, exchangeRaw, 2000),
        5000,
        "EOS fetch",
      );
      assertEquals(names, {
        kind: "camera",
        names: { friendlyName: "EOS6D", modelName: "Canon EOS 6D" },
      });
      assertEquals(requests, [eosFetchRequest(announcement)]);
    });
  });

  await t.step("a 404 is an error value, not a throw", async () => {
    await withFakeCamera("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", async (port) => {
      const announcement = { ip: "127.0.0.1", port, path: "/x.xml", location: "" };
      const result = await fetchEosCamera(announcement, exchangeRaw, 2000);
      assertEquals(result, { kind: "failed", error: "answered HTTP/1.1 404 Not Found" });
    });
  });

  await t.step("a refused connection is an error value", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const result = await fetchEosCamera(
      { ip: "127.0.0.1", port, path: "/x.xml" },
      exchangeRaw,
      2000,
    );
    assert(result.kind === "failed");
    assertMatch(result.error, /^fetch failed/);
  });
});

Deno.test("readEosMessage: only what an EOS body serves is fetched (issue 22, item 4)", async (t) => {
  await t.step("a LOCATION off the camera's UPnP port or path is invalid, with the reason", () => {
    const aimed: [string, RegExp][] = [
      [`http://${CAM}:8080/cgi-bin/admin.cgi?action=factory_reset`, /port 8080, not 49152/],
      [`http://${CAM}/upnp/CameraDevDesc.xml`, /port 80, not 49152/],
      [`http://${CAM}:49152/cgi-bin/admin.cgi?action=factory_reset`, /not a description path/],
      [`http://${CAM}:49152/upnp/CameraDevDesc.xml?action=reset`, /not a description path/],
      [`http://${CAM}:49152/upnp/../admin.xml`, /not a description path/],
      [`http://${CAM}:49152/upnp/a/b.xml`, /not a description path/],
      [`http://${CAM}:49152/upnp/CameraDevDesc.cgi`, /not a description path/],
    ];
    for (const [location, reason] of aimed) {
      const read = readEosMessage(notify("ssdp:alive", location), CAM);
      assertEquals(read?.kind, "invalid", location);
      assertMatch(read?.kind === "invalid" ? read.reason : "", reason);
    }
  });
  await t.step("the LOCATIONs EOS bodies send are announcements", () => {
    for (const path of ["/upnp/CameraDevDesc.xml", "/upnp/camera_desc-2.xml"]) {
      const read = readEosMessage(notify("ssdp:alive", `http://${CAM}:49152${path}`), CAM);
      assertEquals(read?.kind === "alive" && read.announcement.path, path);
    }
  });
});

Deno.test("fetchEosCamera calls a host a camera only for a Canon camera's description", async () => {
  const announcement = {
    ip: CAM,
    port: 49152,
    path: "/upnp/CameraDevDesc.xml",
    location: LOCATION,
  };
  const answering = (xml: string) => () =>
    Promise.resolve({ head: "HTTP/1.1 200 OK", body: encoder.encode(xml) });
  const router = `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device>
<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>Router</friendlyName><manufacturer>NETGEAR</manufacturer><modelName>R7000</modelName>
</device></root>`;
  const printer = SIX_D.replace(
    "urn:schemas-upnp-org:device:Basic:1",
    "urn:schemas-upnp-org:device:Printer:1",
  );
  const anyXml = "<config><admin>reset</admin></config>";
  const noMaker = SIX_D.replace("<manufacturer>CANON INC.</manufacturer>", "");
  const outcome = async (xml: string) => await fetchEosCamera(announcement, answering(xml), 1000);
  assertEquals((await outcome(SIX_D)).kind, "camera");
  // A description that names no maker is read by its model.
  assertEquals((await outcome(noMaker)).kind, "camera");
  for (const xml of [router, printer, anyXml, noMaker.replace("Canon EOS 6D", "R7000")]) {
    const result = await outcome(xml);
    assertEquals(result.kind, "not-camera", xml);
  }
  const refused = await fetchEosCamera(announcement, () => Promise.reject(new Error("refused")));
  assertEquals(refused.kind, "failed");
});
