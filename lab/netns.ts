/**
 * Private network namespaces for tests and benchmarks that send multicast or need several hosts.
 *
 * Nothing here ever touches the machine's default network namespace: every address, link and route is
 * created inside namespaces this module makes, and they are deleted on dispose. Needs Linux, `ip` from
 * iproute2, and root (on CI: `sudo -E env "PATH=$PATH" deno task test`); {@linkcode namespaceSupport}
 * says why not otherwise, so a test
 * can skip with a visible message.
 *
 * @module
 */

import { succeeds } from "./commands.ts";

/**
 * The Deno cache this process uses, so that a `deno` started with another HOME finds the modules already there: inside a namespace nothing can be downloaded.
 */
export function denoCacheDir(): string | undefined {
  const explicit = Deno.env.get("DENO_DIR");
  if (explicit) return explicit;
  const home = Deno.env.get("HOME");
  if (Deno.build.os === "linux" && home) {
    return `${Deno.env.get("XDG_CACHE_HOME") ?? `${home}/.cache`}/deno`;
  }
  if (Deno.build.os === "darwin" && home) return `${home}/Library/Caches/deno`;
  const local = Deno.env.get("LOCALAPPDATA");
  return local ? `${local}\\deno` : undefined;
}

/** Whether this machine can build namespaces, and if not, why. */
export type NamespaceSupport = { available: true } | { available: false; reason: string };

let probed: Promise<NamespaceSupport> | undefined;

/**
 * Checks, once per process, whether namespaces can be made here: by making one, since root in a
 * container may still lack the right to.
 */
export function namespaceSupport(): Promise<NamespaceSupport> {
  probed ??= probeSupport();
  return probed;
}

async function probeSupport(): Promise<NamespaceSupport> {
  if (Deno.build.os !== "linux") {
    return { available: false, reason: `network namespaces need Linux (this is ${Deno.build.os})` };
  }
  if (!await succeeds("ip", ["-V"])) {
    return { available: false, reason: "`ip` (iproute2) is not installed" };
  }
  // Root for the whole run, not sudo per command: sudo would put each program behind its own pty,
  // where its stderr cannot be told from its stdout, and signals reach it only by relay.
  if (Deno.uid() !== 0) {
    return {
      available: false,
      reason:
        'not root; run the tests as root to include them: sudo -E env "PATH=$PATH" deno task test',
    };
  }
  // Unique beyond the pid: another run, or a namespace left by a killed one, may hold the same name.
  const probe = `pch-probe-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await asRoot(["ip", "netns", "add", probe]);
  } catch (error) {
    return {
      available: false,
      reason: `cannot create a network namespace: ${(error as Error).message}`,
    };
  }
  await asRoot(["ip", "netns", "del", probe]).catch(() => {});
  return { available: true };
}

/**
 * Runs `argv` (as root: see {@linkcode namespaceSupport}) and throws with its
 * stderr when it fails.
 */
async function asRoot(argv: string[]): Promise<string> {
  const [cmd, ...args] = argv;
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`${argv.join(" ")} failed: ${err}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Options for spawning a process inside a namespace. */
export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: "piped" | "null";
  stdout?: "piped" | "null" | "inherit";
  stderr?: "piped" | "null" | "inherit";
}

/** One network namespace: a host of the test network. */
export class Netns {
  /** @param name the namespace's name as `ip netns` knows it */
  constructor(readonly name: string) {}

  /** Runs an `ip` command inside this namespace (e.g. `["addr", "add", ...]`). */
  ip(...args: string[]): Promise<string> {
    return asRoot(["ip", "-n", this.name, ...args]);
  }

  /** Runs many `ip` commands in one process (`ip -batch`), e.g. to add hundreds of addresses fast. */
  async ipBatch(commands: readonly string[]): Promise<void> {
    const file = await Deno.makeTempFile({ prefix: "pch-ip-batch-" });
    try {
      await Deno.writeTextFile(file, commands.join("\n") + "\n");
      await asRoot(["ip", "-n", this.name, "-batch", file]);
    } finally {
      await Deno.remove(file);
    }
  }

  /** The argv that runs `argv` inside this namespace; for callers that spawn it themselves. */
  wrap(argv: string[]): string[] {
    return ["ip", "netns", "exec", this.name, ...argv];
  }

  /** Starts `argv` inside this namespace. */
  spawn(argv: string[], options: SpawnOptions = {}): Deno.ChildProcess {
    const [cmd, ...args] = this.wrap(argv);
    return new Deno.Command(cmd, {
      args,
      env: options.env,
      cwd: options.cwd,
      stdin: options.stdin ?? "null",
      stdout: options.stdout ?? "piped",
      stderr: options.stderr ?? "piped",
    }).spawn();
  }

  /** Runs `argv` inside this namespace to its end and returns its output. */
  output(argv: string[], options: SpawnOptions = {}): Promise<Deno.CommandOutput> {
    return this.spawn(argv, { ...options, stdout: "piped", stderr: "piped" }).output();
  }
}

/**
 * A set of namespaces and links, all removed by `await using`. Names carry the process id and a random
 * tag so concurrent runs never collide, nor do test files under `deno test --parallel`, which share one
 * process id but each count from zero in their own worker.
 */
export class NetnsLab implements AsyncDisposable {
  readonly #namespaces: Netns[] = [];
  readonly #tag: string;
  #links = 0;

  private constructor(tag: string) {
    this.#tag = tag;
  }

  /** Starts an empty lab; check {@linkcode namespaceSupport} first. */
  static async create(): Promise<NetnsLab> {
    const support = await namespaceSupport();
    if (!support.available) throw new Error(`cannot build namespaces: ${support.reason}`);
    return new NetnsLab(`${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
  }

  /** Makes a namespace with loopback up and multicast on loopback. */
  async host(role: string): Promise<Netns> {
    const ns = new Netns(`pch-${role}-${this.#tag}`);
    await asRoot(["ip", "netns", "add", ns.name]);
    this.#namespaces.push(ns);
    await ns.ip("link", "set", "lo", "up");
    await ns.ip("link", "set", "lo", "multicast", "on");
    return ns;
  }

  /**
   * Joins two hosts by a veth pair with the given addresses (CIDR), multicast on and 224.0.0.0/4 routed
   * through the link so SSDP leaves by it. Returns the two interface names.
   */
  async link(
    a: Netns,
    aCidr: string,
    b: Netns,
    bCidr: string,
    options: { aName?: string; bName?: string; multicastRoute?: boolean } = {},
  ): Promise<[string, string]> {
    const n = this.#links++;
    const aName = options.aName ?? `pa${n}`;
    const bName = options.bName ?? `pb${n}`;
    // Created straight inside the two namespaces: the default namespace never sees these links.
    await asRoot([
      "ip",
      "link",
      "add",
      aName,
      "netns",
      a.name,
      "type",
      "veth",
      "peer",
      "name",
      bName,
      "netns",
      b.name,
    ]);
    for (const [ns, name, cidr] of [[a, aName, aCidr], [b, bName, bCidr]] as const) {
      await ns.ip("link", "set", name, "multicast", "on");
      await ns.ip("addr", "add", cidr, "dev", name);
      await ns.ip("link", "set", name, "up");
      if (options.multicastRoute ?? true) {
        await ns.ip("route", "replace", "224.0.0.0/4", "dev", name);
      }
    }
    return [aName, bName];
  }

  /**
   * The usual test LAN: this computer ("pc", `eth0`, `<subnet>.1/24`) and a camera or another
   * device ("cam", `wlan0`, `<subnet>.2/24`), e.g. `pcAndCamera("10.231.7")`.
   */
  async pcAndCamera(subnet: string): Promise<{ pc: Netns; camera: Netns }> {
    const pc = await this.host("pc");
    const camera = await this.host("cam");
    await this.link(pc, `${subnet}.1/24`, camera, `${subnet}.2/24`, {
      aName: "eth0",
      bName: "wlan0",
    });
    return { pc, camera };
  }

  /** Deletes every namespace (their links go with them). */
  async [Symbol.asyncDispose](): Promise<void> {
    for (const ns of this.#namespaces.splice(0)) {
      await asRoot(["ip", "netns", "del", ns.name]).catch(() => {});
    }
  }
}

/**
 * Registers a test that needs namespaces, and whatever else `needs` checks (e.g. a registry to
 * download from); where one is missing, the test is reported as ignored and the first reason
 * printed, so a skip is never silent. `needs` is asked only once namespaces can be made.
 */
export async function namespaceTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
  needs: readonly (() => Promise<NamespaceSupport>)[] = [],
): Promise<void> {
  let support = await namespaceSupport();
  for (const need of needs) {
    if (!support.available) break;
    support = await need();
  }
  if (!support.available) console.warn(`SKIPPED "${name}": ${support.reason}`);
  Deno.test({ name, ignore: !support.available, fn });
}
