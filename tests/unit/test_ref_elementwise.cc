// Reference broadcasting binary ops against hand-computed results.
#include <cmath>
#include <limits>

#include "typed_op_runner.h"

using namespace qc;
using namespace qc::test;
using V = std::vector<int64_t>;
using F = std::vector<float>;

TEST_CASE("ref Add: same shape, row, column and scalar broadcasting", "[ref][elementwise]") {
  Node n = node_of(OpId::Add, "add");
  Tensor a = Tensor::f32({2, 3}, {1, 2, 3, 4, 5, 6});
  SECTION("same shape") {
    Tensor b = Tensor::f32({2, 3}, {10, 20, 30, 40, 50, 60});
    Tensor y = run(n, {&a, &b});
    CHECK(y.dims == V{2, 3});
    CHECK(y.values<float>() == F{11, 22, 33, 44, 55, 66});
  }
  SECTION("row [3]") {
    Tensor b = Tensor::f32({3}, {10, 20, 30});
    CHECK(run(n, {&a, &b}).values<float>() == F{11, 22, 33, 14, 25, 36});
  }
  SECTION("column [2, 1] on the left") {
    Tensor b = Tensor::f32({2, 1}, {100, 200});
    Tensor y = run(n, {&b, &a});
    CHECK(y.dims == V{2, 3});
    CHECK(y.values<float>() == F{101, 102, 103, 204, 205, 206});
  }
  SECTION("scalar") {
    Tensor b = Tensor::f32({}, {0.5f});
    CHECK(run(n, {&a, &b}).values<float>() == F{1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f});
  }
  SECTION("both sides stretch: [3, 1] + [1, 2] -> [3, 2]") {
    Tensor c = Tensor::f32({3, 1}, {1, 2, 3});
    Tensor d = Tensor::f32({1, 2}, {10, 20});
    Tensor y = run(n, {&c, &d});
    CHECK(y.dims == V{3, 2});
    CHECK(y.values<float>() == F{11, 21, 12, 22, 13, 23});
  }
}

TEST_CASE("ref Mul: rank-4 channel broadcast [1,2,1,1] * [2,2,2,2]", "[ref][elementwise]") {
  Node n = node_of(OpId::Mul, "mul");
  std::vector<float> xv(16);
  for (int i = 0; i < 16; ++i) xv[i] = float(i);
  Tensor x = Tensor::f32({2, 2, 2, 2}, xv);
  Tensor s = Tensor::f32({1, 2, 1, 1}, {1, -1});
  Tensor y = run(n, {&x, &s});
  CHECK(y.values<float>() == F{0, 1, 2, 3, -4, -5, -6, -7, 8, 9, 10, 11, -12, -13, -14, -15});
}

TEST_CASE("ref Sub and Div on floats", "[ref][elementwise]") {
  Tensor a = Tensor::f32({3}, {1, 4, 9});
  Tensor b = Tensor::f32({3}, {2, 8, 3});
  CHECK(run(node_of(OpId::Sub), {&a, &b}).values<float>() == F{-1, -4, 6});
  CHECK(run(node_of(OpId::Div), {&a, &b}).values<float>() == F{0.5f, 0.5f, 3});
}

TEST_CASE("ref integer arithmetic: i64, i32, u8 wrap, truncating division", "[ref][elementwise]") {
  Tensor a = Tensor::i64({4}, {7, -7, 100, 3});
  Tensor b = Tensor::i64({4}, {2, 2, -3, 3});
  CHECK(run(node_of(OpId::Add), {&a, &b}).values<int64_t>() == V{9, -5, 97, 6});
  CHECK(run(node_of(OpId::Mul), {&a, &b}).values<int64_t>() == V{14, -14, -300, 9});
  CHECK(run(node_of(OpId::Div), {&a, &b}).values<int64_t>() == V{3, -3, -33, 1});

  Tensor c = Tensor::i32({2}, {std::numeric_limits<int32_t>::max(), 5});
  Tensor d = Tensor::i32({}, {1});
  CHECK(run(node_of(OpId::Add), {&c, &d}).values<int32_t>() ==
        std::vector<int32_t>{std::numeric_limits<int32_t>::min(), 6});

  Tensor u = Tensor::u8({3}, {250, 3, 10});
  Tensor w = Tensor::u8({3}, {10, 5, 3});
  CHECK(run(node_of(OpId::Add), {&u, &w}).values<uint8_t>() == std::vector<uint8_t>{4, 8, 13});
  CHECK(run(node_of(OpId::Sub), {&u, &w}).values<uint8_t>() == std::vector<uint8_t>{240, 254, 7});
  CHECK(run(node_of(OpId::Div), {&u, &w}).values<uint8_t>() == std::vector<uint8_t>{25, 0, 3});
}

TEST_CASE("ref Div: integer division by zero is an error", "[ref][elementwise]") {
  Node n = node_of(OpId::Div, "div0");
  Tensor a = Tensor::i32({2}, {1, 2});
  Tensor b = Tensor::i32({2}, {1, 0});
  require_error([&] { run(n, {&a, &b}); }, Errc::invalid_argument, "Div 'div0': integer division by zero");
}

TEST_CASE("ref Pow: float, mixed base/exponent types", "[ref][elementwise]") {
  Node n = node_of(OpId::Pow, "pow");
  Tensor x = Tensor::f32({3}, {2, 4, -2});
  Tensor e = Tensor::f32({3}, {3, 0.5f, 2});
  CHECK(run(n, {&x, &e}).values<float>() == F{8, 2, 4});
  Tensor ei = Tensor::i64({}, {2});
  Tensor y = run(n, {&x, &ei});
  CHECK(y.dtype == DType::f32);
  CHECK(y.values<float>() == F{4, 16, 4});
  Tensor xi = Tensor::i32({3}, {2, 3, -3});
  Tensor ef = Tensor::f32({3}, {10, 2, 3});
  y = run(n, {&xi, &ef});
  CHECK(y.dtype == DType::i32);
  CHECK(y.values<int32_t>() == std::vector<int32_t>{1024, 9, -27});
  Tensor xl = Tensor::i64({3}, {2, 5, -1});
  Tensor el = Tensor::i64({3}, {40, 0, 3});
  CHECK(run(n, {&xl, &el}).values<int64_t>() == V{int64_t{1} << 40, 1, -1});
}

TEST_CASE("ref Max/Min: variadic with broadcasting and one input", "[ref][elementwise]") {
  Tensor a = Tensor::f32({2, 2}, {1, 5, -3, 0});
  Tensor b = Tensor::f32({2}, {2, -1});
  Tensor c = Tensor::f32({}, {0.5f});
  CHECK(run(node_of(OpId::Max), {&a, &b, &c}).values<float>() == F{2, 5, 2, 0.5f});
  CHECK(run(node_of(OpId::Min), {&a, &b, &c}).values<float>() == F{0.5f, -1, -3, -1});
  CHECK(run(node_of(OpId::Max), {&a}).values<float>() == F{1, 5, -3, 0});
  Tensor i = Tensor::i8({3}, {-128, 5, 7});
  Tensor j = Tensor::i8({3}, {127, -6, 7});
  CHECK(run(node_of(OpId::Min), {&i, &j}).values<int8_t>() == std::vector<int8_t>{-128, -6, 7});
  Tensor nan = Tensor::f32({1}, {NAN});
  CHECK(std::isnan(run(node_of(OpId::Max), {&b, &nan}).values<float>()[0]));
}

TEST_CASE("shape_broadcast: errors and unknown dims", "[ref][elementwise]") {
  Node n = node_of(OpId::Add, "bad_add");
  SECTION("incompatible dims") {
    Tensor a = Tensor::f32({2, 3}, F(6));
    Tensor b = Tensor::f32({2}, F(2));
    require_error([&] { infer(n, {&a, &b}); }, Errc::shape_mismatch, "Add 'bad_add': cannot broadcast");
  }
  SECTION("zero-size dim against 2") {
    Tensor a = Tensor::f32({0}, {});
    Tensor b = Tensor::f32({2}, F(2));
    require_error([&] { infer(n, {&a, &b}); }, Errc::shape_mismatch, "cannot broadcast");
    Tensor one = Tensor::f32({1}, F(1));
    CHECK(infer(n, {&a, &one}).dims == V{0});
  }
  SECTION("dtype mismatch") {
    Tensor a = Tensor::f32({2}, F(2));
    Tensor b = Tensor::i64({2}, V(2));
    require_error([&] { infer(n, {&a, &b}); }, Errc::dtype_mismatch, "input 1 has dtype int64");
  }
  SECTION("unsupported dtype") {
    Tensor a = Tensor::boolean({2}, {0, 1});
    require_error([&] { infer(n, {&a, &a}); }, Errc::dtype_mismatch, "bool");
  }
  SECTION("unknown dims") {
    Tensor a = Tensor::unknown(DType::f32, {-1, 3});
    Tensor b = Tensor::unknown(DType::f32, {-1, 1});
    CHECK(infer(n, {&a, &b}).dims == V{-1, 3});
    Tensor c = Tensor::unknown(DType::f32, {4, 1, 1});
    CHECK(infer(n, {&a, &c}).dims == V{4, -1, 3});
  }
}

TEST_CASE("ref Add: an empty output writes nothing", "[ref][elementwise]") {
  Tensor a = Tensor::f32({0, 3}, {});
  Tensor b = Tensor::f32({3}, {1, 2, 3});
  Tensor y = run(node_of(OpId::Add), {&a, &b});
  CHECK(y.dims == V{0, 3});
  CHECK(y.bytes.empty());
}
