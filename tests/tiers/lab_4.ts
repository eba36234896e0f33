/**
 * A camera becoming ready, several networks, and the program on 127.0.0.1, in one test worker: see
 * `fast_1.ts` for why the suite runs in a few workers and `tests/repo/test_tiers_test.ts` for the
 * check that every test file is in exactly one of them.
 *
 * @module
 */

import "../lab/camera_ready_test.ts";
import "../lab/networks_test.ts";
import "../loopback/pairing_unicast_test.ts";
import "../loopback/port_holder_test.ts";
import "../loopback/stalled_stderr_test.ts";
