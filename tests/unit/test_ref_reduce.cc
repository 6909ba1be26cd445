// Reference ReduceMean / ReduceSum / ReduceMax against hand-computed results.
#include "typed_op_runner.h"

using namespace qc;
using namespace qc::test;
using V = std::vector<int64_t>;
using F = std::vector<float>;

namespace {
// ONNX's example: [[[5, 1], [20, 2]], [[30, 1], [40, 2]], [[55, 1], [60, 2]]]
Tensor example() { return Tensor::f32({3, 2, 2}, {5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2}); }
}  // namespace

TEST_CASE("ref ReduceMean with attr axes, keepdims 1 and 0", "[ref][reduce]") {
  Tensor x = example();
  Node n = node_of(OpId::ReduceMean);
  n.set_ints("axes", {1});
  Tensor y = run(n, {&x});
  CHECK(y.dims == V{3, 1, 2});
  CHECK(y.values<float>() == F{12.5f, 1.5f, 35, 1.5f, 57.5f, 1.5f});
  n.set_i("keepdims", 0);
  y = run(n, {&x});
  CHECK(y.dims == V{3, 2});
  CHECK(y.values<float>() == F{12.5f, 1.5f, 35, 1.5f, 57.5f, 1.5f});
}

TEST_CASE("ref ReduceSum with axes input, negative and multiple axes", "[ref][reduce]") {
  Tensor x = example();
  Node n = node_of(OpId::ReduceSum);
  Tensor axes = Tensor::i64({1}, {-2});
  Tensor y = run(n, {&x, &axes});
  CHECK(y.dims == V{3, 1, 2});
  CHECK(y.values<float>() == F{25, 3, 70, 3, 115, 3});
  Tensor two = Tensor::i64({2}, {0, 2});
  y = run(n, {&x, &two});
  CHECK(y.dims == V{1, 2, 1});
  CHECK(y.values<float>() == F{93, 126});
}

TEST_CASE("ref Reduce over all axes and noop_with_empty_axes", "[ref][reduce]") {
  Tensor x = example();
  Node mx = node_of(OpId::ReduceMax);
  mx.set_i("keepdims", 0);
  Tensor y = run(mx, {&x});
  CHECK(y.dims == V{});
  CHECK(y.values<float>() == F{60});
  Node sum = node_of(OpId::ReduceSum);
  Tensor empty = Tensor::i64({0}, {});
  y = run(sum, {&x, &empty});
  CHECK(y.dims == V{1, 1, 1});
  CHECK(y.values<float>() == F{219});
  sum.set_i("noop_with_empty_axes", 1);
  y = run(sum, {&x, &empty});
  CHECK(y.dims == V{3, 2, 2});
  CHECK(y.values<float>() == x.values<float>());
}

TEST_CASE("ref ReduceMax and ReduceSum on integers", "[ref][reduce]") {
  Tensor x = Tensor::i64({2, 3}, {-5, 7, 2, -1, -9, 4});
  Node mx = node_of(OpId::ReduceMax);
  mx.set_ints("axes", {1});
  CHECK(run(mx, {&x}).values<int64_t>() == V{7, 4});
  Node sum = node_of(OpId::ReduceSum);
  Tensor axes = Tensor::i32({1}, {0});
  CHECK(run(sum, {&x, &axes}).values<int64_t>() == V{-6, -2, 6});
  Tensor xi = Tensor::i32({2, 2}, {-3, -4, -5, -6});
  CHECK(run(mx, {&xi}).values<int32_t>() == std::vector<int32_t>{-3, -5});
}

TEST_CASE("shape Reduce: bad axes", "[ref][reduce]") {
  Tensor x = example();
  Node n = node_of(OpId::ReduceMean, "rm");
  n.set_ints("axes", {3});
  require_error([&] { infer(n, {&x}); }, Errc::shape_mismatch, "ReduceMean 'rm': axes 3 is out of range for rank 3");
  n.set_ints("axes", {1, -2});
  require_error([&] { infer(n, {&x}); }, Errc::shape_mismatch, "repeat an axis");
  Tensor runtime_axes = Tensor::unknown(DType::i64, {1});
  require_error([&] { infer(node_of(OpId::ReduceSum, "rs"), {&x, &runtime_axes}); }, Errc::shape_mismatch,
                "ReduceSum 'rs': axes (input 1) must be known before run time");
  Tensor dyn = Tensor::unknown(DType::f32, {-1, 2, 2});
  Node m = node_of(OpId::ReduceMean);
  m.set_ints("axes", {-1});
  CHECK(infer(m, {&dyn}).dims == V{-1, 2, 1});
}
