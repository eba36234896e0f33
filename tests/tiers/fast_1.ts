/**
 * Half of the fast tier, in one test worker. Here each test file run in a worker of its own costs
 * about 1 s of CPU to start (40 empty test files took 23 s of user and 21 s of system time with
 * `--parallel`), which made the fast tier 20 s on two cores when the same tests run in 8 s in two
 * workers. So `deno task test` and `test:fast` run the files of `tests/tiers/`, each importing a
 * group of test files cut to balance their run times; a new test file goes in the group of its
 * tier that runs shortest, and `tests/repo/test_tiers_test.ts` checks that every test file is in
 * exactly one group. A single file still runs alone as always.
 *
 * @module
 */

import "../bench/import_stats_test.ts";
import "../bench/run_args_test.ts";
import "../bench/stats_test.ts";
import "../cameras/parser_gate_test.ts";
import "../cameras/ptpip_check_test.ts";
import "../cli/args_test.ts";
import "../cli/camera_flags_test.ts";
import "../cli/help_test.ts";
import "../cli/import_args_test.ts";
import "../cli/options_test.ts";
import "../cli/parse_test.ts";
import "../cli/photo_sink_flags_test.ts";
import "../commands/lab_timing_test.ts";
import "../diagnostics/doctor_facts_test.ts";
import "../diagnostics/doctor_test.ts";
import "../diagnostics/folder_access_test.ts";
import "../diagnostics/free_space_test.ts";
import "../diagnostics/port_holders_test.ts";
import "../diagnostics/probe_test.ts";
import "../diagnostics/run_bounded_test.ts";
import "../gphoto2/guid_test.ts";
import "../import/default_folder_test.ts";
import "../import/eos_source_test.ts";
import "../import/file_name_test.ts";
import "../import/fs_test.ts";
import "../import/importer_test.ts";
import "../import/layout_test.ts";
import "../import/ptpip_source_test.ts";
import "../import/record_test.ts";
import "../import/write_batch_test.ts";
import "../network/follower_test.ts";
import "../network/interfaces_test.ts";
import "../network/ipv4_test.ts";
import "../network/missing_interfaces_test.ts";
import "../network/report_test.ts";
import "../ptpip/codes_test.ts";
import "../ptpip/datasets_test.ts";
import "../ptpip/eos_events_test.ts";
import "../ptpip/eos_test.ts";
import "../ptpip/packets_test.ts";
import "../ptpip/port_test.ts";
import "../ptpip/session_camera_test.ts";
import "../ptpip/session_test.ts";
import "../sink/new_objects_test.ts";
import "../sink/photo_hook_test.ts";
import "../sink/photo_sink_camera_test.ts";
import "../sink/photo_sink_test.ts";
import "../ssdp/answers_test.ts";
import "../ssdp/socket_test.ts";
import "../terminal/event_lines_test.ts";
import "../terminal/log_buffer_test.ts";
import "../terminal/status_line_test.ts";
import "../util/checked_write_test.ts";
import "../util/close_test.ts";
import "../util/update_file_test.ts";
