/**
 * The firewall likely in the camera's way, per OS, and the exact commands that let it through: the
 * camera's search arrives on UDP 1900 and it fetches the description on TCP 8043 (or the `-p`/`-P`
 * ports). On Linux only files are read (Deno keeps /proc and /sys behind --allow-all, so loaded rules
 * are not seen: ufw's and firewalld's own files tell instead); the macOS application firewall can only
 * be asked with `socketfilterfw`; Windows' state is not read, only its commands given.
 *
 * @module
 */

import { runBounded } from "./run_bounded.ts";
import { err, ok, type Result } from "../util/result.ts";
import { exists, readTextOrUndefined } from "../util/file_probe.ts";

/** What was found on Linux. */
export interface LinuxFirewall {
  /** Linux: ufw, firewalld or bare nftables/iptables. */
  os: "linux";
  /** ufw is installed; `enabled` from /etc/ufw/ufw.conf; `rules` from /etc/ufw/user.rules. */
  ufw?: { enabled: boolean; rules?: string };
  /** firewalld is installed; whether it runs (its pid file). */
  firewalld?: { running: boolean };
  /** `nft` is installed (its rules need root to read). */
  nftables: boolean;
  /** `iptables` is installed (its rules need root to read). */
  iptables: boolean;
}

/** What was found on macOS. */
export interface MacFirewall {
  /** macOS: the application firewall. */
  os: "darwin";
  /** From `socketfilterfw --getglobalstate`, or why it could not be asked (what it said instead). */
  enabled: Result<boolean, string>;
}

/** Everything the firewall advice is made from. */
export type FirewallFacts = LinuxFirewall | MacFirewall | { os: "windows" } | { os: "other" };

/** A firewall verdict: how sure we are that it is in the way, and what to run. */
export interface FirewallAdvice {
  /** `unknown` where the firewall cannot be read without privileges. */
  grade: "pass" | "warn" | "fail" | "unknown";
  /** What was found, in one line. */
  summary: string;
  /** The commands that let the camera through. */
  commands: string[];
}

/** The ports to open. */
export interface OpenPorts {
  /** UDP port of SSDP. */
  ssdp: number;
  /** TCP port of the description. */
  desc: number;
}

/** Where the macOS application firewall tool is. */
const SOCKETFILTERFW = "/usr/libexec/ApplicationFirewall/socketfilterfw";

/** Whether ufw's user rules accept `port`/`protocol` coming in. Pure. */
export function ufwAllows(rules: string, protocol: "udp" | "tcp", port: number): boolean {
  const rule = new RegExp(
    `^-A ufw-user-input -p ${protocol}\\b.*--dport ${port}\\b.*-j ACCEPT`,
    "m",
  );
  return rule.test(rules);
}

function linuxAdvice(facts: LinuxFirewall, ports: OpenPorts): FirewallAdvice[] {
  const { ssdp, desc } = ports;
  const advice: FirewallAdvice[] = [];
  if (facts.ufw?.enabled) {
    const commands = [`sudo ufw allow ${ssdp}/udp`, `sudo ufw allow ${desc}/tcp`];
    if (facts.ufw.rules === undefined) {
      advice.push({
        grade: "warn",
        summary: "ufw is active; its rules could not be read (run doctor as root to check them)",
        commands,
      });
    } else {
      const missing = [
        ufwAllows(facts.ufw.rules, "udp", ssdp) ? [] : [commands[0]],
        ufwAllows(facts.ufw.rules, "tcp", desc) ? [] : [commands[1]],
      ].flat();
      advice.push(
        missing.length === 0
          ? {
            grade: "pass",
            summary: `ufw is active and allows UDP ${ssdp} and TCP ${desc}`,
            commands,
          }
          : {
            grade: "fail",
            summary: "ufw is active and drops what it does not allow: the camera's search " +
              `(UDP ${ssdp}) or its description fetch (TCP ${desc}) is blocked`,
            commands: missing,
          },
      );
    }
  }
  if (facts.firewalld?.running) {
    advice.push({
      grade: "warn",
      summary: "firewalld is running; unless its zone allows them, it blocks " +
        `UDP ${ssdp} and TCP ${desc}`,
      commands: [
        `sudo firewall-cmd --permanent --add-port=${ssdp}/udp --add-port=${desc}/tcp`,
        "sudo firewall-cmd --reload",
      ],
    });
  }
  // firewalld and ufw drive nftables/iptables themselves; the raw tools matter only without them.
  if (!facts.ufw?.enabled && !facts.firewalld?.running) {
    if (facts.nftables) {
      advice.push({
        grade: "unknown",
        summary: "nftables is installed; its rules are not readable from here " +
          "(see them with: sudo nft list ruleset); if they drop incoming traffic, allow the camera",
        commands: [
          `sudo nft add rule inet filter input udp dport ${ssdp} accept`,
          `sudo nft add rule inet filter input tcp dport ${desc} accept`,
        ],
      });
    }
    if (facts.iptables) {
      advice.push({
        grade: "unknown",
        summary: "iptables is installed; its rules are not readable from here " +
          "(see them with: sudo iptables -L INPUT -n); if they drop incoming traffic, allow the camera",
        commands: [
          `sudo iptables -I INPUT -p udp --dport ${ssdp} -j ACCEPT`,
          `sudo iptables -I INPUT -p tcp --dport ${desc} -j ACCEPT`,
        ],
      });
    }
  }
  if (advice.length === 0) {
    advice.push({
      grade: "pass",
      summary: "no ufw, firewalld, nftables or iptables rules found",
      commands: [],
    });
  }
  return advice;
}

/** The firewall verdicts for the facts found; `binary` is this program, for per-app firewalls. Pure. */
export function firewallAdvice(
  facts: FirewallFacts,
  ports: OpenPorts,
  binary: string,
): FirewallAdvice[] {
  switch (facts.os) {
    case "linux":
      return linuxAdvice(facts, ports);
    case "darwin": {
      const commands = [
        `sudo ${SOCKETFILTERFW} --add ${binary}`,
        `sudo ${SOCKETFILTERFW} --unblockapp ${binary}`,
      ];
      if (!facts.enabled.ok) {
        return [{
          grade: "unknown",
          summary: `the application firewall's state could not be read: ${facts.enabled.error}`,
          commands,
        }];
      }
      return [
        facts.enabled.value
          ? {
            grade: "warn",
            summary: "the application firewall is on: allow this program to accept connections",
            commands,
          }
          : { grade: "pass", summary: "the application firewall is off", commands: [] },
      ];
    }
    case "windows":
      return [{
        grade: "unknown",
        summary: "Windows Firewall (on by default) was not queried; in an administrator prompt, " +
          "allow the camera in",
        commands: [
          `netsh advfirewall firewall add rule name="ptpip-canon-helper SSDP" dir=in action=allow protocol=UDP localport=${ports.ssdp}`,
          `netsh advfirewall firewall add rule name="ptpip-canon-helper description" dir=in action=allow protocol=TCP localport=${ports.desc}`,
        ],
      }];
    case "other":
      return [{
        grade: "unknown",
        summary: `no firewall check for this OS: allow UDP ${ports.ssdp} and TCP ${ports.desc} in`,
        commands: [],
      }];
  }
}

async function anyExists(paths: readonly string[]): Promise<boolean> {
  return (await Promise.all(paths.map(exists))).some(Boolean);
}

async function linuxFacts(): Promise<LinuxFirewall> {
  const sbin = (name: string) => [`/usr/sbin/${name}`, `/sbin/${name}`, `/usr/bin/${name}`];
  const ufwInstalled = await anyExists(sbin("ufw"));
  const ufwConf = ufwInstalled ? await readTextOrUndefined("/etc/ufw/ufw.conf") : undefined;
  const firewalldInstalled = await anyExists([...sbin("firewalld"), ...sbin("firewall-cmd")]);
  return {
    os: "linux",
    ufw: ufwInstalled
      ? {
        enabled: /^\s*ENABLED\s*=\s*yes\b/im.test(ufwConf ?? ""),
        rules: await readTextOrUndefined("/etc/ufw/user.rules"),
      }
      : undefined,
    firewalld: firewalldInstalled
      ? { running: await anyExists(["/run/firewalld.pid", "/var/run/firewalld.pid"]) }
      : undefined,
    nftables: await anyExists(sbin("nft")),
    iptables: await anyExists(sbin("iptables")),
  };
}

async function macFacts(): Promise<MacFirewall> {
  const ran = await runBounded(SOCKETFILTERFW, {
    args: ["--getglobalstate"],
    timeoutMs: 3000,
    maxBytes: 8192,
  });
  if (!ran.ok) return { os: "darwin", enabled: ran };
  const text = ran.value.stdout;
  if (/enabled/i.test(text)) return { os: "darwin", enabled: ok(true) };
  if (/disabled/i.test(text)) return { os: "darwin", enabled: ok(false) };
  return { os: "darwin", enabled: err(text.trim() || `exit code ${ran.value.code}`) };
}

/** Looks for the firewall of this OS; runs a program only on macOS, where nothing else tells. */
export async function firewallFacts(os: typeof Deno.build.os): Promise<FirewallFacts> {
  if (os === "linux") return await linuxFacts();
  if (os === "darwin") return await macFacts();
  if (os === "windows") return { os: "windows" };
  return { os: "other" };
}
