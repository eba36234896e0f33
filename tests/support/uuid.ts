/**
 * The device UUID the tests give the helper wherever its value is not the point: one constant, so a
 * test that needs a second, different UUID says so by naming its own.
 *
 * @module
 */

/** A valid version-4 UUID, as `uuid/store.ts` creates them. */
export const TEST_UUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
