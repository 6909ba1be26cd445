#include "tools/args.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace qc {

std::string ParsedArgs::get(const std::string& name, const std::string& dflt) const {
  auto it = options.find(name);
  return it == options.end() ? dflt : it->second;
}

double ParsedArgs::number(const std::string& name, double dflt) const {
  if (!has(name)) return dflt;
  const std::string text = get(name);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || *end != '\0' || !std::isfinite(v))
    throw UsageError(name + ": '" + text + "' is not a finite number");
  return v;
}

int64_t ParsedArgs::count(const std::string& name, int64_t dflt, int64_t min) const {
  if (!has(name)) return dflt;
  const std::string text = get(name);
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0' || v < min)
    throw UsageError(name + ": '" + text + "' is not an integer >= " + std::to_string(min));
  return v;
}

ParsedArgs parse_args(const std::vector<std::string>& args, const ArgSpec& spec) {
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  auto canonical = [&](const std::string& s) {
    auto it = spec.aliases.find(s);
    return it == spec.aliases.end() ? s : it->second;
  };
  ParsedArgs out;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      out.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a, value;
    bool has_inline_value = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_inline_value = true;
    }
    if (contains(spec.flags, name)) {
      if (has_inline_value) throw UsageError("option " + name + " takes no value");
      out.flags.insert(canonical(name));
      continue;
    }
    if (!contains(spec.value_options, name)) throw UsageError("unknown option " + name);
    if (!has_inline_value) {
      if (i + 1 >= args.size()) throw UsageError("option " + name + " needs a value");
      value = args[++i];
    }
    const std::string key = canonical(name);
    if (out.options.count(key)) throw UsageError("option " + name + " given twice");
    out.options[key] = value;
  }
  return out;
}

}  // namespace qc
