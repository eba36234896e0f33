/**
 * The EOS photo sink, multicast pairing, probe and the fake cameras' own checks, in one test
 * worker: see `fast_1.ts` for why the suite runs in a few workers and
 * `tests/repo/test_tiers_test.ts` for the check that every test file is in exactly one of them.
 *
 * @module
 */

import "../lab/photo_sink_eos_test.ts";
import "../lab/pairing_multicast_test.ts";
import "../lab/probe_test.ts";
import "../lab/ptpip_camera_test.ts";
import "../lab/canon_fakes_test.ts";
import "../lab/waiters_test.ts";
