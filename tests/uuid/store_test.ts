import { assert, assertEquals, assertMatch, fail } from "../support/assert.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { join } from "node:path";
import { uuidFailureMessage } from "../../lib/errors.ts";
import type { Result } from "../../lib/util/result.ts";
import {
  describeUuidSource,
  isUuid,
  LEGACY_UUID_FILE,
  type ResolvedUuid,
  resolveUuid,
  userUuidPath,
  type UuidFailure,
  type UuidOptions,
} from "../../lib/uuid/store.ts";

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const U3 = "33333333-3333-4333-8333-333333333333";

// A randomUuid that fails the test if called: for cases where a new UUID must not be made.
const noNewUuid = () => fail("a new UUID was made");

function options(dir: string, extra: Partial<UuidOptions> = {}): UuidOptions {
  return {
    cwd: join(dir, "cwd"),
    userFile: join(dir, "config", "ptpip-canon-helper", "uuid"),
    randomUuid: noNewUuid,
    ...extra,
  };
}

/** The UUID a resolution found, failing the test when there is none. */
async function resolvedUuid(options: UuidOptions): Promise<ResolvedUuid> {
  const result = await resolveUuid(options);
  if (!result.ok) fail(uuidFailureMessage(result.error));
  return result.value;
}

/** The failure, as the user reads it (worded in lib/errors.ts). */
async function failsWith(promise: Promise<Result<unknown, UuidFailure>>, pattern: RegExp) {
  const result = await promise;
  assert(!result.ok, "resolved");
  assertMatch(uuidFailureMessage(result.error), pattern);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("isUuid", () => {
  assert(isUuid(U1));
  assert(isUuid("0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"));
  for (const bad of ["", "x", `${U1} `, U1.slice(1), U1.replaceAll("-", ""), `{${U1}}`]) {
    assert(!isUuid(bad), bad);
  }
});

Deno.test("userUuidPath", async (t) => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  // Paths are joined with the running system's separator (node:path): the expected POSIX form is
  // rewritten the same way, so the test also holds when CI runs it on Windows.

  await t.step("linux: XDG_CONFIG_HOME when absolute", () => {
    assertEquals(
      userUuidPath("linux", env({ HOME: "/home/ann", XDG_CONFIG_HOME: "/cfg" })),
      "/cfg/ptpip-canon-helper/uuid",
    );
  });

  await t.step("linux: ~/.config without XDG_CONFIG_HOME", () => {
    assertEquals(
      userUuidPath("linux", env({ HOME: "/home/ann" })),
      "/home/ann/.config/ptpip-canon-helper/uuid",
    );
  });

  await t.step("linux: a relative or empty XDG_CONFIG_HOME is ignored", () => {
    for (const xdg of ["cfg", "./cfg", "~/cfg", ""]) {
      assertEquals(
        userUuidPath("linux", env({ HOME: "/home/ann", XDG_CONFIG_HOME: xdg })),
        "/home/ann/.config/ptpip-canon-helper/uuid",
        xdg,
      );
    }
  });

  await t.step("linux and the BSDs: undefined without HOME or an absolute XDG", () => {
    assertEquals(userUuidPath("linux", env({})), undefined);
    assertEquals(userUuidPath("linux", env({ XDG_CONFIG_HOME: "rel" })), undefined);
    assertEquals(
      userUuidPath("freebsd", env({ HOME: "/home/b" })),
      "/home/b/.config/ptpip-canon-helper/uuid",
    );
  });

  await t.step("darwin: Application Support, XDG ignored", () => {
    assertEquals(
      userUuidPath("darwin", env({ HOME: "/Users/ann", XDG_CONFIG_HOME: "/cfg" })),
      "/Users/ann/Library/Application Support/ptpip-canon-helper/uuid",
    );
    assertEquals(userUuidPath("darwin", env({})), undefined);
  });

  await t.step("windows: under APPDATA, HOME ignored", () => {
    const appData = "C:\\Users\\ann\\AppData\\Roaming";
    // APPDATA's own separator, whatever system the test runs on.
    assertEquals(
      userUuidPath("windows", env({ APPDATA: appData, HOME: "/home/x" })),
      `${appData}\\ptpip-canon-helper\\uuid`,
    );
    assertEquals(userUuidPath("windows", env({ HOME: "/home/x" })), undefined);
  });
});

Deno.test("resolveUuid", async (t) => {
  await t.step("--uuid wins over every file, and touches none", async () => {
    await withTempDir(async (dir) => {
      const o = options(dir, { uuid: U1, uuidFile: join(dir, "f") });
      await Deno.mkdir(o.cwd);
      await Deno.writeTextFile(join(o.cwd, LEGACY_UUID_FILE), U2);
      assertEquals(await resolvedUuid(o), { uuid: U1, source: { kind: "flag" } });
      assertEquals(await exists(join(dir, "f")), false);
      assertEquals(await exists(o.userFile!), false);
    });
  });

  await t.step(
    "--uuid-file is created when missing, holding the UUID with no newline",
    async () => {
      await withTempDir(async (dir) => {
        const file = join(dir, "nested", "deeper", "my.uuid");
        const resolved = await resolvedUuid(options(dir, { uuidFile: file, randomUuid: () => U1 }));
        assertEquals(resolved, {
          uuid: U1,
          source: { kind: "file", path: file, created: true },
        });
        assertEquals(await Deno.readFile(file), new TextEncoder().encode(U1));
        // The temporary file used for the atomic creation is gone.
        assertEquals([...Deno.readDirSync(join(dir, "nested", "deeper"))].map((e) => e.name), [
          "my.uuid",
        ]);
        // The per-user file is not involved when --uuid-file is given.
        assertEquals(await exists(options(dir).userFile!), false);
      });
    },
  );

  await t.step("an existing --uuid-file is reused, trimmed, and left as it was", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "my.uuid");
      const content = `  ${U2}\r\n\n`;
      await Deno.writeTextFile(file, content);
      const resolved = await resolvedUuid(options(dir, { uuidFile: file }));
      assertEquals(resolved, {
        uuid: U2,
        source: { kind: "file", path: file, created: false },
      });
      assertEquals(await Deno.readTextFile(file), content);
    });
  });

  await t.step("the per-user file is created, then reused on the next start", async () => {
    await withTempDir(async (dir) => {
      const o = options(dir);
      const first = await resolvedUuid({ ...o, randomUuid: () => U1 });
      assertEquals(first.source, { kind: "file", path: o.userFile!, created: true });
      assertEquals(await Deno.readTextFile(o.userFile!), U1);
      const second = await resolvedUuid(o);
      assertEquals(second, {
        uuid: U1,
        source: { kind: "file", path: o.userFile!, created: false },
      });
    });
  });

  await t.step("the legacy file in cwd is used and copied to a missing user file", async () => {
    await withTempDir(async (dir) => {
      const o = options(dir);
      await Deno.mkdir(o.cwd);
      const legacy = join(o.cwd, LEGACY_UUID_FILE);
      await Deno.writeTextFile(legacy, `${U3}\n`);
      const resolved = await resolvedUuid(o);
      assertEquals(resolved, {
        uuid: U3,
        source: { kind: "legacy", path: legacy, copiedTo: o.userFile },
      });
      assertEquals(await Deno.readTextFile(o.userFile!), U3);
      assertEquals(await Deno.readTextFile(legacy), `${U3}\n`, "the legacy file is untouched");
    });
  });

  await t.step(
    "an existing user file wins over a differing legacy file, with a warning",
    async () => {
      await withTempDir(async (dir) => {
        const o = options(dir);
        await Deno.mkdir(o.cwd);
        const legacy = join(o.cwd, LEGACY_UUID_FILE);
        await Deno.writeTextFile(legacy, U3);
        await Deno.mkdir(join(dir, "config", "ptpip-canon-helper"), { recursive: true });
        await Deno.writeTextFile(o.userFile!, U1);
        const resolved = await resolvedUuid(o);
        assertEquals(resolved.uuid, U1);
        assertEquals(resolved.source, { kind: "file", path: o.userFile!, created: false });
        assertEquals(
          resolved.warning,
          `${legacy} (the Python helpers' file) holds ${U3}, but ${o.userFile} holds ${U1}, which ` +
            `is used. To use the Python helpers' UUID instead (cameras paired with ${U1} will then ` +
            `pair again): cp '${legacy}' '${o.userFile}'`,
        );
        assertMatch(
          describeUuidSource(resolved),
          new RegExp(`^from .*; warning: ${escapeRegExp(legacy)}`),
        );
        assertEquals(await Deno.readTextFile(o.userFile!), U1);
        // The same UUID in both is no warning.
        await Deno.writeTextFile(legacy, U1);
        assertEquals((await resolvedUuid(o)).warning, undefined);
      });
    },
  );

  await t.step({
    name: "a legacy file in a folder others may write, or another user's, is not used",
    ignore: Deno.build.os === "windows",
    fn: async () => {
      await withTempDir(async (dir) => {
        const o = options(dir, { randomUuid: () => U1 });
        await Deno.mkdir(o.cwd);
        await Deno.chmod(o.cwd, 0o777);
        const legacy = join(o.cwd, LEGACY_UUID_FILE);
        await Deno.writeTextFile(legacy, U3);
        const resolved = await resolvedUuid(o);
        assertEquals(resolved.uuid, U1, "a new UUID, not the planted one");
        assertEquals(
          resolved.warning,
          `${legacy} (the Python helpers' file) was not used: others may write to ${o.cwd}`,
        );
        assertEquals(await Deno.readTextFile(o.userFile!), U1);
        // Once the per-user file exists, a planted file changes nothing, even in a safe folder.
        await Deno.chmod(o.cwd, 0o755);
        assertEquals((await resolvedUuid(o)).uuid, U1);
        // A link is not a regular file of this user, whatever it points at.
        await Deno.remove(legacy);
        await Deno.remove(o.userFile!);
        await Deno.writeTextFile(join(dir, "secret"), "top secret text");
        await Deno.symlink(join(dir, "secret"), legacy);
        const linked = await resolvedUuid({ ...o, randomUuid: () => U2 });
        assertEquals(linked.uuid, U2);
        assertMatch(linked.warning!, /not used: it is not a regular file/);
        if (Deno.uid() === 0) {
          // Root can make a file that belongs to someone else.
          await Deno.remove(legacy);
          await Deno.remove(o.userFile!);
          await Deno.writeTextFile(legacy, "not a uuid: private");
          await Deno.chown(legacy, 65534, 65534);
          const other = await resolvedUuid({ ...o, randomUuid: () => U3 });
          assertEquals(other.uuid, U3);
          assertMatch(other.warning!, /not used: it belongs to another user/);
          assert(!other.warning!.includes("private"));
        }
      });
    },
  });

  await t.step({
    name: "another user's file that is not a UUID is an error that does not quote it",
    ignore: Deno.build.os === "windows" || Deno.uid() !== 0,
    fn: async () => {
      await withTempDir(async (dir) => {
        const file = join(dir, "their.uuid");
        await Deno.writeTextFile(file, "password=hunter2");
        await Deno.chown(file, 65534, 65534);
        const result = await resolveUuid(options(dir, { uuidFile: file }));
        assert(!result.ok);
        const message = uuidFailureMessage(result.error);
        assertMatch(message, /does not hold a UUID\. It was left untouched/);
        assert(!message.includes("hunter2"), message);
        await failsWith(
          resolveUuid(options(dir, { uuidFile: "/dev/zero" })),
          /\/dev\/zero does not hold a UUID \(it is not a regular file\)/,
        );
      });
    },
  });

  await t.step({
    name: "a file that holds more than its stat says is read only up to the bound",
    // A /proc file's stat says 0 bytes; the read used to take all of it.
    ignore: Deno.build.os !== "linux",
    fn: async () => {
      await withTempDir(async (dir) => {
        await failsWith(
          resolveUuid(options(dir, { uuidFile: "/proc/self/smaps" })),
          /^cannot read the UUID file \/proc\/self\/smaps: it holds over 4096 bytes/,
        );
      });
    },
  });

  await t.step("the legacy file is used without a user file location", async () => {
    await withTempDir(async (dir) => {
      const o = options(dir, { userFile: undefined });
      await Deno.mkdir(o.cwd);
      await Deno.writeTextFile(join(o.cwd, LEGACY_UUID_FILE), U3);
      const resolved = await resolvedUuid(o);
      assertEquals(resolved.source, { kind: "legacy", path: join(o.cwd, LEGACY_UUID_FILE) });
    });
  });

  await t.step(
    "no user file location and no legacy file: an error pointing at --uuid-file",
    async () => {
      await withTempDir(async (dir) => {
        await failsWith(
          resolveUuid(options(dir, { userFile: undefined })),
          /HOME .* not set.*--uuid-file/,
        );
      });
    },
  );

  await t.step("a corrupt file is an error naming it, and is left byte-identical", async () => {
    await withTempDir(async (dir) => {
      const corrupt = new Uint8Array([
        ...new TextEncoder().encode("not-a-uuid\n"),
        0xff,
        0x00,
        0xfe,
      ]);
      const o = options(dir);
      await Deno.mkdir(o.cwd);
      const cases: [string, UuidOptions][] = [
        [join(dir, "flag.uuid"), { ...o, uuidFile: join(dir, "flag.uuid") }],
        [o.userFile!, o],
        [join(o.cwd, LEGACY_UUID_FILE), o],
      ];
      for (const [path, opts] of cases) {
        await Deno.mkdir(join(path, ".."), { recursive: true });
        await Deno.writeFile(path, corrupt);
        await failsWith(
          resolveUuid({ ...opts, randomUuid: () => U1 }),
          new RegExp(`UUID file ${escapeRegExp(path)} does not hold`),
        );
        assertEquals(await Deno.readFile(path), corrupt, path);
        await Deno.remove(path);
      }
    });
  });

  await t.step("an empty file is corrupt too, never silently replaced", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "empty.uuid");
      await Deno.writeTextFile(file, "");
      await failsWith(
        resolveUuid(options(dir, { uuidFile: file, randomUuid: () => U1 })),
        /does not hold a UUID/,
      );
      assertEquals(await Deno.readTextFile(file), "");
    });
  });

  // Windows reports a path through a file as not found, and symbolic links need privileges there.
  const unixOnly = Deno.build.os === "windows";

  await t.step({
    name: "an unreadable place is an error naming the file",
    ignore: unixOnly,
    fn: async () => {
      await withTempDir(async (dir) => {
        // A regular file where a directory is needed fails for every user, root included.
        await Deno.writeTextFile(join(dir, "blocker"), "");
        const file = join(dir, "blocker", "uuid");
        await failsWith(
          resolveUuid(options(dir, { uuidFile: file, randomUuid: () => U1 })),
          new RegExp(`^cannot read the UUID file ${escapeRegExp(file)}: `),
        );
      });
    },
  });

  await t.step({
    name: "an uncreatable file is an error suggesting --uuid-file or --uuid",
    ignore: unixOnly,
    fn: async () => {
      await withTempDir(async (dir) => {
        // The directory is a dangling symbolic link: reading finds nothing, creating it fails.
        await Deno.symlink(join(dir, "nowhere"), join(dir, "dangling"));
        const file = join(dir, "dangling", "uuid");
        await failsWith(
          resolveUuid(options(dir, { uuidFile: file, randomUuid: () => U1 })),
          new RegExp(
            `^cannot create the UUID file ${escapeRegExp(file)}: .*--uuid-file PATH.*--uuid`,
          ),
        );
      });
    },
  });

  await t.step("20 concurrent first starts agree on one UUID, and the file holds it", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "shared", "uuid");
      const candidates: string[] = Array.from({ length: 20 }, () => crypto.randomUUID());
      const results = await Promise.all(
        candidates.map((uuid) =>
          resolvedUuid(options(dir, { uuidFile: file, randomUuid: () => uuid }))
        ),
      );
      const uuids = new Set(results.map((r) => r.uuid));
      assertEquals(uuids.size, 1, `all agree: ${[...uuids].join(", ")}`);
      const [winner] = uuids;
      assert(candidates.includes(winner));
      assertEquals(await Deno.readTextFile(file), winner);
      // Exactly the caller whose UUID was stored reports having created it.
      const created = results.filter((r) => r.source.kind === "file" && r.source.created);
      assertEquals(created.length, 1);
      assertEquals([...Deno.readDirSync(join(dir, "shared"))].map((e) => e.name), ["uuid"]);
    });
  });
});

Deno.test("describeUuidSource", () => {
  const d = (source: ResolvedUuid["source"]) => describeUuidSource({ uuid: U1, source });
  assertEquals(d({ kind: "flag" }), "from --uuid");
  assertEquals(d({ kind: "file", path: "/x/uuid", created: true }), "new, saved in /x/uuid");
  assertEquals(d({ kind: "file", path: "/x/uuid", created: false }), "from /x/uuid");
  assertEquals(
    d({ kind: "legacy", path: "/w/ptpip-canon-helper.uuid" }),
    "from /w/ptpip-canon-helper.uuid (the Python helpers' file)",
  );
  assertEquals(
    d({ kind: "legacy", path: "/w/ptpip-canon-helper.uuid", copiedTo: "/x/uuid" }),
    "from /w/ptpip-canon-helper.uuid (the Python helpers' file), copied to /x/uuid",
  );
});
