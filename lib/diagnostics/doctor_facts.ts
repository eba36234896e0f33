/**
 * What `doctor` looks at on this machine, without changing anything: sockets are opened and closed at
 * once (nothing is sent), the UUID is located but never created, and the firewall is only read.
 *
 * @module
 */

import type { DoctorConfig } from "../cli/parse.ts";
import type { AddressOutcome, DoctorFacts, Holders } from "./doctor.ts";
import { errorMessage, HelperError } from "../errors.ts";
import { firewallAdvice, firewallFacts } from "./firewall.ts";
import { type InterfaceAddress, selectInterfaces } from "../network/interfaces.ts";
import { portHolders } from "./port_holders.ts";
import { Memberships, openSsdpSocket } from "../ssdp/socket.ts";
import type { UuidLocation } from "../uuid/store.ts";

/** The machine as `doctor` sees it. */
export interface DoctorEnvironment {
  /** The OS, for the firewall advice. */
  os: typeof Deno.build.os;
  /** The interfaces now. */
  networkInterfaces: () => InterfaceAddress[];
  /** Finds the UUID without creating it. */
  locateUuid: () => Promise<UuidLocation>;
  /** This program, for per-application firewalls. */
  execPath: string;
}

async function holders(os: string, port: number, protocol: "udp" | "tcp"): Promise<Holders> {
  if (os !== "linux") return { unknown: "only possible on Linux" };
  try {
    return await portHolders(port, protocol);
  } catch (error) {
    return { unknown: errorMessage(error) };
  }
}

async function trySsdp(
  port: number,
  addresses: readonly string[],
): Promise<Pick<DoctorFacts, "ssdpSocket" | "memberships">> {
  let conn: Deno.DatagramConn;
  try {
    conn = openSsdpSocket(port);
  } catch (error) {
    return { ssdpSocket: { error: errorMessage(error) }, memberships: [] };
  }
  const memberships = new Memberships(conn);
  const outcomes: AddressOutcome[] = [];
  try {
    for (const address of addresses) {
      try {
        await memberships.join(address);
        outcomes.push({ address });
      } catch (error) {
        outcomes.push({ address, error: { message: errorMessage(error), inUse: false } });
      }
    }
  } finally {
    for (const address of memberships.addresses) await memberships.leave(address);
    conn.close();
  }
  return { ssdpSocket: {}, memberships: outcomes };
}

function tryListen(port: number, addresses: readonly string[]): AddressOutcome[] {
  return addresses.map((address) => {
    try {
      Deno.listen({ hostname: address, port, transport: "tcp" }).close();
      return { address };
    } catch (error) {
      return {
        address,
        error: { message: errorMessage(error), inUse: error instanceof Deno.errors.AddrInUse },
      };
    }
  });
}

async function locate(env: DoctorEnvironment): Promise<DoctorFacts["uuid"]> {
  try {
    return await env.locateUuid();
  } catch (error) {
    if (error instanceof HelperError) return { error: error.message };
    throw error;
  }
}

/** Gathers every fact the report is graded from. */
export async function gatherDoctorFacts(
  config: DoctorConfig,
  env: DoctorEnvironment,
): Promise<DoctorFacts> {
  const candidates = selectInterfaces(env.networkInterfaces(), {
    lanAddress: config.lanAddress,
    interfaceNames: config.interfaceNames,
  });
  const served = candidates.filter((c) => c.served).map((c) => c.address);
  // Looked at before our own sockets are opened, so they are not counted among the others.
  const ssdpHolders = await holders(env.os, config.ssdpPort, "udp");
  const descHolders = await holders(env.os, config.descPort, "tcp");
  const ssdp = await trySsdp(config.ssdpPort, served);
  const descAddresses = config.bindAll ? ["0.0.0.0"] : served;
  return {
    candidates,
    ssdpPort: config.ssdpPort,
    descPort: config.descPort,
    ...ssdp,
    ssdpHolders,
    descListens: tryListen(config.descPort, descAddresses),
    descHolders,
    uuid: await locate(env),
    firewall: firewallAdvice(
      await firewallFacts(env.os),
      { ssdp: config.ssdpPort, desc: config.descPort },
      env.execPath,
    ),
  };
}
