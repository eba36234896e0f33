/**
 * Reading /proc for the benchmarks and the lab tests (Linux): a process's memory, and the process
 * under a root with a given name. A file that cannot be read (the process is gone) reads as undefined.
 *
 * @module
 */

import { readTextOrUndefined } from "../lib/util/file_probe.ts";

/** VmRSS and VmHWM of `pid`, KiB; `NaN` when they cannot be read (the process is gone). */
export async function memoryOf(pid: number): Promise<{ rssKiB: number; hwmKiB: number }> {
  const status = await readTextOrUndefined(`/proc/${pid}/status`) ?? "";
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s*(\\d+) kB`, "m").exec(status)?.[1]);
  return { rssKiB: field("VmRSS"), hwmKiB: field("VmHWM") };
}

/**
 * The first process under `root` (itself included, breadth first, 64 looked at at most) whose
 * `comm` is `comm`, or undefined: `ip netns exec` and any wrapper may sit between them.
 */
export async function findPid(root: number, comm: string): Promise<number | undefined> {
  const queue = [root];
  for (let seen = 0; queue.length && seen < 64; seen++) {
    const pid = queue.shift()!;
    if ((await readTextOrUndefined(`/proc/${pid}/comm`))?.trim() === comm) return pid;
    const children = await readTextOrUndefined(`/proc/${pid}/task/${pid}/children`);
    queue.push(...(children ?? "").trim().split(/\s+/).filter(Boolean).map(Number));
  }
  return undefined;
}
