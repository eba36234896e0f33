// The uuid command (show, --reset --force) in temp dirs, locateUuid for doctor, and the command run
// as a program inside a private namespace.

import { parseCommandLine } from "../../lib/cli/parse.ts";
import { UsageError } from "../../lib/errors.ts";
import { runUuidCommand } from "../../lib/commands/uuid.ts";
import { locateUuid, type UuidOptions } from "../../lib/uuid/store.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { helperArgv } from "../../lab/helper_process.ts";
import { namespaceTest, NetnsLab } from "../../lab/netns.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { TEST_UUID as FIRST } from "../support/uuid.ts";
import { ok } from "../../lib/util/result.ts";

const SECOND = "0d9c3b34-6f7a-4c2e-9a51-3e2b7c8d9e10";

/** Runs the command with stdout and stderr captured. */
async function capture(run: () => Promise<void>): Promise<{ out: string; err: string }> {
  const { log, error } = console;
  const out: string[] = [];
  const err: string[] = [];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    await run();
  } finally {
    console.log = log;
    console.error = error;
  }
  return { out: out.join("\n"), err: err.join("\n") };
}

async function options(over: Partial<UuidOptions> = {}): Promise<UuidOptions> {
  const dir = await tempDir("pch-uuid-");
  const uuids = [FIRST, SECOND];
  return {
    cwd: dir,
    userFile: `${dir}/config/ptpip-canon-helper/uuid`,
    randomUuid: () => uuids.shift()!,
    ...over,
  };
}

async function rejects(promise: Promise<unknown>): Promise<UsageError> {
  try {
    await promise;
  } catch (error) {
    assert(error instanceof UsageError, String(error));
    return error;
  }
  throw new Error("accepted");
}

const read = (path: string) => Deno.readTextFile(path).catch(() => undefined);

Deno.test("uuid shows the UUID on stdout and where it lives on stderr", async () => {
  const o = await options();
  const shown = await capture(() => runUuidCommand({ reset: false, force: false }, o));
  assertEquals(shown.out, FIRST);
  assertEquals(shown.err, `new, saved in ${o.userFile}`);
  const again = await capture(() => runUuidCommand({ reset: false, force: false }, o));
  assertEquals(again, { out: FIRST, err: `from ${o.userFile}` });
});

Deno.test("uuid --reset needs --force and then replaces the file", async (t) => {
  const o = await options();
  await capture(() => runUuidCommand({ reset: false, force: false }, o));

  await t.step("without --force nothing changes", async () => {
    const error = await rejects(runUuidCommand({ reset: true, force: false }, o));
    assertMatch(error.message, /every camera paired with this computer must then pair again/);
    assertMatch(error.message, /Add --force/);
    assertEquals(await read(o.userFile!), FIRST);
  });

  await t.step("with --force the new UUID is printed and stored, no temp file left", async () => {
    const { out, err } = await capture(() => runUuidCommand({ reset: true, force: true }, o));
    assertEquals(out, SECOND);
    assertMatch(
      err,
      new RegExp(
        `new UUID saved in ${o.userFile} \\(the previous one, ${FIRST}, is kept in ` +
          `${o.userFile}\\.previous\\)\\. Every camera paired before`,
      ),
    );
    assertEquals(await read(o.userFile!), SECOND);
    const dir = o.userFile!.slice(0, o.userFile!.lastIndexOf("/"));
    const names = await Array.fromAsync(Deno.readDir(dir), (e) => e.name);
    assertEquals(names.sort(), ["uuid", "uuid.previous"]);
  });
});

Deno.test("uuid --reset --force writes --uuid-file, and makes its folder", async () => {
  const o = await options();
  const file = `${o.cwd}/new/dir/uuid`;
  const { out } = await capture(() =>
    runUuidCommand({ reset: true, force: true }, { ...o, uuidFile: file })
  );
  assertEquals(out, FIRST);
  assertEquals(await read(file), FIRST);
  assertEquals(await read(o.userFile!), undefined, "the per-user file is left alone");
});

Deno.test("uuid --reset refuses --uuid and a missing per-user location", async () => {
  const o = await options();
  await rejects(runUuidCommand({ reset: true, force: true }, { ...o, uuid: FIRST }));
  await rejects(runUuidCommand({ reset: true, force: true }, { ...o, userFile: undefined }));
});

Deno.test("uuid --reset keeps the previous UUID, and then wins over the Python helpers' file", async () => {
  const o = await options();
  const legacy = `${o.cwd}/ptpip-canon-helper.uuid`;
  await Deno.chmod(o.cwd, 0o755);
  await Deno.writeTextFile(legacy, SECOND);
  await capture(() => runUuidCommand({ reset: false, force: false }, o));
  assertEquals(await read(o.userFile!), SECOND, "the legacy file seeded the per-user one");
  const { out, err } = await capture(() => runUuidCommand({ reset: true, force: true }, o));
  assertEquals(out, FIRST);
  assertMatch(err, new RegExp(`the previous one, ${SECOND}, is kept in ${o.userFile}\\.previous`));
  assertEquals(await read(`${o.userFile}.previous`), SECOND);
  assertEquals(await read(legacy), SECOND, "the legacy file is left as it was");
  const shown = await capture(() => runUuidCommand({ reset: false, force: false }, o));
  assertEquals(shown.out, FIRST, "the per-user file wins from now on");
  assertMatch(shown.err, /warning: .*ptpip-canon-helper\.uuid \(the Python helpers' file\) holds/);
});

Deno.test("the command line of uuid", () => {
  assertEquals(parseCommandLine(["uuid", "--reset", "--force"]).kind, "uuid");
  const command = parseCommandLine(["uuid", "--reset", "--force"]);
  assert(command.kind === "uuid" && command.reset && command.force);
  for (const args of [["uuid", "10.0.0.1"], ["--reset"], ["doctor", "--force"]]) {
    try {
      parseCommandLine(args);
      throw new Error(`${args} accepted`);
    } catch (error) {
      assert(error instanceof UsageError, String(error));
    }
  }
});

Deno.test("locateUuid finds the UUID without writing, in the resolution order", async () => {
  const o = await options();
  assertEquals(await locateUuid(o), ok({ createIn: o.userFile! }));
  assertEquals(await read(o.userFile!), undefined, "nothing was created");
  assertEquals(
    await locateUuid({ ...o, uuid: FIRST }),
    ok({ uuid: FIRST, source: { kind: "flag" } }),
  );
  await Deno.chmod(o.cwd, 0o755);
  await Deno.writeTextFile(`${o.cwd}/ptpip-canon-helper.uuid`, `${SECOND}\n`);
  assertEquals(
    await locateUuid(o),
    ok({
      uuid: SECOND,
      source: { kind: "legacy", path: `${o.cwd}/ptpip-canon-helper.uuid` },
    }),
  );
  const file = `${o.cwd}/explicit`;
  await Deno.writeTextFile(file, FIRST);
  assertEquals(
    await locateUuid({ ...o, uuidFile: file }),
    ok({ uuid: FIRST, source: { kind: "file", path: file, created: false } }),
  );
});

await namespaceTest("ptpip-canon-helper uuid --reset --force as a program", async () => {
  await using lab = await NetnsLab.create();
  const pc = await lab.host("pc");
  const config = await tempDir("pch-config-");
  const run = async (...args: string[]) => {
    const out = await pc.output(helperArgv(["uuid", ...args]), {
      env: { XDG_CONFIG_HOME: config },
      cwd: config,
    });
    const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  };
  const shown = await run();
  assertEquals(shown.code, 0, shown.stderr);
  const refused = await run("--reset");
  assertEquals(refused.code, 2);
  assertMatch(refused.stderr, /Add --force/);
  const reset = await run("--reset", "--force");
  assertEquals(reset.code, 0, reset.stderr);
  assert(reset.stdout !== shown.stdout, "a new UUID");
  assertEquals((await run()).stdout, reset.stdout);
  assertEquals(await Deno.readTextFile(`${config}/ptpip-canon-helper/uuid`), reset.stdout);
});

await namespaceTest(
  "under a file-size limit nothing truncated is saved, and no temp file stays",
  async () => {
    await using lab = await NetnsLab.create();
    const pc = await lab.host("pc");
    const dir = await Deno.makeTempDir({ prefix: "pch-fsize-" });
    const file = `${dir}/uuid`;
    // 10 bytes may be written; SIGXFSZ ignored, so the write comes back short instead of killing it.
    const limited = async (...args: string[]) => {
      const command = helperArgv(["uuid", "--uuid-file", file, ...args]).map((a) => `'${a}'`);
      const out = await pc.output(
        ["prlimit", "--fsize=10", "bash", "-c", `trap '' XFSZ; exec ${command.join(" ")}`],
        { cwd: dir },
      );
      return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
    };
    const files = async () => (await Array.fromAsync(Deno.readDir(dir), (e) => e.name)).sort();

    const create = await limited();
    assert(create.code !== 0, create.stderr);
    assertMatch(
      create.stderr,
      /cannot create the UUID file .*: File too large/,
    );
    assertEquals(await files(), [], "no truncated UUID linked into place, no temp file");

    await Deno.writeTextFile(file, FIRST);
    const reset = await limited("--reset", "--force");
    assert(reset.code !== 0, reset.stderr);
    assert(!reset.stderr.includes("saved"), reset.stderr);
    assertEquals(await Deno.readTextFile(file), FIRST, "the old UUID is intact");
    assertEquals(await files(), ["uuid"], "no temp or half-written file left");
    await Deno.remove(dir, { recursive: true });
  },
);
