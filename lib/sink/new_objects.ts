/**
 * What is new on a camera during one PTP/IP session: the handles listed so far are known, and a
 * listing returns only the objects behind handles not seen before. A handle the camera announced
 * (ObjectAdded) is described alone, with no GetObjectHandles; a full re-list (every storage's
 * handles) is done first and whenever asked, and costs one GetObjectInfo per new handle only. So a
 * card of 5,000 photos is described once per session, not once per new photo.
 *
 * Handles are valid for one session: a new session starts with a new {@linkcode NewObjects}. What
 * was imported before is the importer's record's business, not this.
 *
 * @module
 */

import { err, type Result } from "../util/result.ts";
import { describeHandles, type SourceSession, storageHandles } from "../import/ptpip_source.ts";
import type { CameraObject, SourceFailure } from "../import/source.ts";

/**
 * Announced handles kept before the next listing; past this, a full re-list is done instead (a
 * camera announcing more handles than this between two listings is flooding, not shooting).
 */
const MAX_ANNOUNCED = 10_000;

/** The handles of one session: listed, and announced since the last listing. */
export class NewObjects {
  readonly #known = new Set<number>();
  readonly #announced = new Set<number>();
  #relist = true;

  /** Whether a listing would look at anything: a handle was announced, or a re-list is due. */
  get due(): boolean {
    return this.#relist || this.#announced.size > 0;
  }

  /** Handles listed in this session. */
  get known(): number {
    return this.#known.size;
  }

  /** The camera announced `handle` (ObjectAdded): the next listing describes it. */
  announce(handle: number): void {
    if (!Number.isInteger(handle) || handle < 0 || handle > 0xffffffff) return;
    if (this.#known.has(handle)) return;
    if (this.#announced.size >= MAX_ANNOUNCED) {
      this.#relist = true;
      return;
    }
    this.#announced.add(handle);
  }

  /** Whether `handle` was listed (or described elsewhere) in this session. */
  has(handle: number): boolean {
    return this.#known.has(handle);
  }

  /** `handle` was described elsewhere (an EOS GetEvent record): no listing describes it again. */
  markKnown(handle: number): void {
    this.#known.add(handle);
    this.#announced.delete(handle);
  }

  /** The next listing asks for every storage's handles (a body that announces nothing). */
  relist(): void {
    this.#relist = true;
  }

  /**
   * The objects behind handles not listed before in this session: every storage's when a re-list
   * is due, else the announced ones. An object the camera will not describe (deleted meanwhile) is
   * left out and not asked again; a failure of the connection ends the listing.
   */
  async list(session: SourceSession): Promise<Result<CameraObject[], SourceFailure>> {
    const handles: number[] = [];
    if (this.#relist) {
      this.#relist = false;
      const listed = await storageHandles(session, (handle) => this.#known.has(handle));
      if (!listed.ok) return err(listed.error);
      handles.push(...listed.value);
    }
    // describeHandles skips those already known.
    handles.push(...this.#announced);
    this.#announced.clear();
    // A connection failure leaves its handle unknown: the next session lists it again.
    return describeHandles(session, handles, this.#known);
  }
}
