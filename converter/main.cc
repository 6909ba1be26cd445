// qcomp: the converter CLI. Subcommand logic lives in converter/tools/.
// Exit codes: 0 ok, 1 usage error, 2 conversion or format error.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "common/error.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace {

void print_usage(FILE* to) {
  std::fprintf(to, "usage:\n  %s  %s  %s  %s", qc::kConvertUsage, qc::kInspectUsage, qc::kEvalUsage, qc::kSweepUsage);
}

int dispatch(const std::string& cmd, const std::vector<std::string>& rest) {
  if (cmd == "convert") return qc::run_convert_command(rest);
  if (cmd == "inspect") return qc::run_inspect_command(rest);
  if (cmd == "eval") return qc::run_eval_command(rest);
  if (cmd == "sweep") return qc::run_sweep_command(rest);
  throw qc::UsageError("unknown command '" + cmd + "'");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 1;
  }
  const std::string cmd = argv[1];
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    print_usage(stdout);
    return 0;
  }
  try {
    return dispatch(cmd, std::vector<std::string>(argv + 2, argv + argc));
  } catch (const qc::UsageError& e) {
    std::fprintf(stderr, "qcomp: error: %s\n(run 'qcomp help' for usage)\n", e.what());
    return 1;
  } catch (const qc::Error& e) {
    std::fprintf(stderr, "qcomp: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qcomp: error: %s\n", e.what());
    return 2;
  }
}
