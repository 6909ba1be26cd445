// Runs one test in a child process so a crash or hang in a kernel is recorded as
// that test's failure instead of ending the whole run.
#pragma once
#include <string>

#include "test_result.h"

namespace qc::conformance {

TestResult run_isolated(const std::string& test_dir, const std::string& out_root, int timeout_seconds);

}  // namespace qc::conformance
