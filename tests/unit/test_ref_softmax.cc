// Reference Softmax / LogSoftmax (opset 13 axis and legacy 2-D coercion).
#include "typed_op_runner.h"

using namespace qc;
using namespace qc::test;
using F = std::vector<float>;

constexpr double kRel = 1e-5;

TEST_CASE("ref Softmax and LogSoftmax over the last axis", "[ref][softmax]") {
  Tensor x = Tensor::f32({2, 3}, {1, 2, 3, 0, 0, 0});
  // e^1, e^2, e^3 over their sum 30.19287485
  check_close(run(node_of(OpId::Softmax), {&x}).values<float>(),
              {0.09003057f, 0.24472847f, 0.66524096f, 1.f / 3, 1.f / 3, 1.f / 3}, kRel);
  // x - ln(30.19287485) = x - 3.40760596; ln(1/3) = -1.09861229
  check_close(run(node_of(OpId::LogSoftmax), {&x}).values<float>(),
              {-2.40760596f, -1.40760596f, -0.40760596f, -1.09861229f, -1.09861229f, -1.09861229f}, kRel);
}

TEST_CASE("ref Softmax: axis 0, negative axis, large inputs", "[ref][softmax]") {
  Tensor x = Tensor::f32({2, 2}, {0, 1, 0, 0});
  Node n = node_of(OpId::Softmax);
  n.set_i("axis", 0);
  check_close(run(n, {&x}).values<float>(), {0.5f, 0.73105858f, 0.5f, 0.26894142f}, kRel);
  n.set_i("axis", -2);
  check_close(run(n, {&x}).values<float>(), {0.5f, 0.73105858f, 0.5f, 0.26894142f}, kRel);
  Tensor big = Tensor::f32({2}, {1000, 1001});
  check_close(run(node_of(OpId::Softmax), {&big}).values<float>(), {0.26894142f, 0.73105858f}, kRel);
  check_close(run(node_of(OpId::LogSoftmax), {&big}).values<float>(), {-1.31326169f, -0.31326169f}, kRel);
}

TEST_CASE("ref Softmax: legacy_2d coerces to 2-D at the axis", "[ref][softmax]") {
  Tensor x = Tensor::f32({2, 1, 2}, {0, 1.09861229f, 1, 1});  // ln 3
  Node legacy = node_of(OpId::Softmax);
  legacy.set_i("legacy_2d", 1);  // default axis 1: softmax over each batch's 2 elements
  check_close(run(legacy, {&x}).values<float>(), {0.25f, 0.75f, 0.5f, 0.5f}, kRel);
  Node modern = node_of(OpId::Softmax);
  modern.set_i("axis", 1);  // over the size-1 axis
  check_close(run(modern, {&x}).values<float>(), {1, 1, 1, 1}, kRel);
}

TEST_CASE("shape Softmax: axis out of range and integer input", "[ref][softmax]") {
  Tensor x = Tensor::f32({2, 3}, F(6));
  Node n = node_of(OpId::Softmax, "sm");
  n.set_i("axis", 2);
  require_error([&] { infer(n, {&x}); }, Errc::shape_mismatch, "Softmax 'sm': axis 2 is out of range for rank 2");
  Tensor i = Tensor::i64({2}, {1, 2});
  require_error([&] { infer(node_of(OpId::LogSoftmax, "ls"), {&i}); }, Errc::dtype_mismatch, "LogSoftmax 'ls'");
}
