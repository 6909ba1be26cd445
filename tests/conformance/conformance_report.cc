#include "conformance_report.h"

#include <array>
#include <fstream>

#include "common/error.h"
#include "tools/atomic_file.h"

namespace qc::conformance {

namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"') o += "\\\"";
    else if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '\t') o += "\\t";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else o += static_cast<char>(c);
  }
  return o + "\"";
}

std::string json_names(const std::vector<std::string>& names) {
  std::string s = "[";
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + json_string(names[i]);
  return s + "]";
}

using Counts = std::array<int, 4>;  // indexed by Status

}  // namespace

std::map<std::string, std::string> read_expected_failures(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(Errc::io, path + ": cannot open the expected-failures list");
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    const size_t hash = line.find('#');
    const std::string name = trim(line.substr(0, hash));
    if (name.empty()) continue;
    out[name] = hash == std::string::npos ? "" : trim(line.substr(hash + 1));
  }
  return out;
}

void print_op_table(std::FILE* f, const std::vector<TestResult>& results) {
  std::map<std::string, Counts> by_op;
  Counts total{};
  for (const auto& r : results) {
    by_op[r.op][static_cast<int>(r.status)]++;
    total[static_cast<int>(r.status)]++;
  }
  std::fprintf(f, "%-36s %5s %5s %11s %14s\n", "op", "pass", "fail", "unsupported", "unsupported-io");
  for (const auto& [op, c] : by_op)
    std::fprintf(f, "%-36s %5d %5d %11d %14d\n", op.c_str(), c[0], c[1], c[2], c[3]);
  std::fprintf(f, "%-36s %5d %5d %11d %14d\n", "TOTAL", total[0], total[1], total[2], total[3]);
  std::fprintf(f, "tests: %zu  pass: %d  fail: %d  unsupported: %d  unsupported-io: %d\n", results.size(), total[0],
               total[1], total[2], total[3]);
}

void print_failures(std::FILE* f, const std::vector<TestResult>& results,
                    const std::map<std::string, std::string>& expected) {
  bool any = false;
  for (const auto& r : results) {
    if (r.status != Status::fail) continue;
    if (!any) std::fprintf(f, "\nfailing tests:\n");
    any = true;
    std::fprintf(f, "  %s%s [%s]: %s\n", r.name.c_str(), expected.count(r.name) ? " (expected)" : "", r.op.c_str(),
                 r.message.c_str());
  }
}

void write_summary_json(const std::string& path, const std::vector<TestResult>& results) {
  Counts total{};
  for (const auto& r : results) total[static_cast<int>(r.status)]++;
  std::string j = "{\n  \"totals\": {\"tests\": " + std::to_string(results.size()) +
                  ", \"pass\": " + std::to_string(total[0]) + ", \"fail\": " + std::to_string(total[1]) +
                  ", \"unsupported\": " + std::to_string(total[2]) + ", \"unsupported-io\": " + std::to_string(total[3]) +
                  "},\n  \"tests\": [\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const TestResult& r = results[i];
    j += "    {\"name\": " + json_string(r.name) + ", \"op\": " + json_string(r.op) +
         ", \"status\": " + json_string(status_name(r.status)) + ", \"stage\": " + json_string(r.stage) +
         ", \"artifacts\": " + (r.artifacts ? "true" : "false") + ", \"inputs\": " + json_names(r.input_names) +
         ", \"outputs\": " + json_names(r.output_names) + ", \"message\": " + json_string(r.message) + "}" +
         (i + 1 < results.size() ? ",\n" : "\n");
  }
  j += "  ]\n}\n";
  write_file_atomic(path, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(j.data()), j.size()));
}

int check_expected_failures(std::FILE* f, const std::vector<TestResult>& results,
                            const std::map<std::string, std::string>& expected) {
  int problems = 0;
  for (const auto& r : results) {
    const bool listed = expected.count(r.name) > 0;
    if (r.status == Status::fail && !listed) {
      std::fprintf(f, "UNEXPECTED FAILURE: %s [%s]: %s\n", r.name.c_str(), r.op.c_str(), r.message.c_str());
      ++problems;
    } else if (r.status != Status::fail && listed) {
      std::fprintf(f, "STALE EXPECTED FAILURE: %s is listed but now %s; remove it from the list\n", r.name.c_str(),
                   status_name(r.status));
      ++problems;
    }
  }
  return problems;
}

int check_expected_passes(std::FILE* f, const std::vector<TestResult>& results,
                          const std::map<std::string, std::string>& expected_pass, bool all_ran) {
  int regressions = 0, unlisted = 0;
  std::map<std::string, const TestResult*> by_name;
  for (const auto& r : results) by_name[r.name] = &r;
  for (const auto& [name, reason] : expected_pass) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      if (!all_ran) continue;
      std::fprintf(f, "REGRESSION: %s is in the expected pass list but did not run (test data missing?)\n", name.c_str());
      ++regressions;
    } else if (it->second->status != Status::pass) {
      std::fprintf(f, "REGRESSION: %s is in the expected pass list but is now %s [%s]: %s\n", name.c_str(),
                   status_name(it->second->status), it->second->op.c_str(), it->second->message.c_str());
      ++regressions;
    }
  }
  for (const auto& r : results)
    if (r.status == Status::pass && !expected_pass.count(r.name)) {
      if (unlisted++ < 20) std::fprintf(f, "note: %s passes and is not in the expected pass list (add it)\n", r.name.c_str());
    }
  if (unlisted > 20) std::fprintf(f, "note: %d more passing tests are not in the expected pass list\n", unlisted - 20);
  return regressions;
}

}  // namespace qc::conformance
