// The outcome of one conformance test, and its one-line wire form (the runner
// executes each test in a child process and reads the result back over a pipe).
#pragma once
#include <string>
#include <vector>

namespace qc::conformance {

enum class Status { pass, fail, unsupported, unsupported_io };

const char* status_name(Status s);

struct TestResult {
  std::string name;
  std::string op = "?";
  Status status = Status::fail;
  std::string message;  // error or mismatch; empty on pass
  std::string stage;    // last stage reached: describe, data, import, passes, bundle, plan, run, compare, done
  std::vector<std::string> input_names;   // bundle graph input order (input_N.npy)
  std::vector<std::string> output_names;  // bundle graph output order (output_N.npy)
  bool artifacts = false;                 // model.qcb + npy files written
};

std::string serialize_result(const TestResult& r);
// Returns false when `line` is not a serialized result.
bool parse_result(const std::string& line, TestResult* r);

}  // namespace qc::conformance
