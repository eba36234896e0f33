/**
 * Writes the Homebrew formula and the AUR `-bin` PKGBUILD (with its .SRCINFO) for one release, taking
 * every hash from that release's SHA256SUMS so that no checksum is ever typed by hand.
 *
 *     deno task packaging -- [--repo OWNER/NAME] <version> <SHA256SUMS path> [outdir]
 *
 * `--repo` names the GitHub repository that hosts the release downloads; it defaults to the project's
 * home. `outdir` defaults to `dist/packaging`.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_URL } from "../lib/ssdp/wire.ts";
import { PROGRAM, type Target } from "./compile.ts";
import { withoutTaskSeparator } from "../lib/cli/task_args.ts";

/** Success with a value, or a message that names what was wrong. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** The one-line summary every package manager shows. */
export const SUMMARY =
  "Lets Canon Wi-Fi cameras pair with a computer by answering their UPnP search";

/** The licence, as an SPDX identifier. */
export const LICENSE = "MIT";

/** The AUR package name: `-bin` because it repackages the release binaries instead of building. */
export const AUR_PACKAGE = `${PROGRAM}-bin`;

/** The systemd unit, published beside the archives so the AUR package can install it. */
export const SYSTEMD_UNIT = `${PROGRAM}.service`;

/** What `--repo` defaults to: the repository in the project's home URL. */
export const DEFAULT_REPO = PROJECT_URL.replace(/^https:\/\/github\.com\//, "");

/** Output file names, as package managers expect them. */
export const OUTPUT_FILES = {
  formula: `${PROGRAM}.rb`,
  pkgbuild: "PKGBUILD",
  srcinfo: ".SRCINFO",
} as const;

/** The targets each package manager installs, keyed the way that manager spells its platforms. */
const HOMEBREW_TARGETS = {
  macos: { arm: "aarch64-apple-darwin", intel: "x86_64-apple-darwin" },
  linux: { arm: "aarch64-unknown-linux-gnu", intel: "x86_64-unknown-linux-gnu" },
} as const satisfies Record<string, Record<string, Target>>;

const AUR_TARGETS = {
  x86_64: "x86_64-unknown-linux-gnu",
  aarch64: "aarch64-unknown-linux-gnu",
} as const satisfies Record<string, Target>;

/** The release archive for a target: zip for Windows, where tar.gz is awkward, tar.gz elsewhere. */
export function archiveName(version: string, target: Target): string {
  const extension = target.endsWith("-windows-msvc") ? "zip" : "tar.gz";
  return `${PROGRAM}-${version}-${target}.${extension}`;
}

/** Where GitHub serves a release asset. */
export function downloadUrl(repo: string, version: string, asset: string): string {
  return `https://github.com/${repo}/releases/download/v${version}/${asset}`;
}

/**
 * Reads `sha256sum` output: one `<64 hex digits><space><space or *><file name>` per line; blank lines
 * are skipped. A file listed twice with different hashes is an error, since one of them must be wrong.
 */
export function parseSha256Sums(text: string): Result<Map<string, string>> {
  const sums = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const match = /^([0-9a-fA-F]{64}) [ *](\S.*)$/.exec(line);
    if (!match) {
      return {
        ok: false,
        error: `SHA256SUMS line ${index + 1} is not "<sha256>  <file>": ${line}`,
      };
    }
    const [, hash, name] = match;
    const previous = sums.get(name);
    if (previous !== undefined && previous !== hash.toLowerCase()) {
      return { ok: false, error: `SHA256SUMS lists ${name} twice with different hashes` };
    }
    sums.set(name, hash.toLowerCase());
  }
  return { ok: true, value: sums };
}

/** A downloadable file and the hash it must have. */
export interface Download {
  url: string;
  sha256: string;
}

/** Everything the package files say about one release, resolved and checked. */
export interface Release {
  version: string;
  /** The GitHub repository, OWNER/NAME, that serves the downloads. */
  repo: string;
  /** The project's home page. */
  homepage: string;
  /** The release archive for each target the packages install. */
  archives: Partial<Record<Target, Download>>;
  /** The systemd unit asset. */
  unit: Download;
}

/**
 * Checks the inputs and looks up every asset the packages need. Only plain MAJOR.MINOR.PATCH versions
 * are accepted: pacman forbids `-` in pkgver, so a pre-release would need a second spelling, and the
 * project has not chosen one.
 */
export function resolveRelease(
  version: string,
  repo: string,
  sums: ReadonlyMap<string, string>,
): Result<Release> {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    return { ok: false, error: `version "${version}" is not MAJOR.MINOR.PATCH (e.g. 0.1.0)` };
  }
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) {
    return { ok: false, error: `repository "${repo}" is not OWNER/NAME` };
  }
  const wanted: Target[] = [
    ...Object.values(HOMEBREW_TARGETS).flatMap((arches) => Object.values(arches)),
    ...Object.values(AUR_TARGETS),
  ].filter((target, i, all) => all.indexOf(target) === i);
  const missing: string[] = [];
  const lookup = (name: string): Download => {
    const sha256 = sums.get(name);
    if (sha256 === undefined) missing.push(name);
    return { url: downloadUrl(repo, version, name), sha256: sha256 ?? "" };
  };
  const archives: Partial<Record<Target, Download>> = {};
  for (const target of wanted) archives[target] = lookup(archiveName(version, target));
  const unit = lookup(SYSTEMD_UNIT);
  if (missing.length > 0) {
    return { ok: false, error: `SHA256SUMS has no entry for ${missing.join(", ")}` };
  }
  return {
    ok: true,
    value: { version, repo, homepage: `https://github.com/${repo}`, archives, unit },
  };
}

function archive(release: Release, target: Target): Download {
  const download = release.archives[target];
  // resolveRelease fills every target the renderers ask for; reaching this is a bug here, not bad input.
  if (!download) throw new Error(`internal: no archive resolved for ${target}`);
  return download;
}

/** The Ruby class name Homebrew derives from the formula's file name. */
function formulaClass(): string {
  return PROGRAM.split("-").map((part) => part[0].toUpperCase() + part.slice(1)).join("");
}

/** Renders the Homebrew formula. */
export function renderFormula(release: Release): string {
  const platformBlock = (os: keyof typeof HOMEBREW_TARGETS): string[] => {
    const lines = [`  on_${os} do`];
    for (const [cpu, target] of Object.entries(HOMEBREW_TARGETS[os])) {
      const download = archive(release, target);
      lines.push(
        `    on_${cpu} do`,
        `      url "${download.url}"`,
        `      sha256 "${download.sha256}"`,
        "    end",
      );
    }
    lines.push("  end");
    return lines;
  };
  return [
    `# Generated by scripts/packaging.ts from the SHA256SUMS of release v${release.version}.`,
    "# Homebrew installs formulae only from a tap; the README (Install, Homebrew) shows how to make a local one.",
    `class ${formulaClass()} < Formula`,
    `  desc "${SUMMARY}"`,
    `  homepage "${release.homepage}"`,
    `  version "${release.version}"`,
    `  license "${LICENSE}"`,
    "",
    ...platformBlock("macos"),
    "",
    ...platformBlock("linux"),
    "",
    // On Linux, Homebrew rewrites every ELF file it installs (interpreter and rpath), which corrupts a
    // `deno compile` binary: the program rides at the end of the runtime executable. So the binary is
    // installed compressed, where no rewrite finds it, and unpacked by post_install, which runs after
    // the rewrite; bin holds a link to it from the start, so `brew link` links it as usual.
    "  def install",
    "    if OS.linux?",
    `      system "gzip", "-n", "${PROGRAM}"`,
    `      libexec.install "${PROGRAM}.gz"`,
    `      bin.install_symlink libexec/"${PROGRAM}"`,
    "    else",
    `      bin.install "${PROGRAM}"`,
    "    end",
    "  end",
    "",
    "  def post_install",
    "    return unless OS.linux?",
    "",
    '    require "zlib"',
    `    binary = libexec/"${PROGRAM}"`,
    `    Zlib::GzipReader.open(libexec/"${PROGRAM}.gz") { |packed| binary.binwrite(packed.read) }`,
    "    binary.chmod 0755",
    "  end",
    "",
    // `brew services start` runs it at login, restarting it only when it fails, like the systemd unit.
    "  service do",
    `    run [opt_bin/"${PROGRAM}"]`,
    "    keep_alive successful_exit: false",
    `    log_path var/"log/${PROGRAM}.log"`,
    `    error_log_path var/"log/${PROGRAM}.log"`,
    '    environment_variables NO_COLOR: "1"',
    "  end",
    "",
    "  test do",
    `    assert_match version.to_s, shell_output("#{bin}/${PROGRAM} --version")`,
    "  end",
    "end",
    "",
  ].join("\n");
}

/** Single-quotes a value for bash, so that nothing in it is expanded. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/** The PKGBUILD names its version once; sources refer to it, so a bump moves them all. */
const PKGVER = "${pkgver}";

/** Renders the AUR PKGBUILD. */
export function renderPkgbuild(release: Release): string {
  const lines = [
    "# Maintainer: The ptpip-canon-helper contributors",
    `# Generated by scripts/packaging.ts from the SHA256SUMS of release v${release.version}.`,
    `pkgname=${AUR_PACKAGE}`,
    `pkgver=${release.version}`,
    "pkgrel=1",
    `pkgdesc=${shellQuote(SUMMARY)}`,
    `arch=(${Object.keys(AUR_TARGETS).map(shellQuote).join(" ")})`,
    `url=${shellQuote(release.homepage)}`,
    `license=(${shellQuote(LICENSE)})`,
    `provides=(${shellQuote(PROGRAM)})`,
    `conflicts=(${shellQuote(PROGRAM)})`,
    // deno compile appends the program to the runtime executable; strip would cut it off.
    "options=('!strip' '!debug')",
    // The unit's asset name has no version, so it is renamed to keep makepkg's source cache apart.
    `source=("${PROGRAM}-${PKGVER}.service::${downloadUrl(release.repo, PKGVER, SYSTEMD_UNIT)}")`,
    `sha256sums=(${shellQuote(release.unit.sha256)})`,
  ];
  for (const [carch, target] of Object.entries(AUR_TARGETS)) {
    const download = archive(release, target);
    lines.push(
      `source_${carch}=("${downloadUrl(release.repo, PKGVER, archiveName(PKGVER, target))}")`,
      `sha256sums_${carch}=(${shellQuote(download.sha256)})`,
    );
  }
  lines.push(
    "",
    "package() {",
    `  cd "${PROGRAM}-${PKGVER}-\${CARCH}-unknown-linux-gnu"`,
    `  install -Dm755 ${PROGRAM} "\${pkgdir}/usr/bin/${PROGRAM}"`,
    `  install -Dm644 LICENSE "\${pkgdir}/usr/share/licenses/\${pkgname}/LICENSE"`,
    `  install -Dm644 README.md "\${pkgdir}/usr/share/doc/\${pkgname}/README.md"`,
    `  install -Dm644 "\${srcdir}/${PROGRAM}-${PKGVER}.service" \\`,
    `    "\${pkgdir}/usr/lib/systemd/system/${SYSTEMD_UNIT}"`,
    "}",
    "",
  );
  return lines.join("\n");
}

/** Renders the .SRCINFO that the AUR reads instead of running the PKGBUILD, in makepkg's own order. */
export function renderSrcinfo(release: Release): string {
  const field = (key: string, value: string) => `\t${key} = ${value}`;
  const lines = [
    `pkgbase = ${AUR_PACKAGE}`,
    field("pkgdesc", SUMMARY),
    field("pkgver", release.version),
    field("pkgrel", "1"),
    field("url", release.homepage),
    ...Object.keys(AUR_TARGETS).map((carch) => field("arch", carch)),
    field("license", LICENSE),
    field("provides", PROGRAM),
    field("conflicts", PROGRAM),
    field("options", "!strip"),
    field("options", "!debug"),
    field("source", `${PROGRAM}-${release.version}.service::${release.unit.url}`),
    field("sha256sums", release.unit.sha256),
  ];
  for (const [carch, target] of Object.entries(AUR_TARGETS)) {
    const download = archive(release, target);
    lines.push(
      field(`source_${carch}`, download.url),
      field(`sha256sums_${carch}`, download.sha256),
    );
  }
  lines.push("", `pkgname = ${AUR_PACKAGE}`, "");
  return lines.join("\n");
}

/** The three package files for a release, by output file name. */
export function renderPackages(
  version: string,
  repo: string,
  sha256sums: string,
): Result<Record<string, string>> {
  const sums = parseSha256Sums(sha256sums);
  if (!sums.ok) return sums;
  const release = resolveRelease(version, repo, sums.value);
  if (!release.ok) return release;
  return {
    ok: true,
    value: {
      [OUTPUT_FILES.formula]: renderFormula(release.value),
      [OUTPUT_FILES.pkgbuild]: renderPkgbuild(release.value),
      [OUTPUT_FILES.srcinfo]: renderSrcinfo(release.value),
    },
  };
}

/** The parsed command line. */
export interface PackagingArgs {
  version: string;
  sumsPath: string;
  outDir: string;
  repo: string;
}

/** Reads `[--repo OWNER/NAME] <version> <SHA256SUMS path> [outdir]`. */
export function parsePackagingArgs(args: string[]): Result<PackagingArgs> {
  let parsed;
  try {
    parsed = parseArgs({
      // `deno task packaging -- ARGS` hands the `--` on; taken as is, it would turn flags into positionals.
      args: withoutTaskSeparator(args),
      options: { repo: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const [version, sumsPath, outDir = "dist/packaging", ...extra] = parsed.positionals;
  if (version === undefined || sumsPath === undefined || extra.length > 0) {
    return {
      ok: false,
      error: "usage: packaging [--repo OWNER/NAME] <version> <SHA256SUMS path> [outdir]",
    };
  }
  return {
    ok: true,
    value: { version, sumsPath, outDir, repo: parsed.values.repo ?? DEFAULT_REPO },
  };
}

async function main(): Promise<number> {
  const args = parsePackagingArgs(Deno.args);
  if (!args.ok) {
    console.error(`packaging: ${args.error}`);
    return 2;
  }
  const { version, sumsPath, outDir, repo } = args.value;
  let sums: string;
  try {
    sums = await Deno.readTextFile(sumsPath);
  } catch (e) {
    console.error(`packaging: cannot read ${sumsPath}: ${(e as Error).message}`);
    return 1;
  }
  const files = renderPackages(version, repo, sums);
  if (!files.ok) {
    console.error(`packaging: ${files.error}`);
    return 1;
  }
  await Deno.mkdir(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files.value)) {
    const path = join(outDir, name);
    await Deno.writeTextFile(path, text);
    console.error(`packaging: wrote ${path}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
