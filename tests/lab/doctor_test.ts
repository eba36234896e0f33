// `doctor` on a host of a private LAN: all clear on a good one, and a failed check with its fix when
// another program holds the description port. Needs network namespaces; skipped visibly elsewhere.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { helperArgv } from "../../lab/helper_process.ts";
import { namespaceTest, type Netns, NetnsLab } from "../../lab/netns.ts";
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
      const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
      assertMatch((await reader.read()).value ?? "", /listening/);
      reader.releaseLock();
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
});
