/**
 * The service definitions under packaging/: the systemd unit and its photo-sink drop-in are read for the
 * settings the helper relies on and checked by `systemd-analyze` where it exists; the launchd plist is
 * parsed as strict XML and as a property list, its photo-sink variant (a comment) too.
 */

import { assert, assertEquals, assertMatch, assertNotEquals, fail } from "../support/assert.ts";
import { join } from "node:path";
import { SaxesParser } from "npm:saxes@^6.0.0";

const UNIT_PATH = new URL("../../packaging/systemd/ptpip-canon-helper.service", import.meta.url);
const PLIST_PATH = new URL(
  "../../packaging/launchd/io.github.ptpip-canon-helper.plist",
  import.meta.url,
);
const DROPIN_PATH = new URL("../../packaging/systemd/photo-sink.conf", import.meta.url);
const SINK_PLIST_PATH = new URL(
  "../../packaging/launchd/photo-sink/io.github.ptpip-canon-helper.plist",
  import.meta.url,
);
const README_PATH = new URL("../../README.md", import.meta.url);
const INSTALLED_BINARY = "/usr/bin/ptpip-canon-helper";

/** A unit file as section -> key -> every value given (systemd allows repeats). */
type Unit = Map<string, Map<string, string[]>>;

function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  // A trailing backslash continues the line, as systemd reads it.
  for (const line of text.replace(/\\\n/g, " ").split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const header = /^\[(\w+)\]$/.exec(trimmed);
    if (header) {
      section = new Map();
      unit.set(header[1], section);
      continue;
    }
    const pair = /^(\w+)=(.*)$/.exec(trimmed);
    assert(pair, `not a key=value line: ${line}`);
    assert(section, `${pair[1]} comes before any [Section]`);
    section.set(pair[1], [...section.get(pair[1]) ?? [], pair[2].trim()]);
  }
  return unit;
}

/** The last value of a key, the one systemd applies for single-valued settings. */
function setting(unit: Unit, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

/** Runs systemd-analyze; `undefined` when it is not installed. */
async function systemdAnalyze(
  args: string[],
): Promise<{ success: boolean; output: string } | undefined> {
  try {
    const { success, stdout, stderr } = await new Deno.Command("systemd-analyze", {
      args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { success, output: `${decode(stderr)}${decode(stdout)}` };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * `systemd-analyze verify` also checks that ExecStart's program exists, and /usr/bin/ptpip-canon-helper
 * is only there once the package is installed. So verify runs on a copy of the unit whose ExecStart
 * points to an executable stub; every other line is the shipped one. Returns the copy's path.
 */
async function unitWithStub(dir: string, unitText: string): Promise<string> {
  const stub = join(dir, "ptpip-canon-helper-stub");
  await Deno.writeTextFile(stub, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const copy = join(dir, "ptpip-canon-helper.service");
  assert(unitText.includes(`ExecStart=${INSTALLED_BINARY} `));
  await Deno.writeTextFile(
    copy,
    unitText.replace(`ExecStart=${INSTALLED_BINARY} `, `ExecStart=${stub} `),
  );
  return copy;
}

/** Writes the drop-in beside a {@linkcode unitWithStub} copy, where systemd looks for it. */
async function dropInWithStub(dir: string, dropInText: string): Promise<void> {
  const stub = join(dir, "ptpip-canon-helper-stub");
  assert(dropInText.includes(`ExecStart=${INSTALLED_BINARY} `));
  await Deno.mkdir(join(dir, "ptpip-canon-helper.service.d"));
  await Deno.writeTextFile(
    join(dir, "ptpip-canon-helper.service.d", "photo-sink.conf"),
    dropInText.replace(`ExecStart=${INSTALLED_BINARY} `, `ExecStart=${stub} `),
  );
}

/**
 * Runs `fn` on a {@linkcode unitWithStub} copy (with the drop-in beside it when one is given) in a
 * temporary folder that is removed afterwards.
 */
async function withStubbedUnit(
  unitText: string,
  dropInText: string | undefined,
  fn: (copy: string, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "systemd_test_" });
  try {
    const copy = await unitWithStub(dir, unitText);
    if (dropInText !== undefined) await dropInWithStub(dir, dropInText);
    await fn(copy, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `systemd-analyze verify` on a unit file, without looking up its man pages. */
function verify(copy: string) {
  return systemdAnalyze(["verify", "--man=no", copy]);
}

/** `systemd-analyze security` on a unit file, failing above an exposure of 2.0. */
function rateSecurity(copy: string) {
  return systemdAnalyze(["security", "--offline=yes", "--threshold=20", "--no-pager", copy]);
}

/** Whether this systemd-analyze has `security --offline` (systemd 250 on; older ones print their usage and fail). */
async function hasOfflineSecurity(): Promise<boolean> {
  return (await systemdAnalyze(["security", "--help"]))?.output.includes("--offline") ?? false;
}

Deno.test("systemd unit", async (t) => {
  const unitText = await Deno.readTextFile(UNIT_PATH);
  const unit = parseUnit(unitText);

  await t.step("runs the packaged binary with its UUID in the state directory", () => {
    const execStart = setting(unit, "Service", "ExecStart") ?? "";
    assertMatch(execStart, new RegExp(`^${INSTALLED_BINARY} `));
    assert(
      execStart.includes(" --uuid-file %S/ptpip-canon-helper/uuid"),
      `a restart must keep the UUID a camera paired with: ${execStart}`,
    );
    assertEquals(setting(unit, "Service", "DynamicUser"), "yes");
    assertEquals(setting(unit, "Service", "StateDirectory"), "ptpip-canon-helper");
    assertEquals(setting(unit, "Service", "Restart"), "on-failure");
    assertEquals(setting(unit, "Install", "WantedBy"), "multi-user.target");
  });

  await t.step("is hardened without breaking multicast or the V8 JIT", () => {
    for (
      const [key, value] of [
        ["NoNewPrivileges", "yes"],
        ["PrivateTmp", "yes"],
        ["ProtectSystem", "strict"],
        ["ProtectHome", "yes"],
        ["CapabilityBoundingSet", ""],
      ]
    ) {
      assertEquals(setting(unit, "Service", key), value, key);
    }
    const families = (setting(unit, "Service", "RestrictAddressFamilies") ?? "").split(/\s+/);
    assertEquals(families.sort(), ["AF_INET", "AF_INET6", "AF_NETLINK", "AF_UNIX"]);
    // Each of these would stop the helper: no network, no JIT memory, or no socket of its own.
    assertNotEquals(setting(unit, "Service", "MemoryDenyWriteExecute"), "yes");
    assertNotEquals(setting(unit, "Service", "PrivateNetwork"), "yes");
    assertEquals(setting(unit, "Service", "IPAddressDeny"), undefined);
  });

  const present = await systemdAnalyze(["--version"]);
  if (!present) console.warn("systemd_test: systemd-analyze is not installed; skipping its checks");

  await t.step({
    name: "systemd-analyze verify finds nothing to report",
    ignore: !present,
    fn: () =>
      withStubbedUnit(unitText, undefined, async (copy) => {
        const result = await verify(copy);
        assert(result);
        // verify exits 0 on unknown keys and bad values, only warning; any output is a finding.
        assert(result.success && result.output.trim() === "", result.output);
      }),
  });

  await t.step({
    name: "systemd-analyze verify would catch a bad setting",
    ignore: !present,
    fn: () => {
      const broken = unitText.replace("ProtectHome=yes", "ProtectHome=sometimes");
      return withStubbedUnit(broken, undefined, async (copy) => {
        const result = await verify(copy);
        assert(result?.output.includes("sometimes"), result?.output);
      });
    },
  });

  const security = present && await hasOfflineSecurity();
  if (present && !security) {
    console.warn("systemd_test: this systemd-analyze has no `security --offline`; skipping it");
  }
  await t.step({
    name: "systemd-analyze security rates the exposure 2.0 or lower",
    ignore: !security,
    fn: () =>
      withStubbedUnit(unitText, undefined, async (copy) => {
        const result = await rateSecurity(copy);
        assert(result?.success, result?.output);
      }),
  });
});

Deno.test("systemd photo-sink drop-in", async (t) => {
  const unitText = await Deno.readTextFile(UNIT_PATH);
  const unit = parseUnit(unitText);
  const dropInText = await Deno.readTextFile(DROPIN_PATH);
  const dropIn = parseUnit(dropInText);
  const folder = setting(dropIn, "Service", "ReadWritePaths") ?? "";

  await t.step("runs as the photos' user, importing into the one folder it may write", () => {
    assertEquals([...dropIn.keys()], ["Service"]);
    assertEquals(setting(dropIn, "Service", "DynamicUser"), "no");
    const user = setting(dropIn, "Service", "User") ?? "";
    assertMatch(user, /^[a-z_][a-z0-9_-]*$/);
    assertNotEquals(user, "root");
    // An empty ExecStart= drops the unit's; the new one is the unit's with --import-to added.
    const execStarts = dropIn.get("Service")?.get("ExecStart");
    assertEquals(execStarts?.length, 2);
    assertEquals(execStarts?.[0], "");
    assertMatch(folder, new RegExp(`^/home/${user}/`), "the user's own folder");
    assertEquals(
      execStarts?.[1],
      (setting(unit, "Service", "ExecStart") ?? "").replace(
        " $PTPIP_CANON_HELPER_OPTIONS",
        ` --import-to ${folder} $PTPIP_CANON_HELPER_OPTIONS`,
      ),
    );
    // With ProtectHome=yes /home is empty, and a folder below it cannot be made writable.
    assertEquals(setting(dropIn, "Service", "ProtectHome"), "read-only");
    assertIncludesAll(dropInText, [
      "journalctl -u ptpip-canon-helper",
      "doctor --import-to",
      "one PTP/IP connection",
    ]);
  });

  await t.step("the README's photo sink recipe pastes the same lines", async () => {
    const readme = await Deno.readTextFile(README_PATH);
    const section = /^## Raspberry Pi photo sink\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
    const block = /```ini\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    const lines = (text: string) =>
      text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
    assertEquals(lines(block), lines(dropInText));
    assert(section.includes("journalctl -u ptpip-canon-helper"), "how to see the log");
    assert(section.includes("one PTP/IP connection"), "what it costs gphoto2 and hooks");
  });

  await t.step("changes nothing else of the unit's hardening", () => {
    const changed = [...dropIn.get("Service")!.keys()].sort();
    assertEquals(changed, [
      "DynamicUser",
      "ExecStart",
      "ProtectHome",
      "ReadWritePaths",
      "UMask",
      "User",
    ]);
    assertEquals(setting(unit, "Service", "ProtectSystem"), "strict");
    assertEquals(setting(unit, "Service", "StateDirectory"), "ptpip-canon-helper");
  });

  const present = await systemdAnalyze(["--version"]);
  await t.step({
    name: "systemd-analyze verify reads the drop-in and finds nothing to report",
    ignore: !present,
    fn: () =>
      withStubbedUnit(unitText, dropInText, async (copy, dir) => {
        const clean = await verify(copy);
        assert(clean?.success && clean.output.trim() === "", clean?.output);
        await Deno.remove(join(dir, "ptpip-canon-helper.service.d"), { recursive: true });
        await dropInWithStub(dir, dropInText.replace("ProtectHome=read-only", "ProtectHome=x"));
        const broken = await verify(copy);
        assert(broken?.output.includes("photo-sink.conf"), broken?.output);
      }),
  });

  const security = present && await hasOfflineSecurity();
  await t.step({
    name: "systemd-analyze security still rates the exposure 2.0 or lower",
    ignore: !security,
    fn: () =>
      withStubbedUnit(unitText, dropInText, async (copy) => {
        const result = await rateSecurity(copy);
        assert(result?.success, result?.output);
        // The drop-in was read: its settings are what is rated.
        assertMatch(result.output, /ProtectHome=.*read-only access/);
      }),
  });
});

function assertIncludesAll(text: string, parts: string[]): void {
  for (const part of parts) assert(text.includes(part), `expected ${JSON.stringify(part)}`);
}

/** A property-list value. */
type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** Parses strict XML 1.0 (saxes rejects anything not well-formed) into a bare element tree. */
function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const root: XmlElement = { name: "#document", children: [], text: "" };
  const open: XmlElement[] = [root];
  const errors: string[] = [];
  parser.on("error", (e) => errors.push(e.message));
  parser.on("opentag", (tag) => {
    const element = { name: tag.name, children: [], text: "" };
    open.at(-1)!.children.push(element);
    open.push(element);
  });
  parser.on("closetag", () => open.pop());
  parser.on("text", (text) => open.at(-1)!.text += text);
  parser.write(xml).close();
  assertEquals(errors, [], "the plist is well-formed XML");
  assertEquals(root.children.length, 1);
  return root.children[0];
}

function plistValue(element: XmlElement): PlistValue {
  switch (element.name) {
    case "string":
      return element.text;
    case "integer":
      assertMatch(element.text, /^-?\d+$/);
      return Number(element.text);
    case "true":
    case "false":
      assertEquals(element.children.length, 0);
      return element.name === "true";
    case "array":
      return element.children.map(plistValue);
    case "dict": {
      const dict: { [key: string]: PlistValue } = {};
      assertEquals(element.children.length % 2, 0, "every <key> has a value");
      for (let i = 0; i < element.children.length; i += 2) {
        const key = element.children[i];
        assertEquals(key.name, "key", `expected <key>, found <${key.name}>`);
        assert(!(key.text in dict), `key ${key.text} given twice`);
        dict[key.text] = plistValue(element.children[i + 1]);
      }
      return dict;
    }
    default:
      fail(`<${element.name}> is not a plist value`);
  }
}

Deno.test("launchd plist", async (t) => {
  const xml = await Deno.readTextFile(PLIST_PATH);
  const root = parseXml(xml);

  await t.step("is a property list holding one dict", () => {
    assertMatch(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!DOCTYPE plist /);
    assertEquals(root.name, "plist");
    assertEquals(root.children.length, 1);
    assertEquals(root.children[0].name, "dict");
  });

  await t.step("runs the helper at login, restarts it, and logs to a file", () => {
    const plist = plistValue(root.children[0]) as { [key: string]: PlistValue };
    assertEquals(plist.Label, "io.github.ptpip-canon-helper", "the label is the file's name");
    const args = plist.ProgramArguments;
    assert(Array.isArray(args) && args.length >= 1, "ProgramArguments is a non-empty array");
    assert(args.every((arg) => typeof arg === "string"));
    assertMatch(String(args[0]), /^\/.*\/ptpip-canon-helper$/, "an absolute program path");
    assertEquals(plist.RunAtLoad, true);
    assert(plist.KeepAlive === true || typeof plist.KeepAlive === "object", "KeepAlive is set");
    for (const key of ["StandardOutPath", "StandardErrorPath"]) {
      assertMatch(String(plist[key]), /^\/.*\.log$/, `${key} is an absolute log file`);
    }
  });

  await t.step("its photo-sink variant is the same agent with --import-to DIR", async () => {
    const sinkXml = await Deno.readTextFile(SINK_PLIST_PATH);
    const sink = plistValue(parseXml(sinkXml).children[0]) as { [key: string]: PlistValue };
    const plist = plistValue(root.children[0]) as { [key: string]: PlistValue };
    const args = sink.ProgramArguments as string[];
    assertEquals(args.slice(0, -2), plist.ProgramArguments);
    assertEquals(args.at(-2), "--import-to");
    // launchd expands no ~: the folder is absolute, in the user's Pictures.
    assertMatch(args.at(-1) ?? "", /^\/Users\/[^/]+\/Pictures\//);
    assertEquals({ ...sink, ProgramArguments: [] }, { ...plist, ProgramArguments: [] });
  });
});
