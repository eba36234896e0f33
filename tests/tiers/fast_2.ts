/**
 * The other half of the fast tier, in one test worker: see `fast_1.ts` for why.
 *
 * @module
 */

import "../cameras/camera_side_test.ts";
import "../cameras/cooldowns_test.ts";
import "../cameras/eos_flow_test.ts";
import "../cameras/eos_type_test.ts";
import "../cameras/eos_watch_test.ts";
import "../cameras/find_test.ts";
import "../cameras/hook_runner_test.ts";
import "../cameras/lazy_side_test.ts";
import "../cameras/recognise_test.ts";
import "../cameras/text_test.ts";
import "../cameras/tracker_test.ts";
import "../cameras/watch_test.ts";
import "../cli/task_args_test.ts";
import "../commands/gphoto2_guid_test.ts";
import "../commands/import_test.ts";
import "../commands/serve_test.ts";
import "../commands/uuid_test.ts";
import "../description/document_test.ts";
import "../description/fetch_test.ts";
import "../description/http_test.ts";
import "../description/server_test.ts";
import "../diagnostics/probe_run_test.ts";
import "../errors_test.ts";
import "../ptpip/bytes_test.ts";
import "../sink/backoff_test.ts";
import "../ssdp/announcer_test.ts";
import "../ssdp/answerer_test.ts";
import "../ssdp/message_property_test.ts";
import "../ssdp/message_test.ts";
import "../ssdp/rate_limit_test.ts";
import "../ssdp/refusal_summary_test.ts";
import "../ssdp/responder_test.ts";
import "../ssdp/response_test.ts";
import "../ssdp/search_test.ts";
import "../ssdp/send_failures_test.ts";
import "../terminal/flood_log_test.ts";
import "../terminal/import_progress_test.ts";
import "../terminal/log_test.ts";
import "../terminal/logger_test.ts";
import "../terminal/request_lines_test.ts";
import "../terminal/signals_test.ts";
import "../util/bytes_test.ts";
import "../util/deno_version_test.ts";
import "../util/file_probe_test.ts";
import "../util/path_test.ts";
import "../util/recent_map_test.ts";
import "../util/result_test.ts";
import "../util/text_test.ts";
import "../util/timeout_test.ts";
import "../util/timers_test.ts";
import "../util/token_bucket_test.ts";
import "../uuid/store_test.ts";
