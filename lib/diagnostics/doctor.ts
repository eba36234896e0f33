/**
 * The `doctor` command's verdicts: from the facts gathered about this machine (`doctor_facts.ts`) to a
 * list of checks, each passed, failed, a warning or not checkable, with the fix to apply; and their
 * text. Pure.
 *
 * @module
 */

import type { FirewallAdvice } from "./firewall.ts";
import type { Candidate } from "../network/interfaces.ts";
import { formatOwners, type PortHolders } from "./port_holders.ts";
import { describeUuidSource, type UuidLocation } from "../uuid/store.ts";
import { SSDP_MULTICAST_ADDRESS } from "../ssdp/wire.ts";
import { escapeControls } from "../terminal/log.ts";

/** How one check came out. */
export type Grade = "pass" | "fail" | "warn" | "unknown";

/** One line of the report, and what to do about it. */
export interface Check {
  /** Passed, warned, failed or could not tell. */
  grade: Grade;
  /** What was checked, in one line. */
  title: string;
  /** Lines to run or things to do; shown under the title. */
  fix?: string[];
}

/** The outcome of trying something on one address. */
export interface AddressOutcome {
  /** The local address the port was tried on. */
  address: string;
  /** The error, if it failed; `inUse` when the port was taken. */
  error?: { message: string; inUse: boolean };
}

/** Who holds a port, or why that could not be seen. */
export type Holders = PortHolders | { unknown: string };

/** Everything `doctor` found, gathered without changing anything. */
export interface DoctorFacts {
  /** Every IPv4 interface and whether it would be served. */
  candidates: Candidate[];
  /** The SSDP port checked. */
  ssdpPort: number;
  /** The description port checked. */
  descPort: number;
  /** Opening UDP `ssdpPort` on all addresses with address reuse. */
  ssdpSocket: { error?: string };
  /** Joining the SSDP group on each served address (empty when the socket failed). */
  memberships: AddressOutcome[];
  /** Other sockets on the SSDP port, seen before ours was opened. */
  ssdpHolders: Holders;
  /** Listening on the description port on each address the helper would. */
  descListens: AddressOutcome[];
  /** Other listeners on the description port. */
  descHolders: Holders;
  /** Where the UUID is, or why it cannot be read. */
  uuid: UuidLocation | { error: string };
  /** What the firewall would do to the camera's traffic. */
  firewall: FirewallAdvice[];
}

const SYMBOLS: Record<Grade, string> = { pass: "✓", fail: "✗", warn: "!", unknown: "?" };

function holderText(holders: Holders): string {
  if ("unknown" in holders || holders.sockets === 0) return "";
  const hidden = holders.hidden;
  const named = formatOwners(holders.owners);
  if (hidden <= 0) return named;
  const unseen = `${hidden} socket${
    hidden === 1 ? "" : "s"
  } of processes not visible (run as root)`;
  return named ? `${named}, and ${unseen}` : unseen;
}

// `ss` shows the first 15 characters of a process name.
const HELPER_NAMES = /^(deno|ptpip-canon-hel)/;

/**
 * The fix for a port held by what looks like an earlier helper: killing `deno task start` with
 * SIGKILL leaves its `deno run` child serving the old name, and every later start shares the port
 * with it.
 */
function staleHelperFix(holders: Holders): string[] {
  if ("unknown" in holders) return [];
  return holders.owners.filter((o) => HELPER_NAMES.test(o.name)).map((o) =>
    `${o.name} (pid ${o.pid}) looks like an earlier helper still running (a \`deno task start\` ` +
    `killed with SIGKILL leaves its \`deno run\` child behind): stop it with kill ${o.pid}`
  );
}

function interfaceCheck(candidates: readonly Candidate[]): Check {
  const served = candidates.filter((c) => c.served);
  const skipped = candidates.filter((c) => !c.served).map((c) =>
    `${c.name} ${c.address} is skipped: ${c.reason}`
  );
  if (served.length > 0) {
    return {
      grade: "pass",
      title: `interfaces: serving ${served.map((c) => `${c.name} ${c.address}`).join(", ")}`,
    };
  }
  return {
    grade: "fail",
    title: "interfaces: no IPv4 interface would be served",
    fix: [
      "connect this computer to the camera's network (its access point or the same Wi-Fi),",
      "or name the interface with -i NAME, or give its address as LAN_IP",
      ...skipped,
    ],
  };
}

function ssdpChecks(facts: DoctorFacts): Check[] {
  const port = facts.ssdpPort;
  const holders = holderText(facts.ssdpHolders);
  if (facts.ssdpSocket.error !== undefined) {
    return [{
      grade: "fail",
      title: `UDP ${port} cannot be opened: ${facts.ssdpSocket.error}`,
      fix: holders
        ? [
          `it is held by ${holders}: stop that program while pairing`,
          ...staleHelperFix(facts.ssdpHolders),
        ]
        : undefined,
    }];
  }
  const checks: Check[] = [{ grade: "pass", title: `UDP ${port} can be opened (shared)` }];
  for (const m of facts.memberships) {
    checks.push(
      m.error === undefined
        ? {
          grade: "pass",
          title: `joined the SSDP group ${SSDP_MULTICAST_ADDRESS} on ${m.address}`,
        }
        : {
          grade: "fail",
          title: `cannot join the SSDP group on ${m.address}: ${m.error.message}`,
          fix: ["make sure the interface is up and multicast is on (ip link set DEV multicast on)"],
        },
    );
  }
  if ("unknown" in facts.ssdpHolders) {
    checks.push({
      grade: "unknown",
      title: `other programs on UDP ${port} could not be looked for: ${facts.ssdpHolders.unknown}`,
    });
  } else if (holders) {
    checks.push({
      grade: "warn",
      title: `UDP ${port} is also used by ${holders}`,
      fix: [
        "the port is shared, but a unicast datagram to it reaches only one of the programs:",
        "if the camera does not list this computer, stop that program while pairing",
        ...staleHelperFix(facts.ssdpHolders),
      ],
    });
  } else {
    checks.push({ grade: "pass", title: `no other program listens on UDP ${port}` });
  }
  return checks;
}

function descChecks(facts: DoctorFacts): Check[] {
  const port = facts.descPort;
  const holders = holderText(facts.descHolders);
  return facts.descListens.map((l): Check => {
    if (l.error === undefined) {
      return { grade: "pass", title: `TCP ${port} (description) is free on ${l.address}` };
    }
    if (!l.error.inUse) {
      return {
        grade: "fail",
        title: `TCP ${port} (description) cannot be opened on ${l.address}: ${l.error.message}`,
        fix: ["choose another port with -P/--desc-port"],
      };
    }
    return {
      grade: "fail",
      title: `TCP ${port} (description) on ${l.address} is in use${
        holders ? ` by ${holders}` : ""
      }`,
      fix: [
        "stop that program, or choose another port with -P/--desc-port",
        ...staleHelperFix(facts.descHolders),
      ],
    };
  });
}

function uuidCheck(uuid: DoctorFacts["uuid"]): Check {
  if ("error" in uuid) return { grade: "fail", title: `UUID: ${uuid.error}` };
  if (uuid.uuid === undefined) {
    return {
      grade: uuid.warning ? "warn" : "pass",
      title: `UUID: none yet; one will be created at ${uuid.createIn} on the first start`,
      fix: uuid.warning ? [uuid.warning] : undefined,
    };
  }
  return {
    grade: uuid.warning ? "warn" : "pass",
    title: `UUID ${uuid.uuid} (${describeUuidSource({ ...uuid, warning: undefined })})`,
    fix: uuid.warning ? [uuid.warning] : undefined,
  };
}

/** Grades the facts into the report's checks, in the order they are shown. */
export function gradeDoctor(facts: DoctorFacts): Check[] {
  return [
    interfaceCheck(facts.candidates),
    ...ssdpChecks(facts),
    ...descChecks(facts),
    uuidCheck(facts.uuid),
    ...facts.firewall.map((f): Check => ({
      grade: f.grade,
      title: `firewall: ${f.summary}`,
      fix: f.commands.length > 0 ? f.commands : undefined,
    })),
  ];
}

/**
 * The report's text: one line per check, its fix indented below, and a closing summary. Process names
 * and error texts are not ours: control characters in them are shown escaped.
 */
export function formatChecks(checks: readonly Check[]): string {
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${SYMBOLS[check.grade]} ${escapeControls(check.title)}`);
    check.fix?.forEach((line, i) =>
      lines.push(`    ${i === 0 ? "fix:" : "    "} ${escapeControls(line)}`)
    );
  }
  const count = (grade: Grade) => checks.filter((c) => c.grade === grade).length;
  const failed = count("fail");
  const parts = [
    failed === 0 ? "nothing to fix" : `${failed} problem${failed === 1 ? "" : "s"} to fix`,
    count("warn") > 0 ? `${count("warn")} warning${count("warn") === 1 ? "" : "s"}` : "",
    count("unknown") > 0 ? `${count("unknown")} not checkable from here` : "",
  ].filter((p) => p !== "");
  lines.push("", `doctor: ${parts.join(", ")}.`);
  return lines.join("\n");
}

/** Whether any check failed. */
export function hasFailures(checks: readonly Check[]): boolean {
  return checks.some((c) => c.grade === "fail");
}
