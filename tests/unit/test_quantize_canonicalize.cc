// canonicalize_gemm: weights become W[N, K] with transB=1 and alpha=1, outputs unchanged.
#include <catch2/catch.hpp>

#include <cmath>

#include "graph/op_table.h"
#include "passes/builtin_passes.h"
#include "passes/quantize_weights.h"
#include "test_import_onnx_builder.h"

using namespace qc;
using qc::testing::OnnxBuilder;
using qc::testing::pseudo_random;
using qc::testing::run_graph;
using qc::testing::check_same_outputs;

namespace {

size_t count_op(const Graph& g, OpId op) {
  size_t n = 0;
  for (const auto& node : g.nodes) n += node.op == op;
  return n;
}

const Value& weight_of(const Graph& g, const std::string& node_name) {
  for (const auto& n : g.nodes)
    if (n.name == node_name) return g.values[n.inputs.at(1)];
  FAIL("no node " << node_name);
  return g.values[0];
}

}  // namespace

TEST_CASE("canonicalize_gemm: Gemm transB=0 with alpha and C keeps its outputs", "[quantize][canonicalize]") {
  OnnxBuilder b;
  b.input("x", {3, 5});
  b.f32("B", {5, 4}, pseudo_random(20, 1));
  b.f32("C", {4}, pseudo_random(4, 2));
  auto* n = b.node("Gemm", {"x", "B", "C"}, {"y"}, "fc");
  OnnxBuilder::attr_f(n, "alpha", 0.5f);
  OnnxBuilder::attr_f(n, "beta", 2.0f);
  b.output("y", {3, 4});
  Graph g = b.import();
  const auto x = pseudo_random(15, 3);
  const auto before = run_graph(g, x, {3, 5});
  CHECK(canonicalize_gemm(g));
  g.validate();
  const Node& fc = g.nodes.at(0);
  CHECK(fc.attr_i("transB", 0) == 1);
  CHECK(fc.attr_f("alpha", 1.f) == 1.f);
  CHECK(weight_of(g, "fc").dims == std::vector<int64_t>{4, 5});
  check_same_outputs(run_graph(g, x, {3, 5}), before);
  CHECK_FALSE(canonicalize_gemm(g));  // idempotent
  CHECK(find_quantizable_layers(g).size() == 1);
}

TEST_CASE("canonicalize_gemm: MatMul with a 2-D constant becomes Gemm", "[quantize][canonicalize]") {
  OnnxBuilder b;
  b.input("x", {-1, 6});
  b.f32("W", {6, 3}, pseudo_random(18, 4));
  b.node("MatMul", {"x", "W"}, {"h"}, "mm");
  b.node("Relu", {"h"}, {"y"}, "relu");
  b.output("y", {-1, 3});
  Graph g = b.import();
  const auto x = pseudo_random(12, 5);
  const auto before = run_graph(g, x, {2, 6});
  CHECK(canonicalize_gemm(g));
  g.validate();
  CHECK(count_op(g, OpId::MatMul) == 0);
  CHECK(count_op(g, OpId::Gemm) == 1);
  CHECK(weight_of(g, "mm").dims == std::vector<int64_t>{3, 6});
  CHECK(weight_of(g, "mm").name == "W");
  check_same_outputs(run_graph(g, x, {2, 6}), before);
}

TEST_CASE("canonicalize_gemm: MatMul with a rank-3 A is left alone", "[quantize][canonicalize]") {
  OnnxBuilder b;
  b.input("x", {2, 3, 6});
  b.f32("W", {6, 3}, pseudo_random(18, 6));
  b.node("MatMul", {"x", "W"}, {"y"}, "mm");
  b.output("y", {2, 3, 3});
  Graph g = b.import();
  CHECK_FALSE(canonicalize_gemm(g));
  CHECK(count_op(g, OpId::MatMul) == 1);
}

TEST_CASE("canonicalize_gemm: rank of an intermediate A comes from planning", "[quantize][canonicalize]") {
  OnnxBuilder b;
  b.input("x", {-1, 2, 3});
  b.f32("W", {6, 4}, pseudo_random(24, 7));
  auto* f = b.node("Flatten", {"x"}, {"flat"}, "flatten");
  OnnxBuilder::attr_i(f, "axis", 1);
  b.node("MatMul", {"flat", "W"}, {"y"}, "mm");
  b.output("y", {-1, 4});
  Graph g = b.import();
  const auto x = pseudo_random(12, 8);
  const auto before = run_graph(g, x, {2, 2, 3});
  CHECK(canonicalize_gemm(g));
  CHECK(count_op(g, OpId::Gemm) == 1);
  check_same_outputs(run_graph(g, x, {2, 2, 3}), before);
}

TEST_CASE("canonicalize_gemm: a weight shared with another reader is copied", "[quantize][canonicalize]") {
  OnnxBuilder b;
  b.input("x", {2, 4});
  b.f32("B", {4, 4}, pseudo_random(16, 9));
  b.node("Gemm", {"x", "B"}, {"h"}, "g1");                   // transB=0: transposed copy
  auto* g2 = b.node("Gemm", {"h", "B"}, {"y"}, "g2");        // transB=1: unchanged
  OnnxBuilder::attr_i(g2, "transB", 1);
  b.output("y", {2, 4});
  Graph g = b.import();
  const auto x = pseudo_random(8, 10);
  const auto before = run_graph(g, x, {2, 4});
  CHECK(canonicalize_gemm(g));
  g.validate();
  CHECK(weight_of(g, "g1").name != weight_of(g, "g2").name);
  CHECK(weight_of(g, "g2").name == "B");
  check_same_outputs(run_graph(g, x, {2, 4}), before);
  // B is read by g2 only now; g1 reads its own copy: both compressible.
  CHECK(find_quantizable_layers(g).size() == 2);
}
