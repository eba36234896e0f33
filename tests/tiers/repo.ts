/**
 * The repository's checks: workflows, packaging, permissions, the README, the start without a
 * network, in one test worker: see `fast_1.ts` for why the suite runs in a few workers and
 * `tests/repo/test_tiers_test.ts` for the check that every test file is in exactly one of them.
 *
 * @module
 */

import "../repo/ci_run_test.ts";
import "../repo/compile_test.ts";
import "../repo/doc_lint_test.ts";
import "../repo/exports_test.ts";
import "../repo/packaging_test.ts";
import "../repo/permissions_test.ts";
import "../repo/publish_test.ts";
import "../repo/readme_options_test.ts";
import "../repo/readme_test.ts";
import "../repo/runtime_deps_test.ts";
import "../repo/start_imports_test.ts";
import "../repo/systemd_test.ts";
import "../repo/test_tiers_test.ts";
import "../repo/workflows_test.ts";
