/**
 * The PTP/IP GUID that libgphoto2 sends to an EOS body, which pairs by it: a stable one lets a camera
 * paired once reconnect. Facts from libgphoto2 (camlibs/ptp2/ptpip.c, libgphoto2/gphoto2-setting.c):
 * the settings file holds one `id=key=value` line per setting; the GUID is id `ptp2_ip`, key `guid`,
 * value 16 bytes as two hex digits each joined by `:` (47 characters, written lower case), random on
 * first use; any line of more than two characters with fewer than two `=` makes libgphoto2 delete
 * the whole file. The newest libgphoto2 reads `$XDG_CONFIG_HOME/gphoto/settings` (macOS:
 * `~/Library/Application Support/gphoto/settings`) if it exists, else the legacy
 * `~/.gphoto/settings` if that exists; older ones read only the legacy file; Windows uses
 * `%USERPROFILE%\.gphoto\settings`.
 *
 * The GUID is derived from the helper's device UUID, in the shape the 6D is reported to accept from a
 * host, `00000000-0000-0000-0001-<12 hex>` (never `…-FFFFFFFFFFFF`): the first eight bytes are zero
 * and the rest are sent in order whatever the byte order, so the shape holds whether a camera reads
 * the 16 bytes as a big-endian UUID or as a Windows GUID (which swaps only the first three fields).
 * Pure.
 *
 * @module
 */

import { equalBytes, startsWithBytes } from "../util/bytes.ts";
import { joinPath } from "../util/path.ts";
import { err, ok, type Result } from "../util/result.ts";

/** The setting's id (libgphoto2's camlib name) and key. */
const GPHOTO_GUID_SETTING = { id: "ptp2_ip", key: "guid" } as const;

const PREFIX = `${GPHOTO_GUID_SETTING.id}=${GPHOTO_GUID_SETTING.key}=`;
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-([0-9a-f]{12})$/i;

/**
 * The 16 GUID bytes for a device UUID: eight zero bytes, `00 01`, then the UUID's last six bytes
 * (its random node part); a node of all `ff` ends in `fe` instead, which the 6D is reported to treat
 * as "no host".
 */
export function guidFromDeviceUuid(uuid: string): Result<Uint8Array> {
  const match = UUID_SHAPE.exec(uuid.trim());
  if (!match) return err(`${JSON.stringify(uuid.slice(0, 60))} is not a UUID`);
  const bytes = new Uint8Array(16);
  bytes[9] = 0x01;
  for (let i = 0; i < 6; i++) bytes[10 + i] = parseInt(match[1].slice(2 * i, 2 * i + 2), 16);
  if (bytes.subarray(10).every((b) => b === 0xff)) bytes[15] = 0xfe;
  return ok(bytes);
}

/** The value as libgphoto2 writes it: `xx:xx:…` (16 pairs, lower case). */
function formatGuidValue(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a GUID has 16 bytes, not ${bytes.length}`);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The settings line for `bytes`: `ptp2_ip=guid=xx:…`. */
export function guidSettingsLine(bytes: Uint8Array): string {
  return PREFIX + formatGuidValue(bytes);
}

/** The GUID line's bytes as a UUID-style string, for messages. */
export function guidAsUuid(bytes: Uint8Array): string {
  const hex = formatGuidValue(bytes).replaceAll(":", "");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)]
    .join("-");
}

/** What merging our line into a settings file's bytes did. */
export interface SettingsBytesMerge {
  /** The new file content. */
  bytes: Uint8Array;
  /** The GUID value that was there before, if any, decoded for messages (the first one). */
  previous?: string;
  /** Whether `bytes` differ from the input. */
  changed: boolean;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const encoder = new TextEncoder();
const PREFIX_BYTES = encoder.encode(PREFIX);

/**
 * Puts our GUID line into a settings file's bytes: the first `ptp2_ip=guid=` line is replaced in
 * place, later ones (which libgphoto2 would never read) are dropped, and every other line is kept
 * byte for byte, whatever its encoding (libgphoto2 reads bytes, and a user's file may hold Latin-1);
 * with none, the line is appended (after a newline if the file lacked its last one).
 */
export function mergeGuidSettingBytes(existing: Uint8Array, guid: Uint8Array): SettingsBytesMerge {
  const line = encoder.encode(guidSettingsLine(guid));
  const lines: Uint8Array[] = [];
  for (let start = 0; start < existing.length;) {
    const end = existing.indexOf(NEWLINE, start);
    const stop = end < 0 ? existing.length : end;
    lines.push(existing.subarray(start, stop));
    start = stop + 1;
  }
  let previous: string | undefined;
  const kept: Uint8Array[] = [];
  for (const current of lines) {
    if (!startsWithBytes(current, PREFIX_BYTES)) {
      kept.push(current);
      continue;
    }
    if (previous !== undefined) continue;
    const value = current.subarray(
      PREFIX_BYTES.length,
      current.at(-1) === CR ? current.length - 1 : current.length,
    );
    previous = new TextDecoder().decode(value);
    kept.push(line);
  }
  if (previous === undefined) kept.push(line);
  const bytes = new Uint8Array(kept.reduce((n, l) => n + l.length + 1, 0));
  let offset = 0;
  for (const l of kept) {
    bytes.set(l, offset);
    bytes[offset + l.length] = NEWLINE;
    offset += l.length + 1;
  }
  return { bytes, previous, changed: !equalBytes(bytes, existing) };
}

/** Where a program finds things, for {@linkcode gphotoSettingsPath}. */
export interface SettingsEnvironment {
  /** `Deno.build.os`. */
  os: string;
  /** `HOME` (or `USERPROFILE` on Windows). */
  home: string;
  /** `XDG_CONFIG_HOME`, if set. */
  xdgConfigHome?: string;
  /** Whether a file exists. */
  exists: (path: string) => boolean;
}

/**
 * The settings file libgphoto2 reads. When neither file exists yet, the legacy `~/.gphoto/settings`:
 * the newest libgphoto2 falls back to it and older ones read nothing else, so both find it.
 */
export function gphotoSettingsPath(env: SettingsEnvironment): string {
  const legacy = joinPath(env.home, ".gphoto", "settings");
  if (env.os === "windows") return legacy;
  const configHome = env.xdgConfigHome && env.xdgConfigHome !== ""
    ? env.xdgConfigHome
    : joinPath(env.home, env.os === "darwin" ? "Library/Application Support" : ".config");
  const current = joinPath(configHome, "gphoto", "settings");
  return env.exists(current) ? current : legacy;
}
