// Weight-scheme names, activation modes, globs and the --spec file.
#include <catch2/catch.hpp>

#include "common/error.h"
#include "passes/quant_spec.h"

using namespace qc;

namespace {

template <class Fn>
void require_invalid(Fn fn, const std::string& fragment) {
  try {
    fn();
    FAIL("no error; expected one containing '" << fragment << "'");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::invalid_argument);
    INFO(e.what());
    CHECK(std::string(e.what()).find(fragment) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("parse_weight_scheme: names, aliases and errors", "[quantize][spec]") {
  using K = WeightScheme::Kind;
  CHECK(parse_weight_scheme("f32").kind == K::f32);
  CHECK(parse_weight_scheme("f16").kind == K::f16);
  CHECK(parse_weight_scheme("int8").kind == K::int8);
  CHECK(parse_weight_scheme("i8_channel").kind == K::int8);
  CHECK(parse_weight_scheme("q4").kind == K::q4);
  CHECK(parse_weight_scheme("q4_block_min").kind == K::q4min);
  for (int bits = 2; bits <= 8; ++bits) {
    const WeightScheme s = parse_weight_scheme("cb" + std::to_string(bits));
    CHECK(s.kind == K::codebook);
    CHECK(s.bits == bits);
    CHECK(s.name() == "cb" + std::to_string(bits));
  }
  require_invalid([] { parse_weight_scheme("cb9"); }, "out of range 2..8");
  require_invalid([] { parse_weight_scheme("cb1"); }, "out of range 2..8");
  require_invalid([] { parse_weight_scheme("int4"); }, "valid: f32, f16, int8, q4, q4min, cb2..cb8");
  require_invalid([] { parse_weight_scheme("cb"); }, "unknown weight scheme 'cb'");
  require_invalid([] { parse_weight_scheme(""); }, "unknown weight scheme");
}

TEST_CASE("parse_activation_mode", "[quantize][spec]") {
  CHECK(parse_activation_mode("int8") == ActivationMode::static_i8);
  CHECK(parse_activation_mode("dynamic") == ActivationMode::dynamic_i8);
  CHECK(parse_activation_mode("float") == ActivationMode::float32);
  require_invalid([] { parse_activation_mode("int4"); }, "int8, dynamic, float");
}

TEST_CASE("glob_match", "[quantize][spec]") {
  CHECK(glob_match("conv*", "conv1.weight"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*.weight", "fc1.weight"));
  CHECK(glob_match("fc?.weight", "fc2.weight"));
  CHECK(glob_match("/fc*/Gemm", "/fc1/Gemm"));
  CHECK(glob_match("a*b*c", "aXXbYYc"));
  CHECK_FALSE(glob_match("fc?.weight", "fc10.weight"));
  CHECK_FALSE(glob_match("conv*", "fc1.weight"));
  CHECK_FALSE(glob_match("a*b", "aXXbYYc"));
  CHECK(glob_match("exact", "exact"));
  CHECK_FALSE(glob_match("exact", "exactly"));
}

TEST_CASE("parse_quant_spec: rules apply in order, node or tensor name", "[quantize][spec]") {
  const QuantSpec s = parse_quant_spec(R"({"default": "int8",
      "layers": [{"match": "fc1*", "weights": "cb4"}, {"match": "/fc3/*", "weights": "f16"},
                 {"match": "*", "weights": "q4"}],
      "activations": "dynamic"})",
                                       "spec.json");
  CHECK(s.default_weights.kind == WeightScheme::Kind::int8);
  REQUIRE(s.layers.size() == 3);
  CHECK(s.activations == ActivationMode::dynamic_i8);
  CHECK(s.scheme_for("/fc1/Gemm", "fc1.weight").name() == "cb4");
  CHECK(s.scheme_for("/fc3/Gemm", "fc3.weight").name() == "f16");
  CHECK(s.scheme_for("/fc2/Gemm", "fc2.weight").name() == "q4");

  const QuantSpec d = parse_quant_spec(R"({"layers": [{"match": "conv1.weight", "weights": "f32"}]})", "s");
  CHECK(d.default_weights.dense());
  CHECK_FALSE(d.activations.has_value());
  CHECK(d.scheme_for("conv2", "conv2.weight").dense());
}

TEST_CASE("parse_quant_spec: errors name the file and the member", "[quantize][spec]") {
  require_invalid([] { parse_quant_spec("{", "bad.json"); }, "spec bad.json: invalid JSON");
  require_invalid([] { parse_quant_spec("[]", "s.json"); }, "top level must be an object");
  require_invalid([] { parse_quant_spec(R"({"defaults": "int8"})", "s.json"); }, "unknown key \"defaults\"");
  require_invalid([] { parse_quant_spec(R"({"default": "cb9"})", "s.json"); }, "\"default\": weight scheme 'cb9'");
  require_invalid([] { parse_quant_spec(R"({"default": 8})", "s.json"); }, "\"default\" must be a string");
  require_invalid([] { parse_quant_spec(R"({"layers": {}})", "s.json"); }, "\"layers\" must be an array");
  require_invalid([] { parse_quant_spec(R"({"layers": [{"weights": "q4"}]})", "s.json"); },
                  "layers[0] has no \"match\"");
  require_invalid([] { parse_quant_spec(R"({"layers": [{"match": "x", "weights": "q5"}]})", "s.json"); },
                  "layers[0]: unknown weight scheme 'q5'");
  require_invalid([] { parse_quant_spec(R"({"layers": [{"match": "x", "weights": "q4", "bits": 3}]})", "s.json"); },
                  "unknown key \"bits\"");
  require_invalid([] { parse_quant_spec(R"({"activations": "int4"})", "s.json"); }, "unknown activation mode");
}
