// Reference unary ops against hand-computed values.
#include <cmath>
#include <limits>

#include "typed_op_runner.h"

using namespace qc;
using namespace qc::test;
using F = std::vector<float>;

namespace {

F run_f32(const Node& n, const F& x) {
  Tensor t = Tensor::f32({static_cast<int64_t>(x.size())}, x);
  return run(n, {&t}).values<float>();
}

}  // namespace

TEST_CASE("ref activations", "[ref][unary]") {
  const F x = {-2, -0.5f, 0, 1, 3};
  check_close(run_f32(node_of(OpId::Relu), x), {0, 0, 0, 1, 3});
  Node leaky = node_of(OpId::LeakyRelu);
  check_close(run_f32(leaky, x), {-0.02f, -0.005f, 0, 1, 3});
  leaky.set_f("alpha", 0.5f);
  check_close(run_f32(leaky, x), {-1, -0.25f, 0, 1, 3});
  // sigmoid(-2) = 1 / (1 + e^2), sigmoid(3) = 1 / (1 + e^-3)
  check_close(run_f32(node_of(OpId::Sigmoid), {-2, 0, 3}), {0.11920292f, 0.5f, 0.95257413f});
  check_close(run_f32(node_of(OpId::Sigmoid), {-100, 100}), {0, 1});
  Node hs = node_of(OpId::HardSigmoid);  // alpha 0.2, beta 0.5
  check_close(run_f32(hs, {-3, -1, 0, 2, 3}), {0, 0.3f, 0.5f, 0.9f, 1});
  hs.set_f("alpha", 0.5f);
  hs.set_f("beta", 0.6f);
  check_close(run_f32(hs, {-1, 0, 1}), {0.1f, 0.6f, 1});
  check_close(run_f32(node_of(OpId::HardSwish), {-4, -1, 0, 1, 4}), {0, -1.f / 3, 0, 2.f / 3, 4});
  check_close(run_f32(node_of(OpId::Tanh), {-1, 0, 0.5f}), {-0.76159416f, 0, 0.46211716f});
  Node elu = node_of(OpId::Elu);
  check_close(run_f32(elu, {-1, 0, 2}), {-0.63212056f, 0, 2});
  elu.set_f("alpha", 2.f);
  check_close(run_f32(elu, {-1, 2}), {-1.26424112f, 2});
  // softplus(x) = ln(1 + e^x); softplus(100) = 100 without overflow
  check_close(run_f32(node_of(OpId::Softplus), {-1, 0, 1, 100}), {0.31326169f, 0.69314718f, 1.31326169f, 100});
}

TEST_CASE("ref math functions", "[ref][unary]") {
  check_close(run_f32(node_of(OpId::Exp), {0, 1, -1}), {1, 2.71828183f, 0.36787944f});
  check_close(run_f32(node_of(OpId::Log), {1, 2.71828183f, 0.5f}), {0, 1, -0.69314718f});
  check_close(run_f32(node_of(OpId::Sqrt), {0, 4, 2}), {0, 2, 1.41421356f});
  check_close(run_f32(node_of(OpId::Neg), {-1, 0, 2.5f}), {1, 0, -2.5f});
  check_close(run_f32(node_of(OpId::Abs), {-1, 0, 2.5f}), {1, 0, 2.5f});
  check_close(run_f32(node_of(OpId::Reciprocal), {-2, 4, 0.5f}), {-0.5f, 0.25f, 2});
  CHECK(std::isnan(run_f32(node_of(OpId::Sqrt), {-1})[0]));
}

TEST_CASE("ref integer Relu, Neg, Abs", "[ref][unary]") {
  Tensor i = Tensor::i32({3}, {-5, 0, 7});
  CHECK(run(node_of(OpId::Relu), {&i}).values<int32_t>() == std::vector<int32_t>{0, 0, 7});
  CHECK(run(node_of(OpId::Neg), {&i}).values<int32_t>() == std::vector<int32_t>{5, 0, -7});
  Tensor b = Tensor::i8({3}, {-128, -3, 4});
  CHECK(run(node_of(OpId::Abs), {&b}).values<int8_t>() == std::vector<int8_t>{-128, 3, 4});  // wraps like numpy
  Tensor u = Tensor::u8({2}, {1, 2});
  require_error([&] { infer(node_of(OpId::Neg, "neg"), {&u}); }, Errc::dtype_mismatch, "Neg 'neg': input has dtype uint8");
}

TEST_CASE("ref Clip: bounds from inputs, attrs, or none", "[ref][unary]") {
  Tensor x = Tensor::f32({5}, {-3, -1, 0, 2, 5});
  Tensor lo = Tensor::f32({}, {-1.5f});
  Tensor hi = Tensor::f32({}, {1});
  Node n = node_of(OpId::Clip, "clip");
  CHECK(run(n, {&x, &lo, &hi}).values<float>() == F{-1.5f, -1, 0, 1, 1});
  CHECK(run(n, {&x, &lo, nullptr}).values<float>() == F{-1.5f, -1, 0, 2, 5});
  CHECK(run(n, {&x, nullptr, &hi}).values<float>() == F{-3, -1, 0, 1, 1});
  CHECK(run(n, {&x}).values<float>() == F{-3, -1, 0, 2, 5});
  SECTION("min > max gives max everywhere") {
    Tensor a = Tensor::f32({}, {2});
    Tensor b = Tensor::f32({}, {1});
    CHECK(run(n, {&x, &a, &b}).values<float>() == F{1, 1, 1, 1, 1});
  }
  SECTION("opset < 11 attrs") {
    Node old = node_of(OpId::Clip, "clip6");
    old.set_f("min", 0.f);
    old.set_f("max", 2.5f);
    CHECK(run(old, {&x}).values<float>() == F{0, 0, 0, 2, 2.5f});
  }
  SECTION("int8 with a max input") {
    Tensor xi = Tensor::i8({4}, {-128, -1, 5, 127});
    Tensor m = Tensor::i8({}, {4});
    CHECK(run(n, {&xi, nullptr, &m}).values<int8_t>() == std::vector<int8_t>{-128, -1, 4, 4});
  }
  SECTION("bound of another dtype or not a scalar") {
    Tensor m = Tensor::i64({}, {4});
    require_error([&] { infer(n, {&x, &m}); }, Errc::dtype_mismatch, "Clip 'clip': min (input 1) has dtype int64");
    Tensor v = Tensor::f32({2}, {0, 1});
    require_error([&] { infer(n, {&x, nullptr, &v}); }, Errc::shape_mismatch, "max (input 2) must be a scalar");
  }
}

TEST_CASE("shape_same: float-only ops reject integer input", "[ref][unary]") {
  Tensor i = Tensor::i64({2}, {1, 2});
  require_error([&] { infer(node_of(OpId::Sigmoid, "sig"), {&i}); }, Errc::dtype_mismatch,
                "Sigmoid 'sig': input has dtype int64");
  Tensor u = Tensor::unknown(DType::f32, {-1, 4});
  CHECK(infer(node_of(OpId::Tanh), {&u}).dims == std::vector<int64_t>{-1, 4});
}
