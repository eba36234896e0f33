// `doctor` on a host of a private LAN: all clear on a good one, and a failed check with its fix when
// another program holds the description port; beside a running helper it says so and passes; with a
// read-only HOME it fails naming the folder. Needs network namespaces; skipped visibly elsewhere.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { helperArgv, startHelper } from "../../lab/helper_process.ts";
import {
  denoCacheDir,
  type NamespaceSupport,
  namespaceTest,
  type Netns,
  NetnsLab,
} from "../../lab/netns.ts";
import { lines } from "../../lab/lines.ts";
import { withTimeout } from "../../lib/util/timeout.ts";
import { tempDir } from "../../lab/temp_dir.ts";

/** Runs doctor with its per-user files in `config` (HOME is kept, so is the Deno cache). */
async function doctor(ns: Netns, config: string, args: string[] = []) {
  const out = await ns.output(helperArgv(["doctor", ...args]), {
    env: { XDG_CONFIG_HOME: config },
    cwd: config,
  });
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

await namespaceTest("doctor passes a good host and names the holder of a taken port", async (t) => {
  await using lab = await NetnsLab.create();
  const { pc } = await lab.pcAndCamera("10.234.1");
  const home = await tempDir("pch-config-");
  const uuidFile = `${home}/ptpip-canon-helper/uuid`;

  await t.step("a good host: every check passes, exit code 0, nothing created", async () => {
    const { code, stdout, stderr } = await doctor(pc, home);
    assertEquals(code, 0, stdout + stderr);
    assertMatch(stdout, /^✓ interfaces: serving eth0 10\.234\.1\.1$/m);
    assertMatch(stdout, /^✓ UDP 1900 can be opened \(shared\)$/m);
    assertMatch(stdout, /^✓ joined the SSDP group 239\.255\.255\.250 on 10\.234\.1\.1$/m);
    assertMatch(stdout, /^✓ no other program listens on UDP 1900$/m);
    assertMatch(stdout, /^✓ TCP 8043 \(description\) is free on 10\.234\.1\.1$/m);
    assert(
      stdout.includes(`✓ UUID: none yet; one will be created at ${uuidFile} on the first start`),
      stdout,
    );
    assert(!stdout.includes("✗"), stdout);
    assertMatch(stdout, /^doctor: nothing to fix/m);
    const created = await Deno.stat(uuidFile).then(() => true, () => false);
    assertEquals(created, false, "doctor changes nothing");
  });

  await t.step("another listener on 8043: the check fails, names it and says the fix", async () => {
    const holder = pc.spawn([
      Deno.execPath(),
      "eval",
      "const l = Deno.listen({ hostname: '0.0.0.0', port: 8043 }); console.log('listening');" +
      " for await (const c of l) c.close();",
    ]);
    try {
      const output = lines(holder.stdout);
      const first = await withTimeout(output.next(), 15_000, "the port holder listening");
      assertMatch(first.value ?? "", /listening/);
      await output.return(undefined);
      const { code, stdout, stderr } = await doctor(pc, home);
      assertEquals(code, 1, stdout);
      assertMatch(
        stdout,
        new RegExp(
          `^✗ TCP 8043 \\(description\\) on 10\\.234\\.1\\.1 is in use by deno \\(pid ${holder.pid}\\)$`,
          "m",
        ),
      );
      assertMatch(
        stdout,
        /^ {4}fix: stop that program, or choose another port with -P\/--desc-port$/m,
      );
      assertMatch(stdout, /^✓ UDP 1900 can be opened/m, "the other checks still pass");
      assertMatch(stdout, /^doctor: 1 problem to fix/m);
      assertMatch(stderr, /doctor found problems/);
    } finally {
      holder.kill("SIGKILL");
      await holder.status;
      await holder.stdout.cancel().catch(() => {});
      await holder.stderr.cancel();
    }
  });

  await t.step("a UUID file that holds no UUID fails the UUID check", async () => {
    const bad = `${home}/bad-uuid`;
    await Deno.writeTextFile(bad, "not a uuid\n");
    const { code, stdout } = await doctor(pc, home, ["--uuid-file", bad]);
    assertEquals(code, 1, stdout);
    assertMatch(stdout, new RegExp(`^✗ UUID: the UUID file ${bad} does not hold a UUID`, "m"));
  });

  await t.step("--import-to: the photo folder, and the room left on its disk", async () => {
    const photos = `${home}/photos`;
    const missing = await doctor(pc, home, ["--import-to", photos]);
    assertEquals(missing.code, 0, missing.stdout + missing.stderr);
    assert(
      missing.stdout.includes(
        `! photos (--import-to): ${photos} does not exist yet: the first import creates it in ${home}`,
      ),
      missing.stdout,
    );
    assertMatch(missing.stdout, /^[✓!✗] free space for photos: .* GB of .* GB on \//m);
    await Deno.mkdir(photos);
    const there = await doctor(pc, home, ["--import-to", photos]);
    assertEquals(there.code, 0, there.stdout + there.stderr);
    assert(
      there.stdout.includes(`✓ photos (--import-to): ${photos} is a folder this user can write to`),
      there.stdout,
    );
    assertEquals([...Deno.readDirSync(photos)], [], "doctor left nothing behind");
    const deep = await doctor(pc, home, ["--import-to", `${home}/usb/photos`]);
    assertEquals(deep.code, 1, deep.stdout);
    assert(deep.stdout.includes(`nor does ${home}/usb`), deep.stdout);
  });
});

await namespaceTest("doctor beside a running helper says it is running and passes", async (t) => {
  await using lab = await NetnsLab.create();
  const { pc } = await lab.pcAndCamera("10.234.2");
  const config = await tempDir("pch-config-");

  await t.step("with this computer's UUID: running and healthy, exit code 0", async () => {
    await using helper = await startHelper([], { netns: pc, env: { XDG_CONFIG_HOME: config } });
    await helper.waitForLine(/ready: waiting for a camera/);
    const { code, stdout, stderr } = await doctor(pc, config);
    assertEquals(code, 0, stdout + stderr);
    assertMatch(
      stdout,
      /^✓ the helper is running here \(deno, pid \d+\), serving 10\.234\.2\.1:8043 with this computer's UUID$/m,
    );
    assertMatch(stdout, /^✓ no other program than the running helper listens on UDP 1900$/m);
    assertMatch(stdout, /^✓ joined the SSDP group 239\.255\.255\.250 on 10\.234\.2\.1$/m);
    assert(!stdout.includes("kill"), stdout);
    assertMatch(stdout, /^doctor: nothing to fix/m);
  });

  await t.step("a helper with another UUID: a warning naming both, still exit code 0", async () => {
    const other = "0d8e2a31-5f6b-4c1e-9a0f-3b7c6d5e4f21";
    await using helper = await startHelper(["--uuid", other], { netns: pc });
    await helper.waitForLine(/ready: waiting for a camera/);
    const { code, stdout, stderr } = await doctor(pc, config);
    assertEquals(code, 0, stdout + stderr);
    const ours = (await Deno.readTextFile(`${config}/ptpip-canon-helper/uuid`)).trim();
    assert(
      stdout.includes(
        `serving 10.234.2.1:8043 with UUID ${other}, not this computer's UUID ${ours}`,
      ),
      stdout,
    );
    assertMatch(stdout, /^doctor: nothing to fix, 1 warning/m);
  });
});

const NOBODY = 65534;

/**
 * Why doctor cannot be run here as an unprivileged user, if it cannot: root writes to read-only
 * folders, so only another user shows the real refusal.
 */
async function unprivilegedProblem(): Promise<string | undefined> {
  if (Deno.uid() !== 0) return "not root: cannot switch to an unprivileged user";
  if (denoCacheDir() === undefined) return "no Deno cache to lend the unprivileged user";
  const main = helperArgv([]).at(-1)!;
  const out = await new Deno.Command("setpriv", {
    args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "test", "-r", main],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => undefined);
  if (out === undefined) return "setpriv is not installed";
  return out.success ? undefined : `user ${NOBODY} cannot read ${main}`;
}

/**
 * Whether doctor can run as an unprivileged user here; elsewhere the test is reported as skipped (the
 * grading of an unwritable folder is covered with injected facts in tests/diagnostics either way).
 */
async function unprivileged(): Promise<NamespaceSupport> {
  const problem = await unprivilegedProblem();
  return problem === undefined ? { available: true } : { available: false, reason: problem };
}

await namespaceTest("doctor with a read-only HOME fails, naming the folder", async (t) => {
  await using lab = await NetnsLab.create();
  const { pc } = await lab.pcAndCamera("10.234.3");
  // The unprivileged user gets its own copy of the Deno cache's npm packages: root's cache is not
  // readable to it, and nothing may be downloaded in the namespace. Only `npm/`: the rest is caches
  // Deno remakes, and their SQLite journals come and go while other tests run Deno, which made a
  // copy of the whole folder fail on a file gone between listing and copying.
  const denoDir = await tempDir("pch-deno-dir-");
  const copy = await new Deno.Command("cp", { args: ["-a", `${denoCacheDir()}/npm`, denoDir] })
    .output();
  assert(copy.success, new TextDecoder().decode(copy.stderr));
  await new Deno.Command("chown", { args: ["-R", `${NOBODY}:${NOBODY}`, denoDir] }).output();
  const home = await tempDir("pch-ro-home-");
  await Deno.chown(home, NOBODY, NOBODY);
  await Deno.chmod(home, 0o555);

  await t.step("the UUID check fails, names the folder and the ways out", async () => {
    const out = await pc.output(
      [
        "setpriv",
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        "--clear-groups",
        ...helperArgv(["doctor"]),
      ],
      { env: { HOME: home, XDG_CONFIG_HOME: "", DENO_DIR: denoDir, NO_COLOR: "1" }, cwd: home },
    );
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 1, stdout + stderr);
    assert(
      stdout.includes(
        `✗ UUID: none yet, but ${home}/.config/ptpip-canon-helper/uuid cannot be created: ` +
          `the folder ${home} is not writable: Permission denied (os error 13)`,
      ),
      stdout + stderr,
    );
    assert(stdout.includes("--uuid-file PATH"), stdout);
    assertMatch(stdout, /^doctor: 1 problem to fix/m);
    assertEquals([...Deno.readDirSync(home)], [], "doctor left nothing behind");
  });

  await t.step("--import-to a folder this user cannot write to fails, naming it", async () => {
    const out = await pc.output(
      [
        "setpriv",
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        "--clear-groups",
        ...helperArgv(["doctor", "--uuid", "0d8e2a31-5f6b-4c1e-9a0f-3b7c6d5e4f21"]),
        "--import-to",
        home,
      ],
      { env: { HOME: home, XDG_CONFIG_HOME: "", DENO_DIR: denoDir, NO_COLOR: "1" }, cwd: home },
    );
    const stdout = new TextDecoder().decode(out.stdout);
    assertEquals(out.code, 1, stdout);
    assert(
      stdout.includes(
        `✗ photos (--import-to): ${home} is not writable: Permission denied (os error 13)`,
      ),
      stdout,
    );
    assertMatch(stdout, /^doctor: 1 problem to fix/m);
  });
}, [unprivileged]);
