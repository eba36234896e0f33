/**
 * The one list of runtime flags the helper needs, shared by `deno task start`, the compile task and the
 * integration tests, so a permission missing here fails a test instead of a user's camera pairing.
 *
 * @module
 */

/** Unstable APIs the helper uses: `Deno.listenDatagram` and multicast membership live behind `net`. */
export const UNSTABLE_FLAGS = ["--unstable-net"] as const;

/**
 * Permissions, each as narrow as the feature allows:
 * - net: the SSDP socket and the description server;
 * - sys: the host name (default friendly name), the interface list (LAN address checks) and the
 *   user id (whose legacy UUID file may be trusted);
 * - env: where the per-user UUID file lives, and the Pictures folder `import` copies into (the
 *   helper writes no colour, so NO_COLOR needs no read);
 * - read/write: the UUID file, whose path the user may choose with `--uuid-file`;
 * - run: the user's `--on-camera` program (any program, so the flag cannot be narrowed), and `ss`
 *   (Linux) or `socketfilterfw` (macOS) for `doctor`.
 */
export const PERMISSION_FLAGS = [
  "--allow-net",
  "--allow-sys=hostname,networkInterfaces,uid",
  "--allow-env=HOME,XDG_CONFIG_HOME,XDG_PICTURES_DIR,APPDATA,USERPROFILE",
  "--allow-read",
  "--allow-write",
  "--allow-run",
] as const;

/**
 * V8 tuned for a small resident process: without it the heap grows by 13-16 MiB over a million
 * datagrams before it settles; with it by under 2 MiB, at no measurable cost in throughput
 * (`deno task bench`, bench/README.md).
 */
export const V8_FLAGS = ["--v8-flags=--optimize-for-size"] as const;

/**
 * What a checkout's `deno run`, `deno install` and `deno compile` add before those: the lockfile,
 * which pins the XML parser's version and checksum. deno.json turns the lockfile off because
 * `deno task` downloads every npm package a lockfile lists before it runs any task, so `deno task
 * start` failed with no internet even for `--help`; the program itself fetches its one package only
 * when `probe` or `--eos` first reads a description (deno.json's `lazy-dynamic-imports`).
 */
export const LOCK_FLAGS = ["--lock=deno.lock"] as const;

/** Everything `deno run` or `deno compile` needs before the entry point. */
export const RUNTIME_FLAGS = [...UNSTABLE_FLAGS, ...V8_FLAGS, ...PERMISSION_FLAGS] as const;
