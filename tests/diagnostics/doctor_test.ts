// doctor's pure parts: reading `ss` output, grading facts into checks, and the report's text.

import {
  type DoctorFacts,
  formatChecks,
  gradeDoctor,
  hasFailures,
} from "../../lib/diagnostics/doctor.ts";
import { formatOwners, parseSsOutput } from "../../lib/diagnostics/port_holders.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { TEST_UUID as OURS } from "../support/uuid.ts";
import { err, ok } from "../../lib/util/result.ts";

Deno.test("parseSsOutput counts sockets and names their owners once", () => {
  const text = [
    'UNCONN 0      0      0.0.0.0:1900 0.0.0.0:* users:(("minidlnad",pid=812,fd=5))',
    'UNCONN 0      0      239.255.255.250:1900 0.0.0.0:* users:(("minidlnad",pid=812,fd=6))',
    'UNCONN 0      0      [::]:1900 [::]:* users:(("python3",pid=913,fd=3),("python3",pid=914,fd=3))',
    "UNCONN 0      0      0.0.0.0:1900 0.0.0.0:*",
    "",
  ].join("\n");
  const holders = parseSsOutput(text);
  assertEquals(holders.sockets, 4);
  assertEquals(holders.hidden, 1);
  assertEquals(
    formatOwners(holders.owners),
    "minidlnad (pid 812), python3 (pid 913), python3 (pid 914)",
  );
  assertEquals(parseSsOutput(""), { sockets: 0, owners: [], hidden: 0 });
});

function facts(over: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    candidates: [
      { name: "eth0", address: "10.0.0.1", netmask: "255.255.255.0", served: true, reason: "" },
      { name: "lo", address: "127.0.0.1", netmask: "255.0.0.0", served: false, reason: "loopback" },
    ],
    ssdpPort: 1900,
    descPort: 8043,
    ssdpSocket: ok(undefined),
    memberships: [{ address: "10.0.0.1" }],
    ssdpHolders: ok({ sockets: 0, owners: [], hidden: 0 }),
    descPath: "ptpip-canon-desc-helper.xml",
    descListens: [{ address: "10.0.0.1" }],
    descHolders: ok({ sockets: 0, owners: [], hidden: 0 }),
    uuid: ok({ createIn: "/home/u/.config/ptpip-canon-helper/uuid" }),
    uuidWrite: { file: "/home/u/.config/ptpip-canon-helper/uuid", folder: "/home/u" },
    firewall: [{
      grade: "pass",
      summary: "no ufw, firewalld, nftables or iptables rules found",
      commands: [],
    }],
    ...over,
  };
}

Deno.test("a healthy machine: every check passes", () => {
  const checks = gradeDoctor(facts());
  assert(!hasFailures(checks));
  assertEquals(
    formatChecks(checks),
    [
      "✓ interfaces: serving eth0 10.0.0.1",
      "✓ UDP 1900 can be opened (shared)",
      "✓ joined the SSDP group 239.255.255.250 on 10.0.0.1",
      "✓ no other program listens on UDP 1900",
      "✓ TCP 8043 (description) is free on 10.0.0.1",
      "✓ UUID: none yet; one will be created at /home/u/.config/ptpip-canon-helper/uuid on the first start",
      "✓ firewall: no ufw, firewalld, nftables or iptables rules found",
      "",
      "doctor: nothing to fix.",
    ].join("\n"),
  );
});

Deno.test("each kind of problem is graded with its fix", async (t) => {
  await t.step("no served interface lists the skipped ones", () => {
    const [check] = gradeDoctor(facts({ candidates: [facts().candidates[1]] }));
    assertEquals(check.grade, "fail");
    assert(check.fix?.includes("lo 127.0.0.1 is skipped: loopback"), JSON.stringify(check));
  });

  await t.step("an -i name that does not exist is said, with the interfaces there are", () => {
    const interfaces = [
      { name: "lo", family: "IPv4" as const, address: "127.0.0.1", netmask: "255.0.0.0" },
      { name: "eth0", family: "IPv4" as const, address: "10.0.0.1", netmask: "255.255.255.0" },
    ];
    const notServed = facts().candidates.map((c) => ({ ...c, served: false }));
    const [check] = gradeDoctor(facts({
      candidates: notServed,
      missingInterfaces: [{ name: "nosuch", why: "absent" }],
      interfaces,
    }));
    assertEquals(check, {
      grade: "fail",
      title: "interfaces: there is no interface named nosuch",
      fix: [
        "this computer has: lo 127.0.0.1, eth0 10.0.0.1",
        "name one of those with -i NAME, or leave -i out to serve every LAN interface",
      ],
    });
    // -i eth0 -i nosuch: eth0 is served, the other name is still worth a warning.
    const [both] = gradeDoctor(facts({
      missingInterfaces: [{ name: "nosuch", why: "absent" }],
      interfaces,
    }));
    assertEquals(both.grade, "warn");
    assertEquals(both.fix?.at(-1), "serving eth0 10.0.0.1");
  });

  await t.step("a taken SSDP port names its holder; memberships are then not claimed", () => {
    const checks = gradeDoctor(facts({
      ssdpSocket: err("UDP port 1900 is in use by a program that does not share it."),
      memberships: [],
      ssdpHolders: ok({ sockets: 1, owners: [{ pid: 812, name: "svchost" }], hidden: 0 }),
    }));
    const text = formatChecks(checks);
    assertMatch(text, /^✗ UDP 1900 cannot be opened: UDP port 1900 is in use/m);
    assertMatch(
      text,
      /^ {4}fix: it is held by svchost \(pid 812\): stop that program while pairing$/m,
    );
    assert(!text.includes("joined the SSDP group"), text);
  });

  await t.step("a shared SSDP port is a warning naming the others, visible or not", () => {
    const checks = gradeDoctor(facts({
      ssdpHolders: ok({ sockets: 3, owners: [{ pid: 812, name: "minidlnad" }], hidden: 2 }),
    }));
    const warning = checks.find((c) => c.grade === "warn");
    assertEquals(
      warning?.title,
      "UDP 1900 is also used by minidlnad (pid 812), and 2 sockets of processes not visible (run as root)",
    );
    assert(!hasFailures(checks), "a warning does not fail doctor");
  });

  await t.step("a taken description port fails, naming the holder and the fix", () => {
    const checks = gradeDoctor(facts({
      descListens: [{ address: "10.0.0.1", error: { message: "in use", inUse: true } }],
      descHolders: ok({ sockets: 1, owners: [{ pid: 4242, name: "python3" }], hidden: 0 }),
    }));
    assert(hasFailures(checks));
    const text = formatChecks(checks);
    assertMatch(
      text,
      /^✗ TCP 8043 \(description\) on 10\.0\.0\.1 is in use by python3 \(pid 4242\)$/m,
    );
    assertMatch(text, /^ {4}fix: stop that program, or choose another port with -P\/--desc-port$/m);
    assertMatch(text, /^doctor: 1 problem to fix\.$/m);
  });

  await t.step("a failed membership, a UUID error, unknowns and warnings are all counted", () => {
    const checks = gradeDoctor(facts({
      memberships: [{ address: "10.0.0.1", error: { message: "No such device", inUse: false } }],
      ssdpHolders: err("`ss` (iproute2) is not installed"),
      uuid: err({ kind: "not-a-uuid", path: "/x", found: { kind: "not-a-file" } }),
      firewall: [{ grade: "warn", summary: "firewalld is running", commands: ["a", "b"] }],
    }));
    const text = formatChecks(checks);
    assertMatch(text, /^✗ cannot join the SSDP group on 10\.0\.0\.1: No such device$/m);
    assertMatch(text, /^\? other programs on UDP 1900 could not be looked for: `ss` \(iproute2\)/m);
    assertMatch(
      text,
      /^✗ UUID: the UUID file \/x does not hold a UUID \(it is not a regular file\)\. It was left untouched: fix it by hand, or move it away to make a new UUID \(cameras paired with the old one will then have to pair again\)\.$/m,
    );
    assertMatch(text, /^! firewall: firewalld is running\n {4}fix: a\n {9}b$/m);
    assertMatch(text, /^doctor: 2 problems to fix, 1 warning, 1 not checkable from here\.$/m);
  });

  await t.step("a port held by an earlier helper names it and how to stop it", () => {
    const stale = ok({ sockets: 1, owners: [{ pid: 5150, name: "deno" }], hidden: 0 });
    const text = formatChecks(gradeDoctor(facts({
      ssdpHolders: stale,
      descListens: [{ address: "10.0.0.1", error: { message: "in use", inUse: true } }],
      descHolders: stale,
    })));
    const line =
      "deno (pid 5150) looks like an earlier helper still running (a `deno task start` " +
      "killed with SIGKILL leaves its `deno run` child behind): stop it with kill 5150";
    assertEquals(text.split("\n").filter((l) => l.trim() === line).length, 2, text);
  });

  await t.step("process names and errors cannot drive the terminal", () => {
    const text = formatChecks(gradeDoctor(facts({
      ssdpHolders: ok({
        sockets: 1,
        owners: [{ pid: 7, name: "evil\x1b[2J\x1b]0;t\x07" }],
        hidden: 0,
      }),
    })));
    // deno-lint-ignore no-control-regex
    assert(!/[\x00-\x09\x0b-\x1f\x7f]/.test(text), text);
    assertMatch(text, /evil\\x1b\[2J\\x1b\]0;t\\x07 \(pid 7\)/);
  });

  await t.step("a found UUID says where it is", () => {
    const checks = gradeDoctor(facts({
      uuid: ok({
        uuid: OURS,
        source: { kind: "file", path: "/u/uuid", created: false },
      }),
    }));
    assert(
      checks.some((c) => c.title === `UUID ${OURS} (from /u/uuid)`),
    );
    const warned = gradeDoctor(facts({
      uuid: ok({
        uuid: OURS,
        source: { kind: "file", path: "/u/uuid", created: false },
        warning: "/w/ptpip-canon-helper.uuid (the Python helpers' file) holds another",
      }),
    })).find((c) => c.title.startsWith("UUID"));
    assertEquals(warned?.grade, "warn");
    assertEquals(warned?.fix, [
      "/w/ptpip-canon-helper.uuid (the Python helpers' file) holds another",
    ]);
  });
});

const THEIRS = "0d8e2a31-5f6b-4c1e-9a0f-3b7c6d5e4f21";

/** The facts beside a running helper: it holds both ports, and its description names `udn`. */
function besideHelper(udn: string, over: Partial<DoctorFacts> = {}): DoctorFacts {
  const helper = ok({ sockets: 1, owners: [{ pid: 4242, name: "deno" }], hidden: 0 });
  return facts({
    ssdpHolders: helper,
    descListens: [{
      address: "10.0.0.1",
      error: { message: "Address already in use (os error 98)", inUse: true },
      answer: { udn },
    }],
    descHolders: helper,
    uuid: ok({ uuid: OURS, source: { kind: "file", path: "/u/uuid", created: false } }),
    uuidWrite: undefined,
    ...over,
  });
}

Deno.test("doctor beside a running helper", async (t) => {
  await t.step("with this computer's UUID: running and healthy, nothing to fix or kill", () => {
    const checks = gradeDoctor(besideHelper(`uuid:${OURS.toUpperCase()}`));
    assert(!hasFailures(checks));
    const text = formatChecks(checks);
    assertEquals(
      text,
      [
        "✓ interfaces: serving eth0 10.0.0.1",
        "✓ UDP 1900 can be opened (shared)",
        "✓ joined the SSDP group 239.255.255.250 on 10.0.0.1",
        "✓ no other program than the running helper listens on UDP 1900",
        "✓ the helper is running here (deno, pid 4242), serving 10.0.0.1:8043 with this computer's UUID",
        `✓ UUID ${OURS} (from /u/uuid)`,
        "✓ firewall: no ufw, firewalld, nftables or iptables rules found",
        "",
        "doctor: nothing to fix.",
      ].join("\n"),
    );
  });

  await t.step("other programs on UDP 1900 are still named, the helper is not", () => {
    const text = formatChecks(gradeDoctor(besideHelper(`uuid:${OURS}`, {
      ssdpHolders: ok({
        sockets: 3,
        owners: [{ pid: 4242, name: "deno" }, { pid: 812, name: "minidlnad" }],
        hidden: 0,
      }),
    })));
    assertMatch(text, /^! UDP 1900 is also used by minidlnad \(pid 812\)$/m);
    assert(!text.includes("kill"), text);
  });

  await t.step("with another UUID: a warning naming both, and how to choose", () => {
    const checks = gradeDoctor(besideHelper(`uuid:${THEIRS}`));
    assert(!hasFailures(checks));
    const text = formatChecks(checks);
    assertMatch(
      text,
      new RegExp(
        `^! another helper is running here \\(deno, pid 4242\\), serving 10\\.0\\.0\\.1:8043 ` +
          `with UUID ${THEIRS}, not this computer's UUID ${OURS}$`,
        "m",
      ),
    );
    assert(
      text.includes(
        `fix: a camera only reconnects to the UUID it paired with: if it paired with ${OURS}, ` +
          "stop that helper (kill 4242) and start this one",
      ),
      text,
    );
    assert(text.includes(`start this one with --uuid ${THEIRS}`), text);
    assertMatch(text, /^doctor: nothing to fix, 1 warning\.$/m);
  });

  await t.step("no UUID here to compare with: a warning saying why", () => {
    const check = gradeDoctor(besideHelper(`uuid:${THEIRS}`, {
      uuid: ok({ createIn: "/home/u/.config/ptpip-canon-helper/uuid" }),
    })).find((c) => c.title.startsWith("a helper"));
    assertEquals(check?.grade, "warn");
    assertEquals(
      check?.title,
      `a helper is running here (deno, pid 4242), serving 10.0.0.1:8043 with UUID ${THEIRS}`,
    );
    assertMatch(check?.fix?.[0] ?? "", /started with --uuid or --uuid-file, or by another user/);
  });

  await t.step("its owner unseen: no pid is made up", () => {
    const hidden = ok({ sockets: 1, owners: [], hidden: 1 });
    const check = gradeDoctor(besideHelper(`uuid:${OURS}`, { descHolders: hidden }))
      .find((c) => c.title.startsWith("the helper"));
    assertEquals(
      check?.title,
      "the helper is running here, serving 10.0.0.1:8043 with this computer's UUID",
    );
  });

  await t.step("a description without a UUID is not a helper: the port is taken", () => {
    for (const udn of ["uuid:not-a-uuid", `${OURS}`, "uuid:\x1b[2J"]) {
      const checks = gradeDoctor(besideHelper(udn));
      assert(hasFailures(checks), udn);
      const text = formatChecks(checks);
      assertMatch(text, /^✗ TCP 8043 \(description\) on 10\.0\.0\.1 is in use by deno/m);
      assert(text.includes("asked for its description, it gave a description whose UDN is"), text);
      // deno-lint-ignore no-control-regex
      assert(!/[\x00-\x09\x0b-\x1f\x7f]/.test(text), text);
    }
  });

  await t.step("the helper's Server header on another path: a hint about -f", () => {
    const text = formatChecks(gradeDoctor(besideHelper("", {
      descListens: [{
        address: "10.0.0.1",
        error: { message: "in use", inUse: true },
        answer: { other: "HTTP status 404", elsewhere: true },
      }],
    })));
    assertMatch(text, /^ {9}asked for its description, it gave HTTP status 404$/m);
    assert(
      text.includes(
        "it answers as the helper does, but has no description at /ptpip-canon-desc-helper.xml: " +
          "if it is a helper started with -f/--file-path, run doctor with the same -f",
      ),
      text,
    );
    assertMatch(text, /^doctor: 1 problem to fix/m);
  });
});

Deno.test("a UUID file that cannot be created fails, naming the folder and the ways out", async (t) => {
  await t.step("none yet, in a read-only HOME", () => {
    const checks = gradeDoctor(facts({
      uuidWrite: {
        file: "/home/u/.config/ptpip-canon-helper/uuid",
        folder: "/home/u",
        problem: { kind: "not-writable", cause: "Permission denied (os error 13)" },
      },
    }));
    assert(hasFailures(checks));
    const text = formatChecks(checks);
    assert(
      text.includes(
        "✗ UUID: none yet, but /home/u/.config/ptpip-canon-helper/uuid cannot be created: " +
          "the folder /home/u is not writable: Permission denied (os error 13)\n" +
          "    fix: keep the UUID in a writable place with --uuid-file PATH (give serve the same " +
          "option), or give it with --uuid UUID\n" +
          "         or make /home/u writable for this user",
      ),
      text,
    );
    assertMatch(text, /^doctor: 1 problem to fix\.$/m);
  });

  await t.step("the Python helpers' UUID, which the first start copies", () => {
    const check = gradeDoctor(facts({
      uuid: ok({ uuid: OURS, source: { kind: "legacy", path: "/w/ptpip-canon-helper.uuid" } }),
      uuidWrite: {
        file: "/h/.config/ptpip-canon-helper/uuid",
        folder: "/h",
        problem: { kind: "not-a-folder" },
      },
    })).find((c) => c.title.startsWith("UUID"));
    assertEquals(check?.grade, "fail");
    assertEquals(
      check?.title,
      `UUID ${OURS} (from /w/ptpip-canon-helper.uuid (the Python helpers' file)), to be copied ` +
        "on the first start, but /h/.config/ptpip-canon-helper/uuid cannot be created: " +
        "the folder /h is not a folder",
    );
  });
});

Deno.test("doctor --import-to: the photo sink's folder and its free space", async (t) => {
  const GB = 1_000_000_000;
  const roomy = { availableBytes: 87.5 * GB, totalBytes: 124 * GB, mountedOn: "/srv" };
  const dest = (
    over: Partial<NonNullable<DoctorFacts["importDest"]>> = {},
  ): DoctorFacts["importDest"] => ({
    dir: "/srv/photos",
    access: { folder: "/srv/photos" },
    space: ok(roomy),
    ...over,
  });
  const sink = (over: Parameters<typeof dest>[0] = {}) =>
    gradeDoctor(facts({ importDest: dest(over) })).slice(-2);

  await t.step("without --import-to nothing is said of it", () => {
    assert(!formatChecks(gradeDoctor(facts())).includes("photos"));
  });

  await t.step("a writable folder with room: two passing lines after the others", () => {
    const checks = gradeDoctor(facts({ importDest: dest() }));
    assert(!hasFailures(checks));
    assertEquals(
      formatChecks(checks).split("\n").slice(-4),
      [
        "✓ photos (--import-to): /srv/photos is a folder this user can write to",
        "✓ free space for photos: 87.50 GB of 124.00 GB on /srv",
        "",
        "doctor: nothing to fix.",
      ],
    );
  });

  await t.step("missing, in a folder that exists: a warning, and the unmounted-disk trap", () => {
    const [check] = sink({ access: { folder: "/srv" } });
    assertEquals(check.grade, "warn");
    assertEquals(
      check.title,
      "photos (--import-to): /srv/photos does not exist yet: the first import creates it in /srv",
    );
    assertMatch(check.fix?.[0] ?? "", /disk that is not mounted now, mount it first/);
    assertEquals(check.fix?.[1], "or create it now: mkdir /srv/photos");
  });

  await t.step("missing with its parent: fails, the helper makes one folder only", () => {
    const [check] = sink({ dir: "/mnt/usb/photos", access: { folder: "/mnt" } });
    assertEquals(check.grade, "fail");
    assertEquals(
      check.title,
      "photos (--import-to): /mnt/usb/photos does not exist, nor does /mnt/usb: " +
        "the helper creates only the last folder",
    );
    assertMatch(check.fix?.[0] ?? "", /mount it; else create it: mkdir -p \/mnt\/usb\/photos$/);
  });

  await t.step("not writable, itself or where it would be made: fails naming the user fix", () => {
    const denied = { kind: "not-writable", cause: "Permission denied (os error 13)" } as const;
    const [own] = sink({ access: { folder: "/srv/photos", problem: denied } });
    assertEquals(own.grade, "fail");
    assertEquals(
      own.title,
      "photos (--import-to): /srv/photos is not writable: Permission denied (os error 13)",
    );
    assertMatch(own.fix?.[0] ?? "", /sudo chown USER DIR.*sudo -u USER ptpip-canon-helper doctor/);
    assertMatch(own.fix?.[1] ?? "", /User=/);
    const [parent] = sink({ access: { folder: "/srv", problem: denied } });
    assertEquals(parent.grade, "fail");
    assertMatch(parent.title, /does not exist, and it cannot be made: \/srv is not writable/);
    const [file] = sink({ access: { folder: "/srv/photos", problem: { kind: "not-a-folder" } } });
    assertEquals(file.title, "photos (--import-to): /srv/photos is not a folder");
    assertEquals(file.fix, ["give --import-to a folder, or move that file away"]);
  });

  await t.step("nearly full warns below 2 GB, full fails below 100 MB", () => {
    const space = (availableBytes: number) => ok({ ...roomy, availableBytes });
    const grade = (bytes: number) => sink({ space: space(bytes) })[1].grade;
    assertEquals(grade(2 * GB), "pass");
    assertEquals(grade(2 * GB - 1), "warn");
    assertEquals(grade(0.1 * GB), "warn");
    assertEquals(grade(0.1 * GB - 1), "fail");
    const [, nearly] = sink({ space: space(1.2 * GB) });
    assertEquals(
      nearly.title,
      "free space for photos: the disk is nearly full, 1.20 GB of 124.00 GB on /srv",
    );
    const [, full] = sink({ space: space(12_000_000) });
    assertEquals(
      full.title,
      "free space for photos: the disk is full, 12.0 MB of 124.00 GB on /srv",
    );
    assertMatch(full.fix?.[0] ?? "", /make room there, or give --import-to a folder on a bigger/);
  });

  await t.step("free space not known: said as such, not failed", () => {
    const checks = gradeDoctor(facts({
      importDest: dest({ space: err("not checked on Windows") }),
    }));
    assertEquals(checks.at(-1), {
      grade: "unknown",
      title: "free space for photos: not checked on Windows",
    });
    assertMatch(formatChecks(checks), /doctor: nothing to fix, 1 not checkable from here\.$/);
  });

  await t.step("a mount point cannot drive the terminal", () => {
    const [, check] = sink({ space: ok({ ...roomy, mountedOn: "/mnt/\x1b[2Jx" }) });
    assert(!formatChecks([check]).includes("\x1b"), formatChecks([check]));
  });
});
