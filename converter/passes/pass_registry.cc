#include "common/error.h"
#include "passes/builtin_passes.h"

namespace qc {

namespace {

struct PassRow {
  const char* name;
  FunctionPass::Fn fn;
};

const PassRow kPasses[] = {
    {"constant_folding", fold_constants},
    {"eliminate_identity", eliminate_identity},
    {"fold_batch_norm", fold_batch_norm},
    {"fuse_activation", fuse_activations},
    {"dead_code", eliminate_dead_code},
    {"canonicalize_gemm", canonicalize_gemm},
    {"pack_f32_weights", pack_f32_weights},
};

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string part = s.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) parts.push_back(part);
    start = end + 1;
  }
  return parts;
}

}  // namespace

const char* const kDefaultPassSpec = "constant_folding,eliminate_identity,fold_batch_norm,fuse_activation,dead_code";

std::vector<std::string> pass_names() {
  std::vector<std::string> names;
  for (const auto& p : kPasses) names.push_back(p.name);
  return names;
}

std::unique_ptr<Pass> make_pass(const std::string& name) {
  for (const auto& p : kPasses)
    if (name == p.name) return std::make_unique<FunctionPass>(p.name, p.fn);
  std::string known;
  for (const auto& p : kPasses) known += (known.empty() ? "" : ", ") + std::string(p.name);
  fail(Errc::invalid_argument, "unknown pass '" + name + "' (known: " + known + ")");
}

PassManager make_pass_manager(const std::string& spec) {
  PassManager pm;
  for (const auto& name : split_commas(spec)) {
    if (name == "default") {
      for (const auto& d : split_commas(kDefaultPassSpec)) pm.add(make_pass(d));
    } else {
      pm.add(make_pass(name));
    }
  }
  return pm;
}

}  // namespace qc
