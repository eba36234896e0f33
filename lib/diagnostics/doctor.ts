/**
 * The `doctor` command's verdicts: from the facts gathered about this machine (`doctor_facts.ts`) to a
 * list of checks, each passed, failed, a warning or not checkable, with the fix to apply; and their
 * text. Pure.
 *
 * @module
 */

import type { FirewallAdvice } from "./firewall.ts";
import type { Candidate, InterfaceAddress } from "../network/interfaces.ts";
import {
  interfaceList,
  type MissingInterface,
  missingInterfacesText,
} from "../network/missing_interfaces.ts";
import { formatOwners, type PortHolders, type SocketOwner } from "./port_holders.ts";
import { describeUuidSource, isUuid, type UuidFailure, type UuidLocation } from "../uuid/store.ts";
import type { FolderAccess, FolderProblem } from "./folder_access.ts";
import type { FreeSpaceAnswer } from "./free_space.ts";
import { formatBytes } from "../terminal/import_progress.ts";
import { parentDir } from "../util/path.ts";
import { SSDP_MULTICAST_ADDRESS } from "../ssdp/wire.ts";
import { escapeControls } from "../terminal/logger.ts";
import { uuidFailureMessage } from "../errors.ts";
import { ok, type Result } from "../util/result.ts";

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
export type Holders = Result<PortHolders, string>;

/**
 * What answered a GET of the description path where the description port was in use: a description
 * and its UDN (as sent, cut short), or what came instead.
 */
export type DescriptionAnswer =
  | { udn: string }
  | {
    /** What came instead of a description, or why nothing came. */
    other: string;
    /** A 404 with the helper's (Windows') `Server` header: maybe a helper serving another path. */
    elsewhere?: boolean;
  };

/** The longest account of a foreign answer shown: a parser's error may quote what it read. */
const MAX_ANSWER_SHOWN = 160;

/** Listening on the description port on one address, and what answered there when it was in use. */
export interface DescListen extends AddressOutcome {
  /** Asked only when the port was in use. */
  answer?: DescriptionAnswer;
}

/** Everything `doctor` found, gathered without changing anything. */
export interface DoctorFacts {
  /** Every IPv4 interface and whether it would be served. */
  candidates: Candidate[];
  /** The `-i` names that cannot be served: absent, or without IPv4. */
  missingInterfaces?: MissingInterface[];
  /** Every interface, to list when a `-i` name is missing. */
  interfaces?: InterfaceAddress[];
  /** The SSDP port checked. */
  ssdpPort: number;
  /** The description port checked. */
  descPort: number;
  /** Opening UDP `ssdpPort` on all addresses with address reuse, or the error it failed with. */
  ssdpSocket: Result<void, string>;
  /** Joining the SSDP group on each served address (empty when the socket failed). */
  memberships: AddressOutcome[];
  /** Other sockets on the SSDP port, seen before ours was opened. */
  ssdpHolders: Holders;
  /** The description's URL path, without its leading slash. */
  descPath: string;
  /** Listening on the description port on each address the helper would. */
  descListens: DescListen[];
  /** Other listeners on the description port. */
  descHolders: Holders;
  /** Where the UUID is, or why it cannot be read. */
  uuid: Result<UuidLocation, UuidFailure>;
  /** Where the first start will write the UUID file, when it will, and whether it can. */
  uuidWrite?: FolderAccess & { file: string };
  /** What the firewall would do to the camera's traffic. */
  firewall: FirewallAdvice[];
  /** Where `--import-to` puts the photos; absent without `--import-to`. */
  importDest?: ImportDestFacts;
}

/** The photo sink's destination (`--import-to DIR`) as doctor found it. */
export interface ImportDestFacts {
  /** The folder, absolute (as `serve` makes it), without a trailing separator. */
  dir: string;
  /** The nearest existing folder on its path (`dir` itself when it exists) and why it cannot be written. */
  access: FolderAccess;
  /** The room left on the file system that folder is on. */
  space: FreeSpaceAnswer;
}

/**
 * Below this many free bytes the destination is nearly full (a warning). A photo is 5-60 MB (a JPEG
 * to a 45 MP raw file), so 2 GB is a few dozen raw files: less than one outing. A share of the disk
 * would misjudge both ends: 5 % of a 4 TB disk is 200 GB, room for years; of a 16 GB SD card, 800 MB.
 */
const NEARLY_FULL_BYTES = 2_000_000_000;

/** Below this many free bytes the destination is full (a failure): not even two raw files fit. */
const FULL_BYTES = 100_000_000;

const SYMBOLS: Record<Grade, string> = { pass: "✓", fail: "✗", warn: "!", unknown: "?" };

function holderText(found: Holders): string {
  if (!found.ok || found.value.sockets === 0) return "";
  const { hidden, owners } = found.value;
  const named = formatOwners(owners);
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
  if (!holders.ok) return [];
  return holders.value.owners.filter((o) => HELPER_NAMES.test(o.name)).map((o) =>
    `${o.name} (pid ${o.pid}) looks like an earlier helper still running (a \`deno task start\` ` +
    `killed with SIGKILL leaves its \`deno run\` child behind): stop it with kill ${o.pid}`
  );
}

function interfaceCheck(facts: DoctorFacts): Check {
  const { candidates, missingInterfaces: missing = [], interfaces = [] } = facts;
  const served = candidates.filter((c) => c.served);
  const serving = `serving ${served.map((c) => `${c.name} ${c.address}`).join(", ")}`;
  if (missing.length > 0) {
    // A mistyped -i: every interface is "not named with -i", which hides the typo.
    return {
      grade: served.length > 0 ? "warn" : "fail",
      title: `interfaces: ${missingInterfacesText(missing)}`,
      fix: [
        `this computer has: ${interfaceList(interfaces)}`,
        "name one of those with -i NAME, or leave -i out to serve every LAN interface",
        ...(served.length > 0 ? [serving] : []),
      ],
    };
  }
  if (served.length > 0) return { grade: "pass", title: `interfaces: ${serving}` };
  const skipped = candidates.filter((c) => !c.served).map((c) =>
    `${c.name} ${c.address} is skipped: ${c.reason}`
  );
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

/** The UUID a description's UDN names (`uuid:` and a UUID), lower-cased; `undefined` if it names none. */
function udnUuid(udn: string): string | undefined {
  const match = /^uuid:(.*)$/i.exec(udn.trim());
  return match && isUuid(match[1]) ? match[1].toLowerCase() : undefined;
}

/**
 * The processes of the helper serving the description port: its holders, once some address answered
 * with a description naming a UUID (only the helper, or Windows, does that on this port).
 */
function helperOwners(facts: DoctorFacts): SocketOwner[] {
  const recognised = facts.descListens.some((l) =>
    l.answer !== undefined && "udn" in l.answer && udnUuid(l.answer.udn) !== undefined
  );
  return recognised && facts.descHolders.ok ? facts.descHolders.value.owners : [];
}

/** The SSDP port's holders without the running helper's processes: sharing with it is no problem. */
function withoutHelper(holders: Holders, helper: readonly SocketOwner[]): Holders {
  if (!holders.ok || helper.length === 0) return holders;
  const { hidden } = holders.value;
  const owners = holders.value.owners.filter((o) => !helper.some((h) => h.pid === o.pid));
  const sockets = owners.length === 0 && hidden === 0 ? 0 : holders.value.sockets;
  return ok({ sockets, owners, hidden });
}

function ssdpChecks(facts: DoctorFacts): Check[] {
  const port = facts.ssdpPort;
  const helper = helperOwners(facts);
  const others = withoutHelper(facts.ssdpHolders, helper);
  const holders = holderText(others);
  if (!facts.ssdpSocket.ok) {
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
  const checks: Check[] = [
    { grade: "pass", title: `UDP ${port} can be opened (shared)` },
    ...facts.memberships.map((m): Check =>
      m.error === undefined
        ? {
          grade: "pass",
          title: `joined the SSDP group ${SSDP_MULTICAST_ADDRESS} on ${m.address}`,
        }
        : {
          grade: "fail",
          title: `cannot join the SSDP group on ${m.address}: ${m.error.message}`,
          fix: ["make sure the interface is up and multicast is on (ip link set DEV multicast on)"],
        }
    ),
  ];
  if (!facts.ssdpHolders.ok) {
    checks.push({
      grade: "unknown",
      title: `other programs on UDP ${port} could not be looked for: ${facts.ssdpHolders.error}`,
    });
  } else if (holders) {
    checks.push({
      grade: "warn",
      title: `UDP ${port} is also used by ${holders}`,
      fix: [
        "the port is shared, but a unicast datagram to it reaches only one of the programs:",
        "if the camera does not list this computer, stop that program while pairing",
        ...staleHelperFix(others),
      ],
    });
  } else if (others !== facts.ssdpHolders && facts.ssdpHolders.value.sockets > 0) {
    checks.push({
      grade: "pass",
      title: `no other program than the running helper listens on UDP ${port}`,
    });
  } else {
    checks.push({ grade: "pass", title: `no other program listens on UDP ${port}` });
  }
  return checks;
}

/**
 * The description port on one address held by a helper, graded by its UUID: a camera only reconnects
 * to the UUID it paired with, so a helper with another one is running but useless to it.
 */
function runningCheck(facts: DoctorFacts, address: string, theirs: string): Check {
  const owners = helperOwners(facts);
  // The owners are named when they could be seen.
  const named = owners.map((o) => `${o.name}, pid ${o.pid}`).join("; ");
  const running = `running here${named ? ` (${named})` : ""}, serving ${address}:${facts.descPort}`;
  const ours = facts.uuid.ok ? facts.uuid.value.uuid?.toLowerCase() : undefined;
  if (ours === theirs) {
    return {
      grade: "pass",
      title: `the helper is ${running} with this computer's UUID`,
    };
  }
  const kill = owners.length > 0 ? ` (kill ${owners.map((o) => o.pid).join(" ")})` : "";
  if (ours === undefined) {
    return {
      grade: "warn",
      title: `a helper is ${running} with UUID ${theirs}`,
      fix: [
        "doctor found no UUID to compare it with: that helper was started with --uuid or " +
        "--uuid-file, or by another user; run doctor the same way to compare",
      ],
    };
  }
  return {
    grade: "warn",
    title: `another helper is ${running} with UUID ${theirs}, not this computer's UUID ${ours}`,
    fix: [
      "a camera only reconnects to the UUID it paired with: if it paired with " +
      `${ours}, stop that helper${kill} and start this one`,
      `if it paired with ${theirs}, keep that helper, or start this one with --uuid ${theirs}`,
      "(doctor reads this user's UUID: run as another user, with sudo say, it reads that user's)",
    ],
  };
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
    const answer = l.answer;
    const theirs = answer && "udn" in answer ? udnUuid(answer.udn) : undefined;
    if (theirs !== undefined) return runningCheck(facts, l.address, theirs);
    // What answered is not ours: cut short, and escaped when printed.
    const gave = answer === undefined
      ? []
      : "other" in answer
      ? [answer.other]
      : [`a description whose UDN is ${JSON.stringify(answer.udn)}, not uuid: and a UUID`];
    const otherPath = answer && "other" in answer && answer.elsewhere
      ? [
        `it answers as the helper does, but has no description at /${facts.descPath}: ` +
        "if it is a helper started with -f/--file-path, run doctor with the same -f",
      ]
      : [];
    return {
      grade: "fail",
      title: `TCP ${port} (description) on ${l.address} is in use${
        holders ? ` by ${holders}` : ""
      }`,
      fix: [
        "stop that program, or choose another port with -P/--desc-port",
        ...gave.map((g) => `asked for its description, it gave ${g.slice(0, MAX_ANSWER_SHOWN)}`),
        ...otherPath,
        ...staleHelperFix(facts.descHolders),
      ],
    };
  });
}

/** Completes "the folder F …". */
function folderProblemText(problem: FolderProblem): string {
  switch (problem.kind) {
    case "unreadable":
      return `cannot be read: ${problem.cause}`;
    case "not-a-folder":
      return "is not a folder";
    case "not-writable":
      return `is not writable: ${problem.cause}`;
  }
}

function uuidCheck(located: DoctorFacts["uuid"], write: DoctorFacts["uuidWrite"]): Check {
  if (!located.ok) return { grade: "fail", title: `UUID: ${uuidFailureMessage(located.error)}` };
  const uuid = located.value;
  const refused = write?.problem;
  const title = uuid.uuid === undefined
    ? `UUID: none yet; one will be created at ${uuid.createIn} on the first start`
    : `UUID ${uuid.uuid} (${describeUuidSource({ ...uuid, warning: undefined })})`;
  if (write && refused) {
    // The Python helpers' UUID is copied to the per-user file on the first start.
    const what = uuid.uuid === undefined
      ? "UUID: none yet"
      : `${title}, to be copied on the first start`;
    const why = folderProblemText(refused);
    return {
      grade: "fail",
      title: `${what}, but ${write.file} cannot be created: the folder ${write.folder} ${why}`,
      fix: [
        "keep the UUID in a writable place with --uuid-file PATH (give serve the same option), " +
        "or give it with --uuid UUID",
        `or make ${write.folder} writable for this user`,
      ],
    };
  }
  return {
    grade: uuid.warning ? "warn" : "pass",
    title,
    fix: uuid.warning ? [uuid.warning] : undefined,
  };
}

/** The fix for a folder the helper's user cannot write to. */
const OWNER_FIX = [
  "the helper writes there as the user it runs as: give that user the folder " +
  "(sudo chown USER DIR), and run doctor as that user to check (sudo -u USER ptpip-canon-helper " +
  "doctor --import-to DIR)",
  "the photo-sink systemd unit runs as its User= (packaging/systemd, README: Raspberry Pi photo sink)",
];

/** Whether the folder exists and can be written; a missing one is made by the first import. */
function importDestCheck(dest: ImportDestFacts): Check {
  const { dir, access } = dest;
  const parent = parentDir(dir);
  const title = `photos (--import-to): ${dir}`;
  const problem = access.problem;
  if (access.folder === dir) {
    if (problem === undefined) {
      return { grade: "pass", title: `${title} is a folder this user can write to` };
    }
    return {
      grade: "fail",
      title: `${title} ${folderProblemText(problem)}`,
      fix: problem.kind === "not-a-folder"
        ? ["give --import-to a folder, or move that file away"]
        : OWNER_FIX,
    };
  }
  if (access.folder !== parent) {
    // The importer makes DIR with one mkdir: it needs the folder above to exist.
    return {
      grade: "fail",
      title: `${title} does not exist, nor does ${parent}: the helper creates only the last folder`,
      fix: [
        `if it is on a disk that is not mounted, mount it; else create it: mkdir -p ${dir}`,
        ...(problem === undefined
          ? []
          : [`(the nearest folder there is, ${access.folder}, ${folderProblemText(problem)})`]),
      ],
    };
  }
  if (problem !== undefined) {
    return {
      grade: "fail",
      title: `${title} does not exist, and it cannot be made: ${parent} ${
        folderProblemText(problem)
      }`,
      fix: [`create it for the helper's user: sudo mkdir ${dir} && sudo chown USER ${dir}`],
    };
  }
  return {
    grade: "warn",
    title: `${title} does not exist yet: the first import creates it in ${parent}`,
    fix: [
      `if it belongs on a disk that is not mounted now, mount it first: the photos would go to ` +
      `the disk that holds ${parent}`,
      `or create it now: mkdir ${dir}`,
    ],
  };
}

/** Whether the disk has room for photos; see {@linkcode NEARLY_FULL_BYTES}. */
function freeSpaceCheck(answer: FreeSpaceAnswer): Check {
  if (!answer.ok) return { grade: "unknown", title: `free space for photos: ${answer.error}` };
  const space = answer.value;
  const free = formatBytes(space.availableBytes);
  const of = `of ${formatBytes(space.totalBytes)} on ${space.mountedOn}`;
  if (space.availableBytes >= NEARLY_FULL_BYTES) {
    return { grade: "pass", title: `free space for photos: ${free} ${of}` };
  }
  const full = space.availableBytes < FULL_BYTES;
  return {
    grade: full ? "fail" : "warn",
    title: `free space for photos: the disk is ${full ? "full" : "nearly full"}, ${free} ${of}`,
    fix: ["a photo is 5-60 MB: make room there, or give --import-to a folder on a bigger disk"],
  };
}

/** Grades the facts into the report's checks, in the order they are shown. */
export function gradeDoctor(facts: DoctorFacts): Check[] {
  return [
    interfaceCheck(facts),
    ...ssdpChecks(facts),
    ...descChecks(facts),
    uuidCheck(facts.uuid, facts.uuidWrite),
    ...facts.firewall.map((f): Check => ({
      grade: f.grade,
      title: `firewall: ${f.summary}`,
      fix: f.commands.length > 0 ? f.commands : undefined,
    })),
    ...(facts.importDest === undefined
      ? []
      : [importDestCheck(facts.importDest), freeSpaceCheck(facts.importDest.space)]),
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
