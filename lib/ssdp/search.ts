/**
 * Which M-SEARCH we answer, and with which targets. A camera asks for `upnp:rootdevice` (or `ssdp:all`);
 * UPnP control points may also ask for our UUID or device type, as UDA 1.0 allows.
 *
 * @module
 */

import type { SsdpMessage } from "./message.ts";
import { ALL_TARGET, DEVICE_TYPE, ROOT_DEVICE_TARGET } from "./wire.ts";

/** What identifies this device on the network. */
export interface DeviceIdentity {
  /** The persistent UUID exactly as stored (a paired camera compares it), without `uuid:`. */
  uuid: string;
  /** The device type URN. */
  deviceType: string;
}

/** One target we can be found by: the `ST` (or `NT`) we name and the `USN` that goes with it. */
export interface Target {
  /** What a search names (`ST`) or an announcement offers (`NT`). */
  st: string;
  /** The unique service name sent with it. */
  usn: string;
}

/**
 * Every target of this device, root device first: a search for `ssdp:all` gets them in this order, so
 * a camera sees the answer it needs first.
 */
export function deviceTargets(identity: DeviceIdentity): readonly Target[] {
  const udn = `uuid:${identity.uuid}`;
  return [
    { st: ROOT_DEVICE_TARGET, usn: `${udn}::${ROOT_DEVICE_TARGET}` },
    { st: udn, usn: udn },
    { st: identity.deviceType, usn: `${udn}::${identity.deviceType}` },
  ];
}

/** This device's targets by name: the root device, the UUID, the device type, and all in order. */
export interface Device {
  /** `upnp:rootdevice`: what cameras search for. */
  root: Target;
  /** `uuid:<UUID>`: this device alone. */
  uuid: Target;
  /** The device type of the description. */
  type: Target;
  /** Every target, root first: what `ssdp:all` gets. */
  all: readonly Target[];
}

/** The {@linkcode Device} of an identity. */
export function deviceOf(identity: DeviceIdentity): Device {
  const all = deviceTargets(identity);
  return { root: all[0], uuid: all[1], type: all[2], all };
}

/** The identity of a helper with the given UUID and our device type. */
export function identityFor(uuid: string): DeviceIdentity {
  return { uuid, deviceType: DEVICE_TYPE };
}

/** A search that gets an answer: which targets, and the MX it asked for (seconds, if valid). */
export interface AnsweredSearch {
  /** The targets to answer, root device first. */
  targets: readonly Target[];
  /** The `ST` as the search gave it, for the log. */
  searchTarget: string;
  /** Seconds the searcher waits for answers, when its `MX` is valid. */
  mx?: number;
}

/** Why a message that is not a search gets no answer. Pure. */
export function notASearch(message: SsdpMessage): string {
  return message.method ? `${message.method} is not a search` : "a response, not a search";
}

/** A datagram that gets no answer, and why (shown with `-v`). */
export interface IgnoredDatagram {
  /** Why, for the `-v` log. */
  ignored: string;
}

/** Tells an ignored datagram from an answered search. */
export function isIgnored(verdict: AnsweredSearch | IgnoredDatagram): verdict is IgnoredDatagram {
  return "ignored" in verdict;
}

/**
 * Decides whether a parsed message is a search we answer. Pure.
 * Targets compare case-insensitively: a camera that shouts `UPNP:ROOTDEVICE` still means us.
 */
export function judgeSearch(
  message: SsdpMessage,
  targets: readonly Target[],
): AnsweredSearch | IgnoredDatagram {
  if (message.method !== "M-SEARCH") {
    return { ignored: notASearch(message) };
  }
  if (message.target !== "*" || message.version !== "HTTP/1.1") {
    return { ignored: `unexpected request line "${message.startLine}"` };
  }
  const searchTarget = message.headers.get("st");
  if (searchTarget === undefined || searchTarget === "") return { ignored: "M-SEARCH without ST" };
  const mx = parseMx(message.headers.get("mx"));
  const wanted = searchTarget.toLowerCase();
  if (wanted === ALL_TARGET) return { targets, searchTarget, mx };
  const match = targets.filter((t) => t.st.toLowerCase() === wanted);
  if (match.length === 0) return { ignored: `ST ${searchTarget} is not ours` };
  return { targets: match, searchTarget, mx };
}

function parseMx(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,3}$/.test(value)) return undefined;
  return Number(value);
}
