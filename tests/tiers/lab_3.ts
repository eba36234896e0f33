/**
 * import on a LAN, the EOS flow and forged searches, in one test worker: see `fast_1.ts` for why
 * the suite runs in a few workers and `tests/repo/test_tiers_test.ts` for the check that every test
 * file is in exactly one of them.
 *
 * @module
 */

import "../lab/import_test.ts";
import "../lab/eos_flow_test.ts";
import "../lab/forged_searches_test.ts";
import "../lab/ptp_camera_codec_test.ts";
