// What the conformance runner prints and writes: the per-op table, the failing
// tests, summary.json, and the check against the expected-failures list.
#pragma once
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "test_result.h"

namespace qc::conformance {

// test name -> reason. File format: one test name per line, then optional "# reason";
// blank lines and lines starting with '#' are ignored. Throws Errc::io if unreadable.
std::map<std::string, std::string> read_expected_failures(const std::string& path);

void print_op_table(std::FILE* f, const std::vector<TestResult>& results);
void print_failures(std::FILE* f, const std::vector<TestResult>& results,
                    const std::map<std::string, std::string>& expected);

void write_summary_json(const std::string& path, const std::vector<TestResult>& results);

// Prints every failing test missing from `expected` and every listed test that ran
// and did not fail. Returns how many such problems there are.
int check_expected_failures(std::FILE* f, const std::vector<TestResult>& results,
                            const std::map<std::string, std::string>& expected);

// Prints every test in `expected_pass` (a list in the expected-failures format) that did
// not pass, or did not run at all when `all_ran` (no filter): a regression. Tests that
// pass without being listed are noted, not counted. Returns the number of regressions.
int check_expected_passes(std::FILE* f, const std::vector<TestResult>& results,
                          const std::map<std::string, std::string>& expected_pass, bool all_ran);

}  // namespace qc::conformance
