/**
 * Every export of `lib/` is imported by the program (main.ts, lib/, lab/, bench/, scripts/), or is a
 * type another export of its module names (which `deno doc --lint` needs exported), or is one the tests
 * need by design and listed in {@linkcode TESTS_NEED} with why. An export nothing imports should not
 * be one; one only tests import is either tested through the module's public function or listed.
 *
 * Imports are read from the text, not resolved: static `import`/`export … from`, and any other
 * mention of a module's path (a dynamic `import()`, `import * as`, a child script a test builds as a
 * string) counts every export of that module whose name the file spells.
 *
 * @module
 */

import { assertEquals } from "../support/assert.ts";

const ROOT = new URL("../../", import.meta.url);
/** The program's side: what imports `lib/` outside the tests. */
const PROGRAM = ["main.ts", "lib", "lab", "bench", "scripts"];

/**
 * Exports of `lib/` that only tests import, by module (path under `lib/`), with why the tests need
 * each group.
 */
const TESTS_NEED: Readonly<Record<string, readonly string[]>> = {
  // the cap a child script in description/fetch_test.ts imports, to measure a trickled read at it
  "cameras/camera_side.ts": ["EOS_RESPONSE_MAX_BYTES"],
  // pure: the LOCATION check case by case, the Windows-looking GET byte for byte (fakes expect it)
  "cameras/eos_flow.ts": ["eosFetchRequest", "validateEosLocation"],
  // limits the tests assert at their bound
  "cameras/eos_watch.ts": ["MAX_EOS_CAMERAS", "MAX_EOS_WAITING"],
  // pure: which answers are Canon cameras, tested without a network
  "cameras/find.ts": ["canonCameras"],
  // limits the tests assert at their bound; the hook's argv and environment, pure, tested directly
  "cameras/hook_runner.ts": [
    "HOOK_LINE_CHARS",
    "HOOK_OUTPUT_BYTES",
    "HOOK_QUEUE_LENGTH",
    "HOOK_RUNS_PER_ADDRESS",
    "HOOK_RUNS_PER_MINUTE",
    "hookArgv",
    "hookEnv",
  ],
  // limits the tests assert at their bound
  "cameras/lazy_side.ts": ["MAX_WAITING_CALLS"],
  // the cooldown the tests step the clock past; what a message says of presence, pure
  "cameras/tracker.ts": ["REARM_COOLDOWN_MS", "presenceOf"],
  // pure: number bounds and the typo suggestion, tested case by case
  "cli/parse.ts": ["parseWholeNumber", "suggestFlag"],
  // pure: the one camera of those found, or why not
  "commands/import.ts": ["onlyCamera"],
  // pure parser tested directly (the lab's shorter intervals)
  "commands/lab_timing.ts": ["parseLabTiming"],
  // limits the tests assert at their bound; the XML escape, pure
  "description/document.ts": ["MAX_NAME_LENGTH", "escapeXml"],
  // limits the tests assert at their bound; which connection makes way, pure
  "description/server.ts": ["MAX_LOGGED_PATH", "evictionFor"],
  // fact gatherers tested alone, against 127.0.0.1 and a temporary folder
  "diagnostics/doctor_facts.ts": ["askDescription", "importDestFacts"],
  // pure parser tested directly (ufw's rules)
  "diagnostics/firewall.ts": ["ufwAllows"],
  // pure parser tested directly (df's output, from several systems)
  "diagnostics/free_space.ts": ["parseDfOutput"],
  // pure parser tested directly (ss's output)
  "diagnostics/port_holders.ts": ["parseSsOutput"],
  // limits the tests assert at their bound; the requirement names grades are checked by; pure
  "diagnostics/probe.ts": ["MAX_PROBE_ANSWERS", "REQUIREMENTS", "listedName"],
  // limits the tests assert at their bound
  "import/eos_source.ts": ["EOS_BLOCK_BYTES"],
  // pure helpers tested at their edge cases (UTF-8 lengths, extensions)
  "import/file_name.ts": ["splitExtension", "utf8Length"],
  // pure: the capture day and its folders
  "import/layout.ts": ["dayFolders", "parseCaptureDay"],
  // where and how the record is kept, so tests plant and read one; its size limit
  "import/record.ts": [
    "MAX_RECORD_BYTES",
    "RECORD_DIR",
    "formatRecord",
    "parseRecord",
    "recordFileName",
  ],
  // limits the tests assert at their bound
  "import/write_batch.ts": ["WRITE_BATCH_BYTES"],
  // limits the tests assert at their bound
  "network/missing_interfaces.ts": ["MAX_LISTED"],
  // the dataset reader, tested on PTP strings directly (a lone surrogate, a string cut at its bound)
  "ptpip/datasets.ts": ["DatasetReader"],
  // the ID a fake camera's DeviceInfo carries; the remote mode per model, pure
  "ptpip/eos.ts": ["CANON_VENDOR_EXTENSION", "eosRemoteMode"],
  // limits the tests assert at their bound
  "ptpip/eos_events.ts": ["MAX_EOS_NAME_BYTES", "MAX_EOS_RECORDS"],
  // limits the tests assert at their bound; framing pieces, pure, tested on hostile bytes
  "ptpip/packets.ts": ["MAX_CONTROL_PACKET", "decodePacket", "readHeader"],
  // the production waits, which the tests pin
  "sink/backoff.ts": ["RECONNECT_BACKOFF"],
  // limits the tests assert at their bound
  "ssdp/answerer.ts": ["ALL_TARGETS_SPACING_MS"],
  // pure: the decision for a datagram that is no search, tested without a socket
  "ssdp/responder.ts": ["dispatchOther"],
  // pure: the URL for an address, port and path
  "ssdp/response.ts": ["descriptionUrl"],
  // limits the tests assert at their bound
  "terminal/flood_log.ts": ["MAX_COUNTED_SOURCES"],
  // pure: the bar and the line, tested directly
  "terminal/import_progress.ts": ["progressBar", "progressText"],
  // limits the tests assert at their bound
  "terminal/log_buffer.ts": ["LOG_QUEUE_LINES"],
  // pure: the level and filter for each verbosity
  "terminal/log.ts": ["verbosityFilter"],
  // pure: the template filled in
  "terminal/logger.ts": ["renderMessage"],
  // limits the tests assert at their bound
  "terminal/request_lines.ts": ["REQUEST_LINES"],
  // pure: the signals of each OS, tested for all of them on any one
  "terminal/signals.ts": ["stopSignals"],
  // the bytes the tests expect before each status line
  "terminal/status_line.ts": ["ERASE_LINE"],
  // the Python helpers' file name, which the tests plant
  "uuid/store.ts": ["LEGACY_UUID_FILE"],
};

/** What `deno doc --json` says of one module (the part read here). */
interface DocNode {
  symbols?: {
    name: string;
    declarations: { declarationKind: string; kind: string; def?: unknown }[];
  }[];
}

async function filesUnder(path: string): Promise<string[]> {
  const url = new URL(path, ROOT);
  const stat = await Deno.stat(url);
  if (stat.isFile) return path.endsWith(".ts") ? [path] : [];
  const found: string[] = [];
  for await (const entry of Deno.readDir(url)) {
    found.push(...await filesUnder(`${path}/${entry.name}`));
  }
  return found;
}

/** The names a declaration refers to as types or `typeof`: an export they name must stay one. */
function referencedNames(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) referencedNames(item, into);
  } else if (typeof node === "object" && node !== null) {
    const record = node as Record<string, unknown>;
    const value = record.value as Record<string, unknown> | string | undefined;
    if (record.kind === "typeRef" && typeof value === "object") {
      into.add(String(value.typeName).split(".")[0]);
    }
    if (record.kind === "typeQuery" && typeof value === "string") into.add(value.split(".")[0]);
    if (typeof record.extends === "string") into.add(record.extends.split(".")[0]);
    for (const [key, inner] of Object.entries(record)) {
      if (key !== "jsDoc" && key !== "location") referencedNames(inner, into);
    }
  }
  return into;
}

/** Each module of `lib/` → its exported names → the names that export's declaration refers to. */
async function libExports(libFiles: string[]): Promise<Map<string, Map<string, Set<string>>>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...libFiles],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  const nodes: Record<string, DocNode> = JSON.parse(new TextDecoder().decode(output.stdout)).nodes;
  const modules = new Map<string, Map<string, Set<string>>>();
  for (const [url, node] of Object.entries(nodes)) {
    const names = new Map<string, Set<string>>();
    for (const symbol of node.symbols ?? []) {
      const exported = symbol.declarations.filter((d) => d.declarationKind === "export");
      if (exported.length > 0) names.set(symbol.name, referencedNames(exported, new Set()));
    }
    modules.set(url.slice(ROOT.href.length), names);
  }
  return modules;
}

/** `a/b/../c.ts` → `a/c.ts`, for a specifier resolved against the importing file. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const url = new URL(specifier, new URL(from, ROOT));
  return url.href.startsWith(ROOT.href) ? url.href.slice(ROOT.href.length) : undefined;
}

const STATIC_IMPORT =
  /\b(?:import|export)\s+(?:type\s+)?(\{[^}]*\}|\*\s+as\s+\w+|\w+(?:\s*,\s*\{[^}]*\})?)\s*from\s*"([^"]+)"/g;
const PATH = /["'`]([^"'`$\s]+\.ts)["'`]/g;

/** Each module → export name → the files that import it, read from one file's text. */
function importsOf(
  file: string,
  text: string,
  exports: Map<string, Map<string, Set<string>>>,
  into: Map<string, Set<string>>,
): void {
  const use = (module: string, name: string) => {
    if (module === file || !exports.get(module)?.has(name)) return;
    const key = `${module} ${name}`;
    into.set(key, (into.get(key) ?? new Set()).add(file));
  };
  const staticSpans: [number, number][] = [];
  for (const match of text.matchAll(STATIC_IMPORT)) {
    const [whole, clause, specifier] = match;
    const module = resolve(file, specifier);
    // `import * as` is counted as a mention of the path below.
    if (module === undefined || clause.startsWith("*")) continue;
    staticSpans.push([match.index, match.index + whole.length]);
    if (/^\w/.test(clause)) use(module, "default");
    for (const part of clause.match(/\{([^}]*)\}/)?.[1].split(",") ?? []) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
      if (name !== "") use(module, name);
    }
  }
  for (const match of text.matchAll(PATH)) {
    if (staticSpans.some(([start, end]) => match.index >= start && match.index < end)) continue;
    const module = resolve(file, match[1]);
    if (module === undefined) continue;
    for (const name of exports.get(module)?.keys() ?? []) {
      if (new RegExp(`\\b${name.replace(/\$/g, "\\$")}\\b`).test(text)) use(module, name);
    }
  }
}

async function usesIn(
  roots: string[],
  exports: Map<string, Map<string, Set<string>>>,
): Promise<Map<string, Set<string>>> {
  const uses = new Map<string, Set<string>>();
  for (const root of roots) {
    for (const file of await filesUnder(root)) {
      importsOf(file, await Deno.readTextFile(new URL(file, ROOT)), exports, uses);
    }
  }
  return uses;
}

Deno.test("every export of lib/ is used outside its module, and outside the tests unless listed", async () => {
  const libFiles = (await filesUnder("lib")).sort();
  const exports = await libExports(libFiles);
  const program = await usesIn(PROGRAM, exports);
  const tests = await usesIn(["tests"], exports);
  const unused: string[] = [];
  const onlyTests: string[] = [];
  const listedTestOnly = new Set<string>();
  for (const [module, names] of exports) {
    const signatures = new Set(
      [...names].flatMap(([name, refs]) => [...refs].filter((r) => r !== name)),
    );
    for (const name of names.keys()) {
      const key = `${module} ${name}`;
      if (program.has(key) || signatures.has(name)) continue;
      const testers = [...tests.get(key) ?? []].sort();
      if (testers.length === 0) unused.push(`${module}: ${name}`);
      else if (TESTS_NEED[module.slice("lib/".length)]?.includes(name)) listedTestOnly.add(key);
      else onlyTests.push(`${module}: ${name} (${testers.join(", ")})`);
    }
  }
  const stale = Object.entries(TESTS_NEED).flatMap(([module, names]) =>
    names.filter((n) => !listedTestOnly.has(`lib/${module} ${n}`)).map((n) => `${module}: ${n}`)
  );
  assertEquals(
    { unused, onlyTests, stale },
    { unused: [], onlyTests: [], stale: [] },
    [
      "unused: nothing imports these; drop their `export`.",
      "onlyTests: only tests import these; test through the module's public function, or add the",
      "  name to TESTS_NEED in tests/repo/exports_test.ts under its module, saying why the tests need it.",
      "stale: TESTS_NEED lists these, but the program uses them or they are no longer exported; remove",
      "  them from the list.",
    ].join("\n"),
  );
});
