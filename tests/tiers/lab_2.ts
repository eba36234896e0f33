/**
 * Floods, the PowerShot photo sink, doctor and gphoto2 against the fake camera, in one test worker:
 * see `fast_1.ts` for why the suite runs in a few workers and `tests/repo/test_tiers_test.ts` for
 * the check that every test file is in exactly one of them.
 *
 * @module
 */

import "../lab/floods_test.ts";
import "../lab/photo_sink_test.ts";
import "../lab/doctor_test.ts";
import "../lab/ptpip_camera_gphoto2_test.ts";
