#include "passes/quant_spec.h"

#include "common/error.h"
#include "format/json.h"

namespace qc {

const char* const kWeightSchemeNames = "f32, f16, int8, q4, q4min, cb2..cb8";

namespace {

constexpr int kMinCodebookBits = 2, kMaxCodebookBits = 8;

[[noreturn]] void unknown_scheme(const std::string& name) {
  fail(Errc::invalid_argument, "unknown weight scheme '" + name + "' (valid: " + kWeightSchemeNames + ")");
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 3) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string spec_error(const std::string& file, const std::string& what) { return "spec " + file + ": " + what; }

const std::string& string_member(const Json& o, const char* key, const std::string& file, const std::string& where) {
  const Json* v = o.find(key);
  if (!v) fail(Errc::invalid_argument, spec_error(file, where + " has no \"" + key + "\""));
  if (!v->is_string()) fail(Errc::invalid_argument, spec_error(file, where + ": \"" + key + "\" must be a string"));
  return v->as_string();
}

template <class Fn>
auto with_context(const std::string& file, const std::string& where, Fn fn) {
  try {
    return fn();
  } catch (const Error& e) {
    fail(Errc::invalid_argument, spec_error(file, where + ": " + e.what()));
  }
}

LayerRule parse_rule(const Json& r, size_t index, const std::string& file) {
  const std::string where = "layers[" + std::to_string(index) + "]";
  if (!r.is_object()) fail(Errc::invalid_argument, spec_error(file, where + " must be an object"));
  for (const auto& [key, value] : r.members())
    if (key != "match" && key != "weights")
      fail(Errc::invalid_argument, spec_error(file, where + ": unknown key \"" + key + "\" (match, weights)"));
  LayerRule rule;
  rule.match = string_member(r, "match", file, where);
  if (rule.match.empty()) fail(Errc::invalid_argument, spec_error(file, where + ": \"match\" is empty"));
  const std::string& w = string_member(r, "weights", file, where);
  rule.weights = with_context(file, where, [&] { return parse_weight_scheme(w); });
  return rule;
}

}  // namespace

std::string WeightScheme::name() const {
  switch (kind) {
    case Kind::f32: return "f32";
    case Kind::f16: return "f16";
    case Kind::int8: return "int8";
    case Kind::q4: return "q4";
    case Kind::q4min: return "q4min";
    case Kind::codebook: return "cb" + std::to_string(bits);
  }
  return "?";
}

WeightScheme parse_weight_scheme(const std::string& name) {
  using K = WeightScheme::Kind;
  if (name == "f32" || name == "fp32" || name == "dense") return {K::f32, 0};
  if (name == "f16" || name == "fp16") return {K::f16, 0};
  if (name == "int8" || name == "i8_channel") return {K::int8, 0};
  if (name == "q4" || name == "q4_block") return {K::q4, 0};
  if (name == "q4min" || name == "q4_block_min") return {K::q4min, 0};
  if (name.rfind("cb", 0) == 0 && all_digits(std::string_view(name).substr(2))) {
    const int bits = std::stoi(name.substr(2));
    if (bits < kMinCodebookBits || bits > kMaxCodebookBits)
      fail(Errc::invalid_argument, "weight scheme '" + name + "': codebook bits " + std::to_string(bits) +
                                       " out of range 2..8 (valid: " + kWeightSchemeNames + ")");
    return WeightScheme::codebook(bits);
  }
  unknown_scheme(name);
}

ActivationMode parse_activation_mode(const std::string& name) {
  if (name == "int8" || name == "static") return ActivationMode::static_i8;
  if (name == "dynamic") return ActivationMode::dynamic_i8;
  if (name == "float" || name == "f32") return ActivationMode::float32;
  fail(Errc::invalid_argument, "unknown activation mode '" + name + "' (valid: int8, dynamic, float)");
}

const char* activation_mode_name(ActivationMode m) {
  switch (m) {
    case ActivationMode::standard: return "standard";
    case ActivationMode::float32: return "float";
    case ActivationMode::dynamic_i8: return "dynamic";
    case ActivationMode::static_i8: return "int8";
  }
  return "?";
}

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

WeightScheme QuantSpec::scheme_for(const std::string& node_name, const std::string& tensor_name) const {
  for (const auto& r : layers)
    if (glob_match(r.match, node_name) || glob_match(r.match, tensor_name)) return r.weights;
  return default_weights;
}

QuantSpec parse_quant_spec(std::string_view json_text, const std::string& file) {
  const Json root = with_context(file, "invalid JSON", [&] { return Json::parse(json_text); });
  if (!root.is_object()) fail(Errc::invalid_argument, spec_error(file, "the top level must be an object"));
  QuantSpec spec;
  for (const auto& [key, value] : root.members()) {
    if (key == "default") {
      if (!value.is_string()) fail(Errc::invalid_argument, spec_error(file, "\"default\" must be a string"));
      spec.default_weights = with_context(file, "\"default\"", [&] { return parse_weight_scheme(value.as_string()); });
    } else if (key == "activations") {
      if (!value.is_string()) fail(Errc::invalid_argument, spec_error(file, "\"activations\" must be a string"));
      spec.activations =
          with_context(file, "\"activations\"", [&] { return parse_activation_mode(value.as_string()); });
    } else if (key == "layers") {
      if (!value.is_array()) fail(Errc::invalid_argument, spec_error(file, "\"layers\" must be an array"));
      for (size_t i = 0; i < value.items().size(); ++i) spec.layers.push_back(parse_rule(value.items()[i], i, file));
    } else {
      fail(Errc::invalid_argument, spec_error(file, "unknown key \"" + key + "\" (default, layers, activations)"));
    }
  }
  return spec;
}

}  // namespace qc
