import { assert, assertEquals, assertMatch, assertNotMatch } from "../support/assert.ts";
import { formatInterfaceTable } from "../../lib/network/report.ts";
import type { InterfaceAddress } from "../../lib/network/interfaces.ts";

const v4 = (name: string, address: string, netmask = "255.255.255.0"): InterfaceAddress => ({
  name,
  family: "IPv4",
  address,
  netmask,
});

const MACHINE: InterfaceAddress[] = [
  v4("lo", "127.0.0.1", "255.0.0.0"),
  {
    name: "lo",
    family: "IPv6",
    address: "::1",
    netmask: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  },
  v4("eth0", "192.168.1.20"),
  v4("veth9f3e2d1", "172.17.0.9", "255.255.0.0"),
  v4("docker0", "172.17.0.1", "255.255.0.0"),
  v4("eth1", "169.254.7.8", "255.255.0.0"),
];

// The rows of the table as [verdict, interface, address, reason], found by splitting on the
// two-space column gaps; the header row and the summary are checked separately.
function rows(table: string): string[][] {
  const lines = table.split("\n");
  const end = lines.indexOf("");
  assert(end > 1, "rows end with an empty line before the summary");
  return lines.slice(1, end).map((line) => line.split(/ {2,}/));
}

Deno.test("formatInterfaceTable", async (t) => {
  const table = formatInterfaceTable(MACHINE, { lanAddress: undefined, interfaceNames: [] });

  await t.step("one row per IPv4 address with its verdict and reason", () => {
    assertEquals(rows(table), [
      ["skip", "lo", "127.0.0.1", "loopback"],
      ["serve", "eth0", "192.168.1.20", "usable LAN address"],
      [
        "skip",
        "veth9f3e2d1",
        "172.17.0.9",
        "virtual bridge or tunnel (select it with -i if a camera is there)",
      ],
      [
        "skip",
        "docker0",
        "172.17.0.1",
        "virtual bridge or tunnel (select it with -i if a camera is there)",
      ],
      ["skip", "eth1", "169.254.7.8", "link-local"],
    ]);
    assert(!table.includes("::1"), "IPv6 is not listed");
  });

  await t.step("a header row, aligned columns and a summary", () => {
    const lines = table.split("\n");
    assertMatch(lines[0], /^\s+INTERFACE\s+ADDRESS\s+WHY$/);
    // Every row's address starts in the column where the ADDRESS header starts.
    const column = lines[0].indexOf("ADDRESS");
    for (const line of lines.slice(1, 6)) {
      assertMatch(line.slice(column), /^\d+\.\d+\.\d+\.\d+ /, line);
    }
    assertEquals(lines.at(-1), "1 address would be served.");
  });

  await t.step("link-local is served when it is all there is", () => {
    const only = formatInterfaceTable(
      [v4("lo", "127.0.0.1", "255.0.0.0"), v4("eth1", "169.254.7.8", "255.255.0.0")],
      { interfaceNames: [] },
    );
    assertEquals(rows(only)[1], [
      "serve",
      "eth1",
      "169.254.7.8",
      "link-local, served because no other address exists",
    ]);
  });

  await t.step("-i and LAN_IP change the verdicts and the summary counts", () => {
    const named = formatInterfaceTable(MACHINE, { interfaceNames: ["docker0", "veth9f3e2d1"] });
    assertEquals(
      rows(named).map((r) => [r[0], r[1], r[3]]),
      [
        ["skip", "lo", "not named with -i"],
        ["skip", "eth0", "not named with -i"],
        ["serve", "veth9f3e2d1", "named with -i"],
        ["serve", "docker0", "named with -i"],
        ["skip", "eth1", "not named with -i"],
      ],
    );
    assertEquals(named.split("\n").at(-1), "2 addresses would be served.");

    const lan = formatInterfaceTable(MACHINE, { lanAddress: "192.168.1.20", interfaceNames: [] });
    assertEquals(rows(lan).filter((r) => r[0] === "serve"), [
      ["serve", "eth0", "192.168.1.20", "the LAN_IP given"],
    ]);
  });

  await t.step("says so when nothing would be served", () => {
    const none = formatInterfaceTable([v4("lo", "127.0.0.1", "255.0.0.0")], {
      interfaceNames: [],
    });
    assertEquals(
      none.split("\n").at(-1),
      "No interface would be served: connect to the camera's network, or name one with -i.",
    );
  });

  await t.step("says so when there is no IPv4 interface", () => {
    assertEquals(formatInterfaceTable([], { interfaceNames: [] }), "no IPv4 interfaces found");
  });
});

Deno.test("formatInterfaceTable: an -i name that does not exist is said, with the ones that do", () => {
  const table = formatInterfaceTable(MACHINE, {
    lanAddress: undefined,
    interfaceNames: ["nosuch"],
  });
  const lines = table.split("\n");
  assertEquals(
    lines.at(-2),
    "-i: there is no interface named nosuch. This computer has: lo 127.0.0.1, eth0 192.168.1.20, " +
      "veth9f3e2d1 172.17.0.9, docker0 172.17.0.1, eth1 169.254.7.8.",
  );
  assertEquals(lines.at(-1), "No interface would be served.");
  const known = formatInterfaceTable(MACHINE, { lanAddress: undefined, interfaceNames: ["eth0"] });
  assertNotMatch(known, /no interface named/);
});
