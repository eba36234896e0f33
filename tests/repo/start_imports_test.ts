/**
 * What the helper loads before its first answer: main.ts's static imports. No `node:` module (any of
 * them starts Deno's Node compatibility layer, about 6 MB) and no npm package (the XML parser is
 * loaded when `probe` or the EOS flow reads a description); the other commands' modules are loaded
 * when they run, and the camera side once a camera may be about.
 */

import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../support/assert.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Dependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}

interface Info {
  modules: { specifier: string; dependencies?: Dependency[] }[];
}

Deno.test("serve starts on its own modules: no node: module, no npm package, no other command", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  const info: Info = JSON.parse(new TextDecoder().decode(output.stdout));
  const byName = new Map(info.modules.map((m) => [m.specifier, m]));
  const main = new URL("main.ts", `file://${ROOT}`).href;
  const loaded = new Set<string>();
  const pending = [main];
  while (pending.length > 0) {
    const specifier = pending.pop()!;
    if (loaded.has(specifier)) continue;
    loaded.add(specifier);
    for (const dependency of byName.get(specifier)?.dependencies ?? []) {
      if (!dependency.isDynamic && dependency.code) pending.push(dependency.code.specifier);
    }
  }
  const names = [...loaded].map((s) => s.replace(`file://${ROOT}`, ""));
  assertEquals(names.filter((n) => n.startsWith("node:") || n.startsWith("npm:")), []);
  const laterModules = [
    "lib/diagnostics/",
    "lib/description/reader.ts",
    "lib/description/fetch.ts",
    "lib/cli/help.ts",
    // `import` and what it alone uses: the PTP/IP client, the importer, the camera search.
    "lib/commands/import.ts",
    "lib/import/",
    "lib/ptpip/",
    "lib/cameras/find.ts",
    // The camera side loads once a camera may be about (lib/cameras/lazy_side.ts).
    "lib/cameras/camera_side.ts",
    "lib/cameras/watch.ts",
    "lib/cameras/tracker.ts",
    "lib/cameras/hook_runner.ts",
    "lib/cameras/eos_watch.ts",
    "lib/cameras/eos_flow.ts",
    // The photo sink (--import-to) loads with the camera side.
    "lib/sink/",
  ];
  // The PTP/IP port is one number, which --help names (--check-ptpip); the client itself waits.
  const atStart = new Set(["lib/ptpip/port.ts"]);
  for (const later of laterModules) {
    assert(
      !names.some((n) => n.startsWith(later) && !atStart.has(n)),
      `${later} is loaded only when used`,
    );
  }
  assert(names.includes("lib/commands/serve.ts"));
});

Deno.test("the program schedules through lib/util/timers.ts, never the global timers", async () => {
  // One clock: a module that schedules takes it (or its functions), so its tests can drive time.
  const offenders: string[] = [];
  const files = ["main.ts"];
  for await (const entry of Deno.readDir(`${ROOT}lib`)) {
    if (entry.isDirectory) {
      for await (const file of Deno.readDir(`${ROOT}lib/${entry.name}`)) {
        if (file.name.endsWith(".ts")) files.push(`lib/${entry.name}/${file.name}`);
      }
    } else if (entry.name.endsWith(".ts")) files.push(`lib/${entry.name}`);
  }
  for (const file of files) {
    if (file === "lib/util/timers.ts") continue;
    const code = (await Deno.readTextFile(`${ROOT}${file}`))
      .split("\n")
      .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line))
      .join("\n");
    if (/\b(setTimeout|setInterval)\s*\(/.test(code)) offenders.push(file);
  }
  assertEquals(offenders, []);
  // And the clock module does use them: the exception is not a stale one.
  assert(/\bsetTimeout\(/.test(await Deno.readTextFile(`${ROOT}lib/util/timers.ts`)));
});
