/**
 * The packaging script, run as `deno task packaging` on a sample SHA256SUMS: the formula, PKGBUILD and
 * .SRCINFO it writes are parsed back here, each with its own small reader, and every URL, version and
 * hash must match what went in. Where makepkg, bash or ruby exist, they check the files too.
 */

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { PROGRAM, type Target } from "../../scripts/compile.ts";
import {
  archiveName,
  DEFAULT_REPO,
  parseSha256Sums,
  renderPackages,
  SYSTEMD_UNIT,
} from "../../scripts/packaging.ts";
import { succeeds } from "../../lab/commands.ts";

/** Fails unless `part` occurs in `text`, showing both. */
function assertIncludes(text: string, part: string): void {
  assert(text.includes(part), `expected ${JSON.stringify(part)} in:\n${text}`);
}

const ROOT = new URL("..", import.meta.url);
const VERSION = "0.1.0";
const REPO = "example-owner/example-repo";
const RELEASE_URL = `https://github.com/${REPO}/releases/download/v${VERSION}`;

/** A distinct, stable fake hash per file, so a hash landing on the wrong platform is caught. */
function fakeHash(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

const ASSETS = [
  archiveName(VERSION, "x86_64-unknown-linux-gnu"),
  archiveName(VERSION, "aarch64-unknown-linux-gnu"),
  archiveName(VERSION, "x86_64-apple-darwin"),
  archiveName(VERSION, "aarch64-apple-darwin"),
  archiveName(VERSION, "x86_64-pc-windows-msvc"),
  SYSTEMD_UNIT,
];

function sampleSums(omit?: string): string {
  return ASSETS.filter((name) => name !== omit).map((name) => `${fakeHash(name)}  ${name}\n`).join(
    "",
  );
}

function archive(target: Target): { url: string; sha256: string } {
  const name = archiveName(VERSION, target);
  return { url: `${RELEASE_URL}/${name}`, sha256: fakeHash(name) };
}

/** Runs `deno task packaging -- ARGS` from the project root. */
async function runPackaging(args: string[]): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "packaging", "--", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

// ---- Readers for the three formats: just enough of each to pull out what the packages claim. ----

/** Top-level `name=value` and single-line `name=(...)` assignments, with `${var}` expanded. */
function parsePkgbuild(text: string): Map<string, string[]> {
  const vars = new Map<string, string[]>();
  const expand = (word: string) =>
    word.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => {
      const value = vars.get(a ?? b);
      assert(value !== undefined, `PKGBUILD uses \${${a ?? b}} before setting it`);
      return value.join(" ");
    });
  const unquote = (word: string) => {
    const single = /^'([^']*)'$/.exec(word);
    if (single) return single[1];
    const double = /^"([^"]*)"$/.exec(word);
    if (double) return expand(double[1]);
    assert(!/["'\s]/.test(word), `unexpected quoting in PKGBUILD word ${word}`);
    return expand(word);
  };
  const words = (list: string) => list.match(/'[^']*'|"[^"]*"|[^\s'"]+/g) ?? [];
  for (const line of text.split("\n")) {
    if (/^(#|\s|$)/.test(line) || /^\w+\(\)/.test(line) || line === "}") continue;
    const match = /^(\w+)=(.*)$/.exec(line);
    assert(match, `PKGBUILD line is not an assignment: ${line}`);
    const [, name, value] = match;
    const array = /^\((.*)\)$/.exec(value);
    vars.set(name, array ? words(array[1]).map(unquote) : [unquote(value)]);
  }
  return vars;
}

/** `.SRCINFO`: `key = value` lines, grouped by the pkgbase/pkgname section they belong to. */
function parseSrcinfo(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const match = /^(\t?)(\w+) = (.*)$/.exec(line);
    assert(match, `.SRCINFO line is not "key = value": ${JSON.stringify(line)}`);
    const [, indent, key, value] = match;
    if (indent === "") {
      assert(key === "pkgbase" || key === "pkgname", `unexpected section ${key}`);
      current = new Map();
      sections.set(`${key}:${value}`, current);
    } else {
      assert(current, ".SRCINFO field before any section");
      current.set(key, [...current.get(key) ?? [], value]);
    }
  }
  return sections;
}

/** What the formula says at class level, and its `url`/`sha256` pairs keyed by `on_*` blocks (`macos/arm`). */
interface FormulaFacts {
  fields: Map<string, string>;
  downloads: Map<string, { url?: string; sha256?: string }>;
}

function parseFormula(text: string): FormulaFacts {
  const facts: FormulaFacts = { fields: new Map(), downloads: new Map() };
  const stack: string[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    const platform = /^on_(\w+) do$/.exec(trimmed);
    if (platform || / do$/.test(trimmed) || /^(class|def|if) /.test(trimmed)) {
      stack.push(platform?.[1] ?? "");
      continue;
    }
    if (trimmed === "end") {
      assert(stack.pop() !== undefined, "unbalanced end in formula");
      continue;
    }
    const field = /^(\w+) "([^"]*)"$/.exec(trimmed);
    if (!field) continue;
    const [, key, value] = field;
    const where = stack.filter((name) => name !== "").join("/");
    if ((key === "url" || key === "sha256") && where !== "") {
      const entry = facts.downloads.get(where) ?? {};
      assert(entry[key] === undefined, `${key} given twice for ${where}`);
      entry[key] = value;
      facts.downloads.set(where, entry);
    } else if (stack.length === 1) {
      facts.fields.set(key, value);
    }
  }
  assertEquals(stack, [], "every block in the formula is closed");
  return facts;
}

Deno.test("SHA256SUMS parsing", async (t) => {
  await t.step("reads text and binary mode lines, CRLF and blank lines", () => {
    const a = "a".repeat(64), b = "B".repeat(64);
    const parsed = parseSha256Sums(`${a}  one.tar.gz\r\n\n${b} *two.zip\n`);
    assert(parsed.ok);
    assertEquals([...parsed.value], [["one.tar.gz", a], ["two.zip", b.toLowerCase()]]);
  });

  await t.step("names the line it cannot read", () => {
    const parsed = parseSha256Sums(`${"a".repeat(64)}  ok.tar.gz\nnot-a-hash  bad.tar.gz\n`);
    assert(!parsed.ok);
    assertIncludes(parsed.error, "line 2");
    assertIncludes(parsed.error, "not-a-hash  bad.tar.gz");
  });

  await t.step("refuses one file with two hashes", () => {
    const parsed = parseSha256Sums(`${"a".repeat(64)}  x.zip\n${"b".repeat(64)}  x.zip\n`);
    assert(!parsed.ok);
    assertIncludes(parsed.error, "x.zip");
  });
});

Deno.test("packaging files for a release", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "packaging_test_" });
  try {
    const sumsPath = join(dir, "SHA256SUMS");
    const outDir = join(dir, "out");
    await Deno.writeTextFile(sumsPath, sampleSums());
    const run = await runPackaging(["--repo", REPO, VERSION, sumsPath, outDir]);
    assertEquals(run.code, 0, run.stderr);
    const read = (name: string) => Deno.readTextFile(join(outDir, name));
    const formulaText = await read(`${PROGRAM}.rb`);
    const pkgbuildText = await read("PKGBUILD");
    const srcinfoText = await read(".SRCINFO");

    await t.step("Homebrew formula: version and one url/sha256 per macOS and Linux CPU", () => {
      assertMatch(formulaText, /^class PtpipCanonHelper < Formula$/m);
      const { fields, downloads } = parseFormula(formulaText);
      assertEquals(fields.get("version"), VERSION);
      assertEquals(fields.get("license"), "MIT");
      assertEquals(fields.get("homepage"), `https://github.com/${REPO}`);
      assertEquals(
        Object.fromEntries(downloads),
        {
          "macos/arm": archive("aarch64-apple-darwin"),
          "macos/intel": archive("x86_64-apple-darwin"),
          "linux/arm": archive("aarch64-unknown-linux-gnu"),
          "linux/intel": archive("x86_64-unknown-linux-gnu"),
        },
      );
      assertIncludes(formulaText, `bin.install "${PROGRAM}"`);
      const desc = fields.get("desc") ?? "";
      // brew audit's rules for desc: short, no leading article or name, no final period.
      assert(desc.length > 0 && desc.length <= 80 && !/^(a|an|the)\b/i.test(desc), desc);
      assert(!desc.endsWith(".") && !desc.toLowerCase().startsWith(PROGRAM), desc);
    });

    await t.step("Homebrew on Linux: the binary stays packed until post_install", () => {
      const block = (name: string) => {
        const match = new RegExp(`^  def ${name}\\n([\\s\\S]*?)^  end$`, "m").exec(formulaText);
        assert(match, `the formula defines ${name}`);
        return match[1];
      };
      const install = block("install");
      const linux = /if OS\.linux\?\n([\s\S]*?)\n {4}else\n([\s\S]*?)\n {4}end/.exec(install);
      assert(linux, install);
      // Homebrew's ELF rewrite runs between install and post_install: no ELF file may be in the keg.
      assert(!linux[1].includes(`bin.install "${PROGRAM}"`), linux[1]);
      assertIncludes(linux[1], `system "gzip", "-n", "${PROGRAM}"`);
      assertIncludes(linux[1], `libexec.install "${PROGRAM}.gz"`);
      assertIncludes(linux[1], `bin.install_symlink libexec/"${PROGRAM}"`);
      assertIncludes(linux[2], `bin.install "${PROGRAM}"`);
      const postInstall = block("post_install");
      assertIncludes(postInstall, "return unless OS.linux?");
      assertIncludes(postInstall, `Zlib::GzipReader.open(libexec/"${PROGRAM}.gz")`);
      assertIncludes(postInstall, `binary = libexec/"${PROGRAM}"`);
      assertIncludes(postInstall, "binary.chmod 0755");
    });

    const pkgbuild = parsePkgbuild(pkgbuildText);
    const one = (name: string) => {
      const value = pkgbuild.get(name);
      assertEquals(value?.length, 1, `${name} holds one value`);
      return value![0];
    };

    await t.step("PKGBUILD: name, version, arches, per-arch sources and hashes", () => {
      assertEquals(one("pkgname"), `${PROGRAM}-bin`);
      assertEquals(one("pkgver"), VERSION);
      assertMatch(one("pkgrel"), /^[1-9]\d*$/);
      assertEquals(pkgbuild.get("arch"), ["x86_64", "aarch64"]);
      assertEquals(pkgbuild.get("license"), ["MIT"]);
      assertEquals(pkgbuild.get("provides"), [PROGRAM]);
      assertEquals(pkgbuild.get("conflicts"), [PROGRAM]);
      assert(pkgbuild.get("options")?.includes("!strip"), "stripping would cut off the program");
      for (const [carch, target] of [["x86_64", "x86_64"], ["aarch64", "aarch64"]] as const) {
        const expected = archive(`${target}-unknown-linux-gnu`);
        assertEquals(pkgbuild.get(`source_${carch}`), [expected.url]);
        assertEquals(pkgbuild.get(`sha256sums_${carch}`), [expected.sha256]);
      }
      assertEquals(pkgbuild.get("source"), [
        `${PROGRAM}-${VERSION}.service::${RELEASE_URL}/${SYSTEMD_UNIT}`,
      ]);
      assertEquals(pkgbuild.get("sha256sums"), [fakeHash(SYSTEMD_UNIT)]);
      assertIncludes(pkgbuildText, `"\${pkgdir}/usr/bin/${PROGRAM}"`);
      assertIncludes(pkgbuildText, `/usr/lib/systemd/system/${SYSTEMD_UNIT}`);
    });

    await t.step(".SRCINFO says what the PKGBUILD says", () => {
      const sections = parseSrcinfo(srcinfoText);
      assertEquals([...sections.keys()], [`pkgbase:${PROGRAM}-bin`, `pkgname:${PROGRAM}-bin`]);
      const base = sections.get(`pkgbase:${PROGRAM}-bin`)!;
      for (const key of ["pkgdesc", "pkgver", "pkgrel", "url"]) {
        assertEquals(base.get(key), [one(key)], key);
      }
      const lists = [
        "arch",
        "license",
        "provides",
        "conflicts",
        "options",
        "source",
        "sha256sums",
        "source_x86_64",
        "sha256sums_x86_64",
        "source_aarch64",
        "sha256sums_aarch64",
      ];
      for (const key of lists) assertEquals(base.get(key), pkgbuild.get(key), key);
      assertEquals(
        [...base.keys()].sort(),
        ["pkgdesc", "pkgver", "pkgrel", "url", ...lists].sort(),
        "no field the PKGBUILD lacks",
      );
      assertEquals([...sections.get(`pkgname:${PROGRAM}-bin`)!.keys()], []);
    });

    const bash = Deno.build.os !== "windows" && await succeeds("bash", ["--version"]);
    if (!bash) console.warn("packaging_test: skipping `bash -n PKGBUILD` (no bash here)");
    await t.step({
      name: "PKGBUILD is valid bash",
      ignore: !bash,
      fn: async () => {
        const { success, stderr } = await new Deno.Command("bash", {
          args: ["-n", join(outDir, "PKGBUILD")],
          stderr: "piped",
        }).output();
        assert(success, new TextDecoder().decode(stderr));
      },
    });

    const makepkg = Deno.build.os === "linux" && await succeeds("makepkg", ["--version"]);
    if (!makepkg) console.warn("packaging_test: skipping makepkg --printsrcinfo (no makepkg here)");
    await t.step({
      name: "makepkg derives the same .SRCINFO",
      ignore: !makepkg,
      fn: async () => {
        // makepkg refuses to run as root, so as root it runs as nobody, which must be able to read the
        // PKGBUILD and write in its folder (makepkg checks that even when only printing).
        const asRoot = Deno.uid() === 0;
        if (asRoot) {
          await Deno.chmod(dir, 0o755);
          await Deno.chmod(outDir, 0o777);
          await Deno.chmod(join(outDir, "PKGBUILD"), 0o644);
        }
        const command = asRoot
          ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "makepkg"]
          : ["makepkg"];
        const { success, stdout, stderr } = await new Deno.Command(command[0], {
          args: [...command.slice(1), "--printsrcinfo"],
          cwd: outDir,
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert(success, new TextDecoder().decode(stderr));
        const derived = new TextDecoder().decode(stdout).split("\n").filter((line) =>
          !line.startsWith("#")
        ).join("\n");
        assertEquals(srcinfoText, derived);
      },
    });

    const ruby = await succeeds("ruby", ["--version"]);
    if (!ruby) console.warn("packaging_test: skipping `ruby -c` on the formula (no ruby here)");
    await t.step({
      name: "formula is valid Ruby",
      ignore: !ruby,
      fn: async () => {
        const { success, stderr } = await new Deno.Command("ruby", {
          args: ["-c", join(outDir, `${PROGRAM}.rb`)],
          stdout: "null",
          stderr: "piped",
        }).output();
        assert(success, new TextDecoder().decode(stderr));
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("packaging refuses bad input, naming it", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "packaging_test_" });
  try {
    await t.step("a missing checksum line", async () => {
      const missing = archiveName(VERSION, "aarch64-apple-darwin");
      const sumsPath = join(dir, "SHA256SUMS.partial");
      await Deno.writeTextFile(sumsPath, sampleSums(missing));
      const run = await runPackaging([VERSION, sumsPath, join(dir, "out")]);
      assertEquals(run.code, 1);
      assertIncludes(run.stderr, `SHA256SUMS has no entry for ${missing}`);
      const wrote = await Deno.stat(join(dir, "out")).then(() => true, () => false);
      assert(!wrote, "nothing is written when an entry is missing");
    });

    await t.step("the systemd unit's line is needed too", () => {
      const result = renderPackages(VERSION, REPO, sampleSums(SYSTEMD_UNIT));
      assert(!result.ok);
      assertEquals(result.error, `SHA256SUMS has no entry for ${SYSTEMD_UNIT}`);
    });

    await t.step("the Windows archive is not needed", () => {
      assert(renderPackages(VERSION, REPO, sampleSums(ASSETS[4])).ok);
    });

    await t.step("a version that is not MAJOR.MINOR.PATCH", () => {
      for (const version of ["v0.1.0", "0.1", "0.2.0-rc.1"]) {
        const result = renderPackages(version, REPO, sampleSums());
        assert(!result.ok);
        assertIncludes(result.error, `"${version}"`);
      }
    });

    await t.step("a repository that is not OWNER/NAME", () => {
      const result = renderPackages(VERSION, "https://github.com/x/y", sampleSums());
      assert(!result.ok);
      assertIncludes(result.error, "https://github.com/x/y");
    });

    await t.step("a SHA256SUMS that cannot be read", async () => {
      const run = await runPackaging([VERSION, join(dir, "no-such-file")]);
      assertEquals(run.code, 1);
      assertIncludes(run.stderr, "no-such-file");
    });

    await t.step("a command line without the checksums path", async () => {
      const run = await runPackaging([VERSION]);
      assertEquals(run.code, 2);
      assertIncludes(run.stderr, "usage:");
    });

    await t.step("the default repository is the project's home", () => {
      assertMatch(DEFAULT_REPO, /^[\w.-]+\/[\w.-]+$/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
