// Quantizing the fixture models: scheme ids and sizes for every --weights choice,
// accuracy on the committed 1000-image subset, static int8 calibration, the bundle
// round trip and the mixed-precision search.
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/aligned_buffer.h"
#include "common/error.h"
#include "data/dataset.h"
#include "eval/evaluate.h"
#include "format/bundle.h"
#include "schemes/scheme_table.h"
#include "tools/bundle_output.h"
#include "tools/model_quantizer.h"

using namespace qc;
namespace fs = std::filesystem;

namespace {

fs::path models_dir() { return fs::path(__FILE__).parent_path().parent_path().parent_path() / "models"; }

struct Subset {
  Dataset images;
  std::vector<int64_t> labels;
};

const Subset& subset() {
  static const Subset s{load_dataset((models_dir() / "data/test1000-images-idx3-ubyte.gz").string()),
                        load_labels((models_dir() / "data/test1000-labels-idx1-ubyte.gz").string())};
  return s;
}

const Preprocess kPixels{1.0 / 255, 0, 1};

Graph float_graph(const std::string& name) { return load_model_for_eval((models_dir() / name).string()).graph(); }

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Payload + side bytes the scheme's layout prescribes for W[N, K].
uint64_t expected_bytes(const WeightScheme& s, uint64_t n, uint64_t k, bool per_channel) {
  using K = WeightScheme::Kind;
  switch (s.kind) {
    case K::f32: return n * k * 4;
    case K::f16: return n * k * 2;
    case K::int8: return n * k + n * 4;
    case K::q4: return n * ceil_div(k, 32) * 18;
    case K::q4min: return n * ceil_div(k, 32) * 20;
    case K::codebook: return n * ceil_div(k * s.bits, 8) + 8 + (per_channel ? n : 1) * (uint64_t{1} << s.bits) * 4;
  }
  return 0;
}

uint16_t expected_scheme_id(const WeightScheme& s) {
  using K = WeightScheme::Kind;
  switch (s.kind) {
    case K::f32: return static_cast<uint16_t>(SchemeId::dense);
    case K::f16: return static_cast<uint16_t>(SchemeId::f16);
    case K::int8: return static_cast<uint16_t>(SchemeId::i8_channel);
    case K::q4: return static_cast<uint16_t>(SchemeId::q4_block);
    case K::q4min: return static_cast<uint16_t>(SchemeId::q4_block_min);
    case K::codebook: return static_cast<uint16_t>(SchemeId::codebook);
  }
  return 0xffff;
}

double accuracy(ModelQuantizer& q, const Graph& g) { return q.accuracy(g, subset().images, subset().labels, 250); }

ModelQuantizer make_quantizer(const Graph& g, bool per_channel = false) {
  CodebookOptions cb;
  cb.per_channel = per_channel;
  return ModelQuantizer(g, kPixels, cb, false);
}

}  // namespace

TEST_CASE("lenet300: every --weights choice gives the expected schemes and sizes", "[quantize][lenet]") {
  const Graph g = float_graph("lenet300.onnx");
  for (bool per_channel : {false, true}) {
    ModelQuantizer q = make_quantizer(g, per_channel);
    REQUIRE(q.layers().size() == 3);
    CHECK(q.layers()[0].tensor == "fc1.weight");
    CHECK(q.layers()[0].n == 300);
    CHECK(q.layers()[0].k == 784);
    for (const char* name : {"f32", "f16", "int8", "q4", "q4min", "cb2", "cb3", "cb4", "cb5", "cb6", "cb7", "cb8"}) {
      const WeightScheme s = parse_weight_scheme(name);
      if (per_channel && s.kind != WeightScheme::Kind::codebook) continue;
      INFO(name << (per_channel ? " per channel" : ""));
      const Graph qg = q.build(q.uniform_plan(s, ActivationMode::dynamic_i8));
      for (const QuantLayer& l : q.layers()) {
        const Value& w = qg.values[l.weight];
        REQUIRE(w.constant);
        CHECK(w.constant->scheme == expected_scheme_id(s));
        CHECK(w.constant->size + w.constant->side_size == expected_bytes(s, l.n, l.k, per_channel));
        for (int n : l.nodes) {
          const int64_t xq = qg.nodes[n].attr_i("x_quant", -1);
          CHECK(xq == (s.dense() ? -1 : s.kind == WeightScheme::Kind::f16 ? 0 : 1));
        }
      }
      // The encoded graph writes and reads back as a bundle.
      ModelDescription d;
      const std::vector<uint8_t> bytes = encode_bundle(qg, d);
      CHECK_NOTHROW(verify_bundle(bytes, name));
    }
  }
}

TEST_CASE("lenet300: quantized accuracy on the 1000-image subset", "[quantize][lenet]") {
  const Graph g = float_graph("lenet300.onnx");
  ModelQuantizer q = make_quantizer(g);
  const double fp32 = accuracy(q, q.build(q.uniform_plan(WeightScheme{}, ActivationMode::float32)));
  CHECK(fp32 > 0.85);
  CalibOptions co;
  co.progress = false;
  q.calibrate(subset().images, co);
  // Subset-level bounds (1 image = 0.1 pp): the 10k-image drops plus slack.
  struct Case {
    const char* scheme;
    ActivationMode acts;
    double max_drop_pp;
  };
  for (const Case& c : {Case{"int8", ActivationMode::static_i8, 0.5}, Case{"int8", ActivationMode::dynamic_i8, 0.5},
                        Case{"f16", ActivationMode::float32, 0.1}, Case{"q4", ActivationMode::dynamic_i8, 1.5},
                        Case{"cb4", ActivationMode::dynamic_i8, 1.5}}) {
    const Graph qg = q.build(q.uniform_plan(parse_weight_scheme(c.scheme), c.acts));
    const double acc = accuracy(q, qg);
    INFO(c.scheme << " " << activation_mode_name(c.acts) << ": fp32 " << fp32 << ", quantized " << acc);
    CHECK((fp32 - acc) * 100 <= c.max_drop_pp);
  }
}

TEST_CASE("lenet300: static int8 calibration sets x_quant 2 and a scale per layer", "[quantize][calib][lenet]") {
  const Graph g = float_graph("lenet300.onnx");
  for (CalibMethod m : {CalibMethod::minmax, CalibMethod::percentile, CalibMethod::entropy}) {
    ModelQuantizer q = make_quantizer(g);
    CalibOptions co;
    co.progress = false;
    co.method = m;
    co.count = 200;
    q.calibrate(subset().images, co);
    const Graph qg = q.build(q.uniform_plan(parse_weight_scheme("int8"), ActivationMode::static_i8));
    for (const QuantLayer& l : q.layers()) {
      const Node& n = qg.nodes[l.nodes.at(0)];
      CHECK(n.attr_i("x_quant", -1) == 2);
      CHECK(n.attr_f("x_scale", 0) > 0);
    }
    // The first layer sees pixels / 255: max 1, so minmax gives 1/127.
    if (m == CalibMethod::minmax) CHECK(qg.nodes[q.layers()[0].nodes[0]].attr_f("x_scale", 0) == Approx(1.0 / 127));
  }
  // Calibration data of the wrong shape fails before anything is built.
  ModelQuantizer q = make_quantizer(g);
  Dataset wrong;
  wrong.path = "labels-as-images";
  wrong.count = 4;
  wrong.values.assign(4, 1.f);
  CalibOptions co;
  co.progress = false;
  CHECK_THROWS_WITH(q.calibrate(wrong, co), Catch::Contains("items have 1 values") && Catch::Contains("784"));
  CHECK_THROWS_AS(q.build(q.uniform_plan(parse_weight_scheme("int8"), ActivationMode::static_i8)), Error);
}

TEST_CASE("lenet300: a cb4 bundle read back gives the in-memory logits", "[quantize][lenet]") {
  const Graph g = float_graph("lenet300.onnx");
  ModelQuantizer q = make_quantizer(g);
  const Graph qg = q.build(q.uniform_plan(parse_weight_scheme("cb4"), ActivationMode::dynamic_i8));
  ModelDescription d;
  const std::vector<uint8_t> bytes = encode_bundle(qg, d);
  AlignedBuffer buf(bytes.size());
  std::copy(bytes.begin(), bytes.end(), buf.data());
  const Bundle b = read_bundle({buf.data(), buf.size()});
  EvalOptions eo;
  eo.progress = false;
  int64_t c1 = 0, c2 = 0;
  const auto a = run_logits(qg, subset().images, kPixels, eo, &c1);
  const auto r = run_logits(b.graph, subset().images, kPixels, eo, &c2);
  CHECK(a == r);
}

TEST_CASE("lenet300: auto picks a bundle no larger than int8 within the budget", "[quantize][auto][lenet]") {
  const Graph g = float_graph("lenet300.onnx");
  ModelQuantizer q = make_quantizer(g);
  const AutoOutcome a =
      q.auto_plan(subset().images, subset().labels, 0.5, ActivationMode::dynamic_i8, default_auto_candidates(), 250);
  REQUIRE(a.plan.size() == 3);
  const double fp32 = accuracy(q, q.build(q.uniform_plan(WeightScheme{}, ActivationMode::float32)));
  CHECK(a.search.baseline_accuracy == Approx(fp32));
  const double acc = accuracy(q, q.build(a.plan));
  CHECK(acc == Approx(a.search.accuracy));
  CHECK((fp32 - acc) * 100 <= 0.5 + 1e-9);
  uint64_t auto_bytes = 0, int8_bytes = 0;
  for (size_t l = 0; l < a.plan.size(); ++l) {
    auto_bytes += q.cache().bytes(l, a.plan[l].weights);
    int8_bytes += q.cache().bytes(l, parse_weight_scheme("int8"));
  }
  CHECK(auto_bytes == a.search.bytes);
  CHECK(auto_bytes <= int8_bytes);
  ModelDescription d;
  q.describe_auto(a, d);
  CHECK(d.weights == "auto");
  CHECK(d.compression_extra.find("max_drop")->as_number() == 0.5);
  CHECK(d.layer_extra.at("fc1.weight").find("weights")->as_string() == a.plan[0].weights.name());
}

TEST_CASE("lenet5: Conv and Gemm weights quantize and keep accuracy", "[quantize][lenet]") {
  if (!fs::exists(models_dir() / "lenet5.onnx")) return;
  const Graph g = float_graph("lenet5.onnx");
  ModelQuantizer q = make_quantizer(g);
  REQUIRE(q.layers().size() == 4);
  CHECK(q.layers()[0].tensor == "conv1.weight");
  CHECK(q.layers()[1].k == 20 * 5 * 5);
  CalibOptions co;
  co.progress = false;
  co.count = 200;
  q.calibrate(subset().images, co);
  const double fp32 = accuracy(q, q.build(q.uniform_plan(WeightScheme{}, ActivationMode::float32)));
  const double int8 = accuracy(q, q.build(q.uniform_plan(parse_weight_scheme("int8"), ActivationMode::static_i8)));
  const double q4 = accuracy(q, q.build(q.uniform_plan(parse_weight_scheme("q4"), ActivationMode::dynamic_i8)));
  INFO("fp32 " << fp32 << " int8 " << int8 << " q4 " << q4);
  CHECK((fp32 - int8) * 100 <= 0.5);
  CHECK((fp32 - q4) * 100 <= 1.5);
}
