// Graph passes: structure after each pass and numerics before vs after (qc::Session).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "graph/activation.h"
#include "graph/op_table.h"
#include "passes/builtin_passes.h"
#include "test_import_onnx_builder.h"

using namespace qc;
using qc::testing::OnnxBuilder;
using qc::testing::pseudo_random;
using qc::testing::run_graph;

namespace {

size_t count_op(const Graph& g, OpId op) {
  size_t n = 0;
  for (const auto& node : g.nodes) n += node.op == op;
  return n;
}

const Node* find_node(const Graph& g, OpId op) {
  for (const auto& n : g.nodes)
    if (n.op == op) return &n;
  return nullptr;
}

void check_close(const std::vector<float>& a, const std::vector<float>& b, float tol = 1e-4f) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("element " << i);
    CHECK(std::fabs(a[i] - b[i]) <= tol * (1.f + std::fabs(b[i])));
  }
}

void add_batch_norm(OnnxBuilder& b, const std::string& x, const std::string& y, int64_t c, uint32_t seed) {
  auto scale = pseudo_random(c, seed), bias = pseudo_random(c, seed + 1), mean = pseudo_random(c, seed + 2),
       var = pseudo_random(c, seed + 3);
  for (auto& v : var) v = 0.1f + std::fabs(v);
  b.f32(y + "_scale", {c}, scale);
  b.f32(y + "_b", {c}, bias);
  b.f32(y + "_mean", {c}, mean);
  b.f32(y + "_var", {c}, var);
  auto* n = b.node("BatchNormalization", {x, y + "_scale", y + "_b", y + "_mean", y + "_var"}, {y}, "bn_" + y);
  OnnxBuilder::attr_f(n, "epsilon", 1e-3f);
}

OnnxBuilder conv_bn_model(bool with_bias) {
  OnnxBuilder b;
  b.input("x", {1, 2, 5, 5});
  b.f32("W", {3, 2, 3, 3}, pseudo_random(54, 7));
  std::vector<std::string> conv_in = {"x", "W"};
  if (with_bias) {
    b.f32("B", {3}, pseudo_random(3, 8));
    conv_in.push_back("B");
  }
  auto* conv = b.node("Conv", conv_in, {"c"}, "conv");
  OnnxBuilder::attr_ints(conv, "kernel_shape", {3, 3});
  OnnxBuilder::attr_ints(conv, "pads", {1, 1, 1, 1});
  add_batch_norm(b, "c", "y", 3, 11);
  b.output("y", {1, 3, 5, 5});
  return b;
}

}  // namespace

TEST_CASE("fold_batch_norm: Conv + BatchNormalization folds into weights and bias") {
  for (bool with_bias : {true, false}) {
    INFO("conv bias: " << with_bias);
    Graph g = conv_bn_model(with_bias).import();
    const auto x = pseudo_random(50, 3);
    const auto before = run_graph(g, x, {1, 2, 5, 5});
    CHECK(fold_batch_norm(g));
    g.validate();
    CHECK(count_op(g, OpId::BatchNormalization) == 0);
    const Node* conv = find_node(g, OpId::Conv);
    REQUIRE(conv);
    CHECK(conv->inputs.size() == 3);
    CHECK(g.values[g.outputs[0]].name == "y");
    check_close(run_graph(g, x, {1, 2, 5, 5}), before);
  }
}

TEST_CASE("fold_batch_norm: Gemm (transB and not) + BatchNormalization") {
  for (int trans_b : {0, 1}) {
    INFO("transB " << trans_b);
    OnnxBuilder b;
    b.input("x", {2, 4});
    b.f32("W", trans_b ? std::vector<int64_t>{3, 4} : std::vector<int64_t>{4, 3}, pseudo_random(12, 5));
    b.f32("C", {3}, pseudo_random(3, 6));
    auto* n = b.node("Gemm", {"x", "W", "C"}, {"g"}, "fc");
    OnnxBuilder::attr_i(n, "transB", trans_b);
    OnnxBuilder::attr_f(n, "alpha", 0.5f);
    OnnxBuilder::attr_f(n, "beta", 2.f);
    add_batch_norm(b, "g", "y", 3, 21);
    b.output("y", {2, 3});
    Graph g = b.import();
    const auto x = pseudo_random(8, 9);
    const auto before = run_graph(g, x, {2, 4});
    CHECK(fold_batch_norm(g));
    CHECK(count_op(g, OpId::BatchNormalization) == 0);
    check_close(run_graph(g, x, {2, 4}), before);
  }
}

TEST_CASE("fold_batch_norm: leaves BN alone when the Conv output has another consumer") {
  OnnxBuilder b = conv_bn_model(true);
  b.output("c", {1, 3, 5, 5});
  Graph g = b.import();
  CHECK_FALSE(fold_batch_norm(g));
  CHECK(count_op(g, OpId::BatchNormalization) == 1);
}

TEST_CASE("fuse_activation: Relu, Clip, LeakyRelu, Sigmoid, Tanh after Gemm / Conv") {
  struct Case {
    const char* op;
    Act act;
  };
  for (const Case c : {Case{"Relu", Act::relu}, Case{"Clip", Act::clip}, Case{"LeakyRelu", Act::leaky_relu},
                       Case{"Sigmoid", Act::sigmoid}, Case{"Tanh", Act::tanh}}) {
    for (bool conv : {false, true}) {
      INFO(c.op << (conv ? " after Conv" : " after Gemm"));
      OnnxBuilder b;
      std::vector<int64_t> in_dims = conv ? std::vector<int64_t>{1, 2, 4, 4} : std::vector<int64_t>{2, 4};
      b.input("x", in_dims);
      if (conv) {
        b.f32("W", {3, 2, 1, 1}, pseudo_random(6, 1));
        b.node("Conv", {"x", "W"}, {"h"}, "op");
      } else {
        b.f32("W", {4, 3}, pseudo_random(12, 1));
        b.node("Gemm", {"x", "W"}, {"h"}, "op");
      }
      std::vector<std::string> act_in = {"h"};
      if (std::string(c.op) == "Clip") {
        b.f32("lo", {}, {-0.25f});
        b.f32("hi", {}, {0.3f});
        act_in = {"h", "lo", "hi"};
      }
      auto* act = b.node(c.op, act_in, {"y"}, "act");
      if (std::string(c.op) == "LeakyRelu") OnnxBuilder::attr_f(act, "alpha", 0.2f);
      b.output("y", conv ? std::vector<int64_t>{1, 3, 4, 4} : std::vector<int64_t>{2, 3});
      Graph g = b.import();
      auto x = pseudo_random(conv ? 32 : 8, 4);
      for (auto& v : x) v *= 3;
      const auto before = run_graph(g, x, in_dims);
      CHECK(fuse_activations(g));
      REQUIRE(g.nodes.size() == 1);
      const Activation a = Activation::from(g.nodes[0]);
      CHECK(a.kind == c.act);
      if (c.act == Act::clip) {
        CHECK(a.lo == -0.25f);
        CHECK(a.hi == 0.3f);
      }
      if (c.act == Act::leaky_relu) CHECK(a.alpha == 0.2f);
      CHECK(g.values[g.outputs[0]].name == "y");
      check_close(run_graph(g, x, in_dims), before);
    }
  }
}

TEST_CASE("fuse_activation: not when the producer output is also used elsewhere") {
  OnnxBuilder b;
  b.input("x", {2, 4});
  b.f32("W", {4, 3}, pseudo_random(12, 1));
  b.node("Gemm", {"x", "W"}, {"h"});
  b.node("Relu", {"h"}, {"r"});
  b.node("Add", {"h", "r"}, {"y"});
  b.output("y", {2, 3});
  Graph g = b.import();
  CHECK_FALSE(fuse_activations(g));
  CHECK(g.nodes.size() == 3);
}

TEST_CASE("constant_folding: Shape -> Gather -> Unsqueeze -> Concat on static dims becomes a constant") {
  OnnxBuilder b;
  b.input("x", {2, 3, 4});
  b.node("Shape", {"x"}, {"s"});
  b.i64("idx0", {}, {0});
  b.node("Gather", {"s", "idx0"}, {"n"});
  b.i64("axes0", {1}, {0});
  b.node("Unsqueeze", {"n", "axes0"}, {"n1"});
  b.i64("minus1", {1}, {-1});
  OnnxBuilder::attr_i(b.node("Concat", {"n1", "minus1"}, {"shape"}), "axis", 0);
  b.node("Reshape", {"x", "shape"}, {"y"});
  b.output("y", {2, 12});
  Graph g = b.import();
  const auto x = pseudo_random(24, 2);
  const auto before = run_graph(g, x, {2, 3, 4});
  CHECK(fold_constants(g));
  g.validate();
  REQUIRE(g.nodes.size() == 1);
  const Node& reshape = g.nodes[0];
  CHECK(reshape.op == OpId::Reshape);
  const Value& shape = g.values[reshape.inputs[1]];
  REQUIRE(shape.constant);
  CHECK(shape.dtype == DType::i64);
  std::vector<int64_t> dims(shape.constant->size / 8);
  std::memcpy(dims.data(), shape.constant->bytes, shape.constant->size);
  CHECK(dims == std::vector<int64_t>{2, -1});
  CHECK(run_graph(g, x, {2, 3, 4}) == before);
}

TEST_CASE("constant_folding: keeps Shape of a dynamic dim and nodes producing graph outputs") {
  OnnxBuilder b;
  b.input("x", {-1, 3});
  b.node("Shape", {"x"}, {"s"});
  b.f32("a", {2}, {1, 2});
  b.f32("c", {2}, {3, 4});
  b.node("Add", {"a", "c"}, {"k"});
  b.output("s", {2}, onnx::TensorProto::INT64);
  b.output("k", {2});
  Graph g = b.import();
  CHECK_FALSE(fold_constants(g));
  CHECK(g.nodes.size() == 2);
}

TEST_CASE("eliminate_identity: rewires readers and keeps graph output names") {
  OnnxBuilder b(12);
  b.input("x", {1, 4});
  b.node("Identity", {"x"}, {"i1"});
  b.node("Relu", {"i1"}, {"r"});
  b.node("Dropout", {"r"}, {"y"});
  b.node("Identity", {"x"}, {"passthrough"});
  b.output("y", {1, 4});
  b.output("passthrough", {1, 4});
  Graph g = b.import();
  const auto x = std::vector<float>{-1, 2, -3, 4};
  CHECK(eliminate_identity(g));
  g.validate();
  CHECK(count_op(g, OpId::Relu) == 1);
  CHECK(count_op(g, OpId::Identity) == 1);  // graph input -> graph output needs a node
  CHECK(g.values[g.outputs[0]].name == "y");
  CHECK(g.values[g.outputs[1]].name == "passthrough");
  CHECK(g.values[find_node(g, OpId::Relu)->outputs[0]].name == "y");
  CHECK(g.values[find_node(g, OpId::Relu)->inputs[0]].name == "x");
  CHECK(run_graph(g, x, {1, 4}) == std::vector<float>{0, 2, 0, 4});
}

TEST_CASE("dead_code: drops unused nodes and constants, keeps inputs") {
  OnnxBuilder b;
  b.input("x", {1, 4});
  b.input("unused_input", {1});
  b.f32("w", {4}, {1, 2, 3, 4});
  b.f32("w_unused", {4}, {1, 2, 3, 4});
  b.node("Mul", {"x", "w"}, {"y"});
  b.node("Mul", {"x", "w_unused"}, {"dead1"});
  b.node("Relu", {"dead1"}, {"dead2"});
  b.output("y", {1, 4});
  Graph g = b.import();
  CHECK(eliminate_dead_code(g));
  g.validate();
  CHECK(g.nodes.size() == 1);
  CHECK(g.find_value("w_unused") < 0);
  CHECK(g.find_value("dead2") < 0);
  CHECK(g.inputs.size() == 2);
  CHECK_FALSE(eliminate_dead_code(g));
}

TEST_CASE("pass manager: runs a spec, rejects unknown passes") {
  CHECK(make_pass_manager("default").size() == 5);
  CHECK(make_pass_manager("").size() == 0);
  CHECK(make_pass_manager("dead_code, constant_folding").size() == 2);
  try {
    make_pass_manager("constant_folding,fold_everything");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(std::string(e.what()), Catch::Contains("fold_everything") && Catch::Contains("dead_code"));
  }
  Graph g = conv_bn_model(true).import();
  const auto runs = make_pass_manager("default").run(g);
  REQUIRE(runs.size() == 5);
  CHECK(runs[2].name == "fold_batch_norm");
  CHECK(runs[2].changed);
  CHECK(g.nodes.size() == 1);
}

TEST_CASE("default passes keep the fixture models' outputs (vs. torch)") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(__FILE__).parent_path().parent_path().parent_path() / "models" / "extra";
  int checked = 0;
  for (const char* name :
       {"mlp", "lenet_style", "resnet_style", "resnet_style_op11", "resnet_style_op17", "resnet_style_view"}) {
    const fs::path onnx = dir / (std::string(name) + ".onnx");
    if (!fs::exists(onnx)) continue;
    INFO(name);
    Graph g = import_onnx_file(onnx.string());
    const size_t imported_nodes = g.nodes.size();
    make_pass_manager("default").run(g);
    CHECK(g.nodes.size() <= imported_nodes);
    CHECK(count_op(g, OpId::BatchNormalization) == 0);
    CHECK(count_op(g, OpId::Identity) == 0);
    const auto in = qc::testing::read_npy_f32((dir / (std::string(name) + ".input.npy")).string());
    const auto expected = qc::testing::read_npy_f32((dir / (std::string(name) + ".output.npy")).string());
    check_close(run_graph(g, in.data, in.dims), expected.data, 1e-3f);
    ++checked;
  }
  WARN("checked " << checked << " fixture models against torch outputs");
}
