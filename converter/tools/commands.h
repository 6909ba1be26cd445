// qcomp subcommands. Each takes the arguments after its name and returns the exit
// code: 0 ok, 2 conversion/format error. A malformed command line throws
// UsageError (exit 1); other failures throw qc::Error. main.cc maps both.
#pragma once
#include <string>
#include <vector>

namespace qc {

int run_convert_command(const std::vector<std::string>& args);
int run_inspect_command(const std::vector<std::string>& args);
int run_eval_command(const std::vector<std::string>& args);
int run_sweep_command(const std::vector<std::string>& args);

extern const char* const kConvertUsage;
extern const char* const kInspectUsage;
extern const char* const kEvalUsage;
extern const char* const kSweepUsage;

}  // namespace qc
