/**
 * What `doctor` looks at on this machine, without changing anything: sockets are opened and closed at
 * once (nothing is sent to other hosts), the UUID is located but never created, and the firewall is
 * only read. Where the description port is taken, what holds it is asked for the description on this
 * computer's own address, so a running helper is recognised by its UUID; where the UUID file will be
 * created, an empty file is created and removed at once to learn whether it can be
 * (`folder_access.ts`); so is the `--import-to` folder, whose free space `df` tells
 * (`free_space.ts`).
 *
 * @module
 */

import {
  type AddressOutcome,
  type DescListen,
  type DescriptionAnswer,
  type DoctorFacts,
  type ImportDestFacts,
} from "./doctor.ts";
import { fetchRaw, parseResponseHead } from "../description/fetch.ts";
import { HTTP_SERVER } from "../ssdp/wire.ts";
import { type FolderAccess, folderAccess } from "./folder_access.ts";
import { errorMessage } from "../errors.ts";
import { err, ok, type Result } from "../util/result.ts";
import { firewallAdvice, firewallFacts } from "./firewall.ts";
import { freeSpace, type FreeSpaceAnswer } from "./free_space.ts";
import { absolutePath, joinPath } from "../util/path.ts";
import { type InterfaceAddress, selectInterfaces } from "../network/interfaces.ts";
import { missingInterfaces } from "../network/missing_interfaces.ts";
import { portHolders } from "./port_holders.ts";
import { Memberships, openSsdpSocket } from "../ssdp/socket.ts";
import type { UuidFailure, UuidLocation } from "../uuid/store.ts";

/** The settings `doctor` checks the machine against: the ones `serve` would start with. */
export interface DoctorConfig {
  /** LAN_IP: only this address is served; every LAN interface when absent. */
  lanAddress?: string;
  /** `-i` names: only these interfaces are served; every LAN interface when empty. */
  interfaceNames: readonly string[];
  /** The SSDP port to try binding. */
  ssdpPort: number;
  /** The description's TCP port to try binding. */
  descPort: number;
  /** The description's URL path, asked of a helper that already holds the port. */
  descPath: string;
  /** `-a`: the description would listen on every address. */
  bindAll: boolean;
  /** `--import-to DIR`: the photo folder to check; none when absent. */
  importTo?: string;
}

/** The machine as `doctor` sees it. */
export interface DoctorEnvironment {
  /** The OS, for the firewall advice. */
  os: typeof Deno.build.os;
  /** The interfaces now. */
  networkInterfaces: () => InterfaceAddress[];
  /** Finds the UUID without creating it. */
  locateUuid: () => Promise<Result<UuidLocation, UuidFailure>>;
  /** This program, for per-application firewalls. */
  execPath: string;
  /** The per-user UUID file, which the first start writes when the UUID comes from elsewhere. */
  userUuidFile?: string;
  /** Whether a file could be created at a path ({@linkcode folderAccess} in production). */
  folderAccess?: (file: string) => Promise<FolderAccess>;
  /** The free space where a folder is ({@linkcode freeSpace} in production). */
  freeSpace?: (dir: string) => Promise<FreeSpaceAnswer>;
  /** The working folder a relative `--import-to` is taken from; `Deno.cwd` by default. */
  cwd?: () => string;
}

/** Enough for a description on this computer's own address; a camera waits longer on Wi-Fi. */
const ASK_TIMEOUT_MS = 1500;

/** The longest UDN kept from an answer: a `uuid:` and a UUID fit with room to spare. */
const MAX_UDN_LENGTH = 100;

async function trySsdp(
  port: number,
  addresses: readonly string[],
): Promise<Pick<DoctorFacts, "ssdpSocket" | "memberships">> {
  let conn: Deno.DatagramConn;
  try {
    conn = openSsdpSocket(port);
  } catch (error) {
    return { ssdpSocket: err(errorMessage(error)), memberships: [] };
  }
  const memberships = new Memberships(conn);
  const outcomes: AddressOutcome[] = [];
  for (const address of addresses) {
    try {
      await memberships.join(address);
      outcomes.push({ address });
    } catch (error) {
      outcomes.push({ address, error: { message: errorMessage(error), inUse: false } });
    }
  }
  // Closing the socket drops its memberships: they belong to the socket, not to the process.
  conn.close();
  return { ssdpSocket: ok(undefined), memberships: outcomes };
}

/**
 * Asks what holds the description port on `address` for the description at `/path`, as a camera
 * would, and reads its UDN. Never throws: what came instead, or why nothing came, is the answer.
 * Whatever answers may be anything: the body is bounded by `fetchRaw`, the UDN kept is cut short,
 * and only a UUID in it is ever compared.
 */
export async function askDescription(
  address: string,
  port: number,
  path: string,
  timeoutMs = ASK_TIMEOUT_MS,
): Promise<DescriptionAnswer> {
  let response;
  try {
    response = await fetchRaw(`http://${address}:${port}/${path}`, "GET", timeoutMs);
  } catch (error) {
    return { other: `no HTTP answer: ${errorMessage(error)}` };
  }
  const head = parseResponseHead(response.head);
  if (head.status !== 200) {
    const elsewhere = head.status === 404 && head.headers.get("server") === HTTP_SERVER;
    return { other: `HTTP status ${head.status ?? "missing"}`, elsewhere };
  }
  // A scan, not the XML parser: what doctor looks for is a helper, whose description it knows byte
  // for byte (`description/document.ts`), and the parser may not be cached yet on a first start
  // without network, exactly when doctor is run beside a helper that cannot pair.
  const udn = UDN_ELEMENT.exec(new TextDecoder().decode(response.body))?.[1];
  if (udn === undefined) return { other: "a document without a UDN" };
  return { udn: udn.trim().slice(0, MAX_UDN_LENGTH) };
}

/** The helper's `<UDN>uuid:…</UDN>`; the length bound keeps a hostile body from costing much. */
const UDN_ELEMENT = /<UDN>([^<]{1,200})<\/UDN>/;

/** The file the first start will write (the new UUID, or the Python helpers' copied), and whether it can. */
async function uuidWrite(
  uuid: DoctorFacts["uuid"],
  env: DoctorEnvironment,
): Promise<DoctorFacts["uuidWrite"]> {
  if (!uuid.ok) return undefined;
  const found = uuid.value;
  const file = found.uuid === undefined
    ? found.createIn
    : found.source.kind === "legacy"
    ? env.userUuidFile
    : undefined;
  if (file === undefined) return undefined;
  return { file, ...await (env.folderAccess ?? folderAccess)(file) };
}

/**
 * The `--import-to` folder as `serve` will use it: made absolute the way the sink makes it, whether it
 * exists and can be written (a file created and removed at once), and the room on its disk.
 */
export async function importDestFacts(
  importTo: string,
  env: Pick<DoctorEnvironment, "folderAccess" | "freeSpace" | "cwd" | "os">,
): Promise<ImportDestFacts> {
  const absolute = absolutePath(importTo, env.cwd ?? Deno.cwd);
  const dir = absolute.replace(/(?<=.)[\\/]+$/, "");
  // The access of a file inside DIR is DIR's own, or its nearest existing folder's when it is missing.
  const access = await (env.folderAccess ?? folderAccess)(joinPath(dir, "photo"));
  const space = await (env.freeSpace ?? ((d) => freeSpace(d, { os: env.os })))(access.folder);
  return { dir, access, space };
}

/** Gathers every fact the report is graded from. */
export async function gatherDoctorFacts(
  config: DoctorConfig,
  env: DoctorEnvironment,
): Promise<DoctorFacts> {
  const interfaces = env.networkInterfaces();
  const candidates = selectInterfaces(interfaces, {
    lanAddress: config.lanAddress,
    interfaceNames: config.interfaceNames,
  });
  const served = candidates.filter((c) => c.served).map((c) => c.address);
  // Looked at before our own sockets are opened, so they are not counted among the others.
  const [ssdpHolders, descHolders] = await Promise.all([
    portHolders(config.ssdpPort, "udp", env.os),
    portHolders(config.descPort, "tcp", env.os),
  ]);
  const ssdp = await trySsdp(config.ssdpPort, served);
  const descListens = await Promise.all(
    (config.bindAll ? ["0.0.0.0"] : served).map(async (address): Promise<DescListen> => {
      try {
        Deno.listen({ hostname: address, port: config.descPort, transport: "tcp" }).close();
        return { address };
      } catch (error) {
        const message = errorMessage(error);
        if (!(error instanceof Deno.errors.AddrInUse)) {
          return { address, error: { message, inUse: false } };
        }
        // A listener on all addresses is asked on one of them, as a camera would.
        const host = address === "0.0.0.0" ? served[0] ?? "127.0.0.1" : address;
        const answer = await askDescription(host, config.descPort, config.descPath);
        return { address, error: { message, inUse: true }, answer };
      }
    }),
  );
  const uuid = await env.locateUuid();
  return {
    candidates,
    missingInterfaces: missingInterfaces(interfaces, config.interfaceNames),
    interfaces,
    ssdpPort: config.ssdpPort,
    descPort: config.descPort,
    ...ssdp,
    ssdpHolders,
    descPath: config.descPath,
    descListens,
    descHolders,
    uuid,
    uuidWrite: await uuidWrite(uuid, env),
    firewall: firewallAdvice(
      await firewallFacts(env.os),
      { ssdp: config.ssdpPort, desc: config.descPort },
      env.execPath,
    ),
    importDest: config.importTo === undefined
      ? undefined
      : await importDestFacts(config.importTo, env),
  };
}
