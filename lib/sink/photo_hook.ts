/**
 * `--on-photo PROGRAM [--on-photo-arg ARG]…`: runs the user's program once per imported photo,
 * through the `--on-camera` hook runner (`lib/cameras/hook_runner.ts`): no shell, `{path}` (the
 * helper's own absolute path of the file, whose name the importer made safe) and `{ip}` the only
 * replacements, `PHOTO_PATH` and `CAMERA_IP` in the environment, output bounded and logged, its
 * process group ended on stop.
 *
 * The runner allows one run per camera at a time and would fold a second request for the same
 * camera into the waiting one; a photo's run must never be folded away, so the photos of a camera
 * wait here, in order (at most {@linkcode MAX_WAITING_PHOTOS}), and each is handed to the runner
 * when the previous one ended. The runner's per-minute caps are set to
 * {@linkcode PHOTO_HOOK_CAPS}: a burst of photos is a camera's normal work, not a flood.
 *
 * @module
 */

import type { Emit } from "../events.ts";
import {
  type HookCamera,
  HookRunner,
  type HookRunnerOptions,
  hookStartError,
  type Spawn,
} from "../cameras/hook_runner.ts";

/** Photos of one camera waiting for their run; past this a photo's run is skipped, and said so. */
const MAX_WAITING_PHOTOS = 1000;

/** Runs per minute over all cameras, and per camera: two bursts of a fast body a second apart. */
const PHOTO_HOOK_CAPS = { perMinute: 240, perAddress: 120 } as const;

/** A camera's photos: kept while one runs, so a camera with a queue has a run going. */
interface Queue {
  running?: HookCamera;
  waiting: string[];
}

/** Options of {@linkcode PhotoHook}. */
interface PhotoHookOptions extends Pick<HookRunnerOptions, "clock" | "graceMs"> {
  /** Starts the program; the runner's default otherwise. */
  spawn?: Spawn;
}

/** Runs `--on-photo` once per imported photo, one at a time per camera, in order. */
export class PhotoHook {
  readonly #runner: HookRunner;
  readonly #emit: Emit;
  readonly #queues = new Map<string, Queue>();

  /**
   * Keeps its settings; runs nothing yet.
   * @param command program and arguments, `{path}` to be replaced (see {@linkcode photoHookCommand})
   * @param emit where each run is reported
   * @param options the spawner, clock and grace (tests)
   */
  constructor(command: readonly string[], emit: Emit, options: PhotoHookOptions = {}) {
    this.#emit = emit;
    // Every line but the output's names the camera and the photo, first after the event's name.
    const about = (camera: HookCamera) => ({ ip: camera.ip, path: camera.path ?? "" });
    this.#runner = new HookRunner(command, {
      started: (camera, argv, pid) =>
        emit({ event: "photo-hook-start", ...about(camera), command: argv.join(" "), pid }),
      output: (camera, stream, line) =>
        emit({ event: "photo-hook-output", ip: camera.ip, stream, line }),
      exited: (camera, { code, signal }) => {
        emit({ event: "photo-hook-exit", ...about(camera), code, signal });
        this.#next(camera);
      },
      failed: (camera, error) => {
        emit({ event: "photo-hook-error", ...about(camera), error: hookStartError(error) });
        this.#next(camera);
      },
      // Not reached: a camera's photos are handed over one at a time, the next once a run ended.
      busy: () => {},
      deferred: (camera, reason, inMs) =>
        emit({
          event: "photo-hook-deferred",
          ...about(camera),
          reason,
          seconds: Math.ceil(inMs / 1000),
        }),
    }, { ...options, caps: PHOTO_HOOK_CAPS });
  }

  /** A photo of the camera at `ip` was imported to `path`: run the program for it, in turn. */
  imported(ip: string, path: string): void {
    const queue = this.#queues.get(ip);
    if (!queue) return this.#run({ waiting: [] }, ip, path);
    if (queue.waiting.length >= MAX_WAITING_PHOTOS) {
      this.#emit({
        event: "photo-hook-error",
        ip,
        path,
        error: `${MAX_WAITING_PHOTOS} photos of this camera already wait for their run; skipped`,
      });
      return;
    }
    queue.waiting.push(path);
  }

  /** Ends the running programs (SIGTERM, then SIGKILL after the grace); forgets the waiting photos. */
  async stop(): Promise<void> {
    this.#queues.clear();
    await this.#runner.stop();
  }

  #run(queue: Queue, ip: string, path: string): void {
    const camera: HookCamera = { ip, name: "", path };
    queue.running = camera;
    // Set before the run: a start that fails at once ends it through #next.
    this.#queues.set(ip, queue);
    this.#runner.run(camera);
  }

  #next(camera: HookCamera): void {
    const queue = this.#queues.get(camera.ip);
    if (!queue || queue.running !== camera) return;
    const path = queue.waiting.shift();
    if (path === undefined) this.#queues.delete(camera.ip);
    else this.#run(queue, camera.ip, path);
  }
}
