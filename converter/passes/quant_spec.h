// What quantization to apply, as the user names it: weight scheme choices
// (--weights f32|f16|int8|q4|q4min|cb2..cb8), activation modes (--activations) and
// the per-layer spec file (--spec spec.json):
//   {"default": "int8",
//    "layers": [{"match": "fc1*", "weights": "cb4"}],   // glob on node or weight tensor name
//    "activations": "int8" | "dynamic" | "float"}
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc {

struct WeightScheme {
  enum class Kind { f32, f16, int8, q4, q4min, codebook };
  Kind kind = Kind::f32;
  int bits = 0;  // codebook index bits, 2..8

  static WeightScheme codebook(int bits) { return {Kind::codebook, bits}; }
  bool dense() const { return kind == Kind::f32; }
  // The CLI name: "f32", "f16", "int8", "q4", "q4min", "cb4".
  std::string name() const;
  bool operator==(const WeightScheme& o) const { return kind == o.kind && bits == o.bits; }
};

// "f32, f16, int8, q4, q4min, cb2..cb8"
extern const char* const kWeightSchemeNames;

// Accepts the CLI names (and the scheme table's names i8_channel, q4_block,
// q4_block_min as aliases). Throws Errc::invalid_argument for an unknown name
// (listing the valid ones) or codebook bits outside 2..8.
WeightScheme parse_weight_scheme(const std::string& name);

enum class ActivationMode {
  standard,     // the runtime default: float for f16, dynamic int8 for the integer schemes
  float32,      // x_quant 0
  dynamic_i8,   // x_quant 1
  static_i8,    // x_quant 2, scale from calibration
};

// "int8" (static, needs calibration), "dynamic", "float"; Errc::invalid_argument otherwise.
ActivationMode parse_activation_mode(const std::string& name);
const char* activation_mode_name(ActivationMode m);

// '*' matches any run of characters (also empty), '?' any single character.
bool glob_match(std::string_view pattern, std::string_view text);

struct LayerRule {
  std::string match;
  WeightScheme weights;
};

struct QuantSpec {
  WeightScheme default_weights;  // f32 when the spec has no "default"
  std::vector<LayerRule> layers;
  std::optional<ActivationMode> activations;

  // The first rule whose glob matches the node or the weight tensor name, else the default.
  WeightScheme scheme_for(const std::string& node_name, const std::string& tensor_name) const;
};

// Errc::invalid_argument naming `file` (and the JSON byte offset or the member at
// fault) for malformed JSON, unknown keys, a rule without "match"/"weights", or a
// bad scheme or activation name.
QuantSpec parse_quant_spec(std::string_view json_text, const std::string& file);

}  // namespace qc
