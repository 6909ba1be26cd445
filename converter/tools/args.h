// Command-line parsing for the qcomp subcommands: positionals, `--opt value`,
// `--opt=value`, `-o value` and boolean flags. `--` ends option parsing.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace qc {

// A malformed command line (exit code 1), as opposed to a conversion error.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ArgSpec {
  std::vector<std::string> value_options;  // e.g. "--labels", "-o"
  std::vector<std::string> flags;          // e.g. "--json"
  std::map<std::string, std::string> aliases;  // e.g. "-o" -> "--output"
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::set<std::string> flags;

  bool flag(const std::string& name) const { return flags.count(name) != 0; }
  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::string get(const std::string& name, const std::string& dflt = "") const;
  // The option's value as a finite number / an integer >= min, or dflt when absent;
  // anything else throws UsageError naming the option and its text.
  double number(const std::string& name, double dflt) const;
  int64_t count(const std::string& name, int64_t dflt, int64_t min = 0) const;
};

// Throws UsageError naming an unknown option, a missing value or a repeated option.
ParsedArgs parse_args(const std::vector<std::string>& args, const ArgSpec& spec);

}  // namespace qc
