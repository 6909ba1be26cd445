// pack_f32_weights: Gemm (any transB / alpha, MatMul) and 2-D Conv f32 weights become
// f32_packed, outputs unchanged; weights also read by another op stay dense; the
// graph survives a bundle round trip.
#include <catch2/catch.hpp>

#include <cmath>

#include "common/aligned_buffer.h"
#include "format/bundle.h"
#include "passes/builtin_passes.h"
#include "schemes/scheme_table.h"
#include "test_import_onnx_builder.h"

using namespace qc;
using qc::testing::OnnxBuilder;
using qc::testing::pseudo_random;
using qc::testing::run_graph;
using qc::testing::check_same_outputs;

namespace {

uint16_t weight_scheme(const Graph& g, const std::string& node_name) {
  for (const auto& n : g.nodes)
    if (n.name == node_name) return g.values[n.inputs.at(1)].constant->scheme;
  FAIL("no node " << node_name);
  return 0;
}

constexpr auto kPacked = static_cast<uint16_t>(SchemeId::f32_packed);

}  // namespace

TEST_CASE("pack_f32_weights: Conv, Gemm transB=0 and MatMul weights are packed, outputs unchanged", "[passes][f32_packed]") {
  OnnxBuilder b;
  b.input("x", {-1, 2, 9, 9});
  b.f32("Wc", {11, 2, 3, 3}, pseudo_random(11 * 18, 1));
  b.f32("Bc", {11}, pseudo_random(11, 2));
  auto* conv = b.node("Conv", {"x", "Wc", "Bc"}, {"c"}, "conv");
  OnnxBuilder::attr_ints(conv, "pads", {1, 1, 1, 1});
  b.node("Relu", {"c"}, {"r"}, "relu");
  auto* flat = b.node("Flatten", {"r"}, {"f"}, "flatten");
  OnnxBuilder::attr_i(flat, "axis", 1);
  b.f32("W1", {11 * 81, 13}, pseudo_random(11 * 81 * 13, 3));
  b.f32("C1", {13}, pseudo_random(13, 4));
  auto* fc1 = b.node("Gemm", {"f", "W1", "C1"}, {"h"}, "fc1");  // transB=0
  OnnxBuilder::attr_f(fc1, "alpha", 0.5f);
  b.f32("W2", {13, 5}, pseudo_random(65, 5));
  b.node("MatMul", {"h", "W2"}, {"y"}, "fc2");
  b.output("y", {-1, 5});
  Graph g = b.import();
  make_pass_manager("default").run(g);
  const auto x = pseudo_random(3 * 2 * 81, 6);
  const auto before = run_graph(g, x, {3, 2, 9, 9});
  CHECK(pack_f32_weights(g));
  g.validate();
  CHECK(weight_scheme(g, "conv") == kPacked);
  CHECK(weight_scheme(g, "fc1") == kPacked);
  CHECK(weight_scheme(g, "fc2") == kPacked);
  check_same_outputs(run_graph(g, x, {3, 2, 9, 9}), before);
  CHECK_FALSE(pack_f32_weights(g));  // nothing left to pack

  const std::vector<uint8_t> bytes = write_bundle(g, "{}");
  const AlignedBuffer aligned(bytes);  // the reader wants 64-byte aligned input
  Bundle reread = read_bundle({aligned.data(), aligned.size()});
  CHECK(weight_scheme(reread.graph, "fc1") == kPacked);
  check_same_outputs(run_graph(reread.graph, x, {3, 2, 9, 9}), before);
}

TEST_CASE("pack_f32_weights: a weight also read by another op stays dense", "[passes][f32_packed]") {
  OnnxBuilder b;
  b.input("x", {4, 4});
  b.f32("B", {4, 4}, pseudo_random(16, 7));
  auto* g1 = b.node("Gemm", {"x", "B"}, {"h"}, "g1");
  OnnxBuilder::attr_i(g1, "transB", 1);
  b.node("Add", {"h", "B"}, {"y"}, "add");  // B read by a non-Gemm op
  b.output("y", {4, 4});
  Graph g = b.import();
  const auto x = pseudo_random(16, 8);
  const auto before = run_graph(g, x, {4, 4});
  pack_f32_weights(g);
  g.validate();
  CHECK(weight_scheme(g, "g1") == static_cast<uint16_t>(SchemeId::dense));
  check_same_outputs(run_graph(g, x, {4, 4}), before);
}
