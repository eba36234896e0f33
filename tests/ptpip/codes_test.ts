// The code tables: names for responses and InitFail reasons, packet and
// operation names.

import { assertEquals, assertMatch } from "../support/assert.ts";
import {
  INIT_FAIL,
  initFailReason,
  OPERATION,
  operationName,
  PACKET,
  packetName,
  RESPONSE,
  responseReason,
} from "../../lib/ptpip/codes.ts";

Deno.test("responseReason words a known code with its name and hex, an unknown one by hex", () => {
  assertEquals(responseReason(RESPONSE.DeviceBusy), "the camera is busy (DeviceBusy, 0x2019)");
  assertEquals(responseReason(0x2abc), "response 0x2abc");
  assertEquals(responseReason(0x12), "response 0x0012");
  for (let code = 0x2001; code <= 0x2020; code++) {
    assertMatch(responseReason(code), /^[a-z].* \([A-Za-z]+, 0x20[0-2][0-9a-f]\)$/);
  }
});

Deno.test("the PTP 1.1 responses are all there, each once", () => {
  const values = Object.values(RESPONSE).sort((a, b) => a - b);
  assertEquals(values.length, 0x20);
  values.forEach((v, i) => assertEquals(v, 0x2001 + i));
});

Deno.test("initFailReason names the known reasons and numbers the others", () => {
  assertMatch(initFailReason(INIT_FAIL.RejectedInitiator), /refused this computer.*reason 1/);
  assertMatch(initFailReason(INIT_FAIL.Busy), /busy.*reason 2/);
  assertMatch(initFailReason(0xdeadbeef), /reason 3735928559/);
});

Deno.test("packet names round-trip", () => {
  for (const [name, value] of Object.entries(PACKET)) assertEquals(packetName(value), name);
  assertEquals(packetName(0), undefined);
  assertEquals(packetName(15), undefined);
});

Deno.test("operation names: each listed code by its first name, an unlisted one by hex", () => {
  const first = new Map<number, string>();
  for (const [name, value] of Object.entries(OPERATION)) {
    if (!first.has(value)) first.set(value, name);
  }
  for (const [value, name] of first) assertEquals(operationName(value), name);
  assertEquals(operationName(OPERATION.GetObject), "GetObject");
  assertEquals(operationName(0x9abc), "operation 0x9abc");
  assertEquals(operationName(0x12), "operation 0x0012");
});
