// Reference Transpose, Concat, Gather, Slice, Pad and Cast.
#include <cmath>

#include "typed_op_runner.h"

using namespace qc;
using namespace qc::test;
using V = std::vector<int64_t>;
using F = std::vector<float>;
using I32 = std::vector<int32_t>;

TEST_CASE("ref Transpose: default reverse and explicit perm", "[ref][layout]") {
  Tensor x = Tensor::f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor y = run(node_of(OpId::Transpose), {&x});
  CHECK(y.dims == V{3, 2});
  CHECK(y.values<float>() == F{1, 4, 2, 5, 3, 6});
  // x[i][j][k] = 100 i + 10 j + k; out[j][k][i] = x[i][j][k]
  Tensor x3 = Tensor::i64({2, 2, 3}, {0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112});
  Node n = node_of(OpId::Transpose, "tr");
  n.set_ints("perm", {1, 2, 0});
  y = run(n, {&x3});
  CHECK(y.dims == V{2, 3, 2});
  CHECK(y.values<int64_t>() == V{0, 100, 1, 101, 2, 102, 10, 110, 11, 111, 12, 112});
  n.set_ints("perm", {0, 0, 1});
  require_error([&] { infer(n, {&x3}); }, Errc::shape_mismatch, "Transpose 'tr': perm [0,0,1] is not a permutation");
  n.set_ints("perm", {1, 0});
  require_error([&] { infer(n, {&x3}); }, Errc::shape_mismatch, "not a permutation of 3 axes");
}

TEST_CASE("ref Concat: axes, negative axis, any dtype", "[ref][layout]") {
  Tensor a = Tensor::f32({2, 1}, {1, 2});
  Tensor b = Tensor::f32({2, 2}, {3, 4, 5, 6});
  Node n = node_of(OpId::Concat, "cat");
  n.set_i("axis", 1);
  Tensor y = run(n, {&a, &b});
  CHECK(y.dims == V{2, 3});
  CHECK(y.values<float>() == F{1, 3, 4, 2, 5, 6});
  n.set_i("axis", -1);
  CHECK(run(n, {&b, &a}).values<float>() == F{3, 4, 1, 5, 6, 2});
  Node n0 = node_of(OpId::Concat);
  Tensor i = Tensor::i64({2}, {1, 2}), j = Tensor::i64({1}, {3}), e = Tensor::i64({0}, {});
  y = run(n0, {&i, &e, &j});
  CHECK(y.dims == V{3});
  CHECK(y.values<int64_t>() == V{1, 2, 3});
  n0.set_i("axis", 0);
  require_error([&] { infer(n, {&a, &i}); }, Errc::dtype_mismatch, "Concat 'cat': input 1 has dtype int64");
  Tensor c = Tensor::f32({3, 2}, F(6));
  require_error([&] { infer(n, {&a, &c}); }, Errc::shape_mismatch, "input 1 dims [3,2] do not match input 0 dims [2,1]");
  Tensor dyn = Tensor::unknown(DType::f32, {-1, 2});
  CHECK(infer(n, {&dyn, &b}).dims == V{2, 4});
}

TEST_CASE("ref Gather: axis 0 and 1, negative and i32 indices", "[ref][layout]") {
  Tensor data = Tensor::f32({3, 2}, {1, 2, 3, 4, 5, 6});
  Node n = node_of(OpId::Gather, "g");
  Tensor idx = Tensor::i64({2}, {2, -3});
  Tensor y = run(n, {&data, &idx});
  CHECK(y.dims == V{2, 2});
  CHECK(y.values<float>() == F{5, 6, 1, 2});
  n.set_i("axis", 1);
  Tensor idx2 = Tensor::i32({1, 2}, {1, 0});
  y = run(n, {&data, &idx2});
  CHECK(y.dims == V{3, 1, 2});
  CHECK(y.values<float>() == F{2, 1, 4, 3, 6, 5});
  Tensor scalar = Tensor::i64({}, {-1});
  y = run(n, {&data, &scalar});
  CHECK(y.dims == V{3});
  CHECK(y.values<float>() == F{2, 4, 6});
  Tensor bad = Tensor::i64({1}, {2});
  require_error([&] { infer(n, {&data, &bad}); }, Errc::invalid_argument, "Gather 'g': index 2");
  Tensor runtime = Tensor::unknown(DType::i64, {4});
  CHECK(infer(n, {&data, &runtime}).dims == V{3, 4});
  Tensor fidx = Tensor::f32({1}, {0});
  require_error([&] { infer(n, {&data, &fidx}); }, Errc::dtype_mismatch, "indices has dtype float32");
}

TEST_CASE("ref Slice: steps, negative steps, clamping", "[ref][layout]") {
  Tensor x = Tensor::f32({3, 4}, iota_f32(12));
  Node n = node_of(OpId::Slice, "sl");
  SECTION("two axes, step 2") {
    Tensor st = Tensor::i64({2}, {1, 0}), en = Tensor::i64({2}, {3, 4});
    Tensor ax = Tensor::i64({2}, {0, 1}), sp = Tensor::i64({2}, {1, 2});
    Tensor y = run(n, {&x, &st, &en, &ax, &sp});
    CHECK(y.dims == V{2, 2});
    CHECK(y.values<float>() == F{4, 6, 8, 10});
  }
  SECTION("negative step from the end") {
    Tensor st = Tensor::i64({1}, {-1}), en = Tensor::i64({1}, {-1000});
    Tensor ax = Tensor::i64({1}, {-1}), sp = Tensor::i64({1}, {-2});
    Tensor y = run(n, {&x, &st, &en, &ax, &sp});
    CHECK(y.dims == V{3, 2});
    CHECK(y.values<float>() == F{3, 1, 7, 5, 11, 9});
  }
  SECTION("full reverse with INT64 bounds") {
    Tensor st = Tensor::i64({1}, {INT64_MAX}), en = Tensor::i64({1}, {INT64_MIN});
    Tensor ax = Tensor::i64({1}, {0}), sp = Tensor::i64({1}, {-1});
    Tensor y = run(n, {&x, &st, &en, &ax, &sp});
    CHECK(y.values<float>() == F{8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3});
  }
  SECTION("defaults for axes and steps; end past the end; start past the end") {
    Tensor st = Tensor::i32({1}, {1}), en = Tensor::i32({1}, {1000});
    Tensor y = run(n, {&x, &st, &en});
    CHECK(y.dims == V{2, 4});
    CHECK(y.values<float>() == F{4, 5, 6, 7, 8, 9, 10, 11});
    Tensor far = Tensor::i64({1}, {10}), far_end = Tensor::i64({1}, {20});
    Tensor ax = Tensor::i64({1}, {1});
    CHECK(infer(n, {&x, &far, &far_end, &ax}).dims == V{3, 0});
  }
  SECTION("errors") {
    Tensor st = Tensor::i64({1}, {0}), en = Tensor::i64({1}, {2});
    Tensor ax = Tensor::i64({1}, {0}), zero = Tensor::i64({1}, {0});
    require_error([&] { infer(n, {&x, &st, &en, &ax, &zero}); }, Errc::shape_mismatch, "Slice 'sl': steps must not be 0");
    Tensor two = Tensor::i64({2}, {0, 1});
    require_error([&] { infer(n, {&x, &st, &two}); }, Errc::shape_mismatch, "different lengths");
    Tensor runtime = Tensor::unknown(DType::i64, {1});
    require_error([&] { infer(n, {&x, &runtime, &en}); }, Errc::shape_mismatch,
                  "starts (input 1) must be known before run time");
    Tensor ax5 = Tensor::i64({1}, {5});
    require_error([&] { infer(n, {&x, &st, &en, &ax5}); }, Errc::shape_mismatch, "axes 5 is out of range");
  }
}

TEST_CASE("ref Pad: constant, reflect, edge", "[ref][layout]") {
  Tensor x = Tensor::f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor pads = Tensor::i64({4}, {0, 1, 1, 2});  // axis 0: 0 before, 1 after; axis 1: 1 before, 2 after
  Node n = node_of(OpId::Pad, "pad");
  SECTION("constant from input 2") {
    Tensor v = Tensor::f32({}, {9});
    Tensor y = run(n, {&x, &pads, &v});
    CHECK(y.dims == V{3, 6});
    CHECK(y.values<float>() == F{9, 1, 2, 3, 9, 9, 9, 4, 5, 6, 9, 9, 9, 9, 9, 9, 9, 9});
    CHECK(run(n, {&x, &pads}).values<float>() == F{0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0});
  }
  SECTION("reflect") {
    n.set_s("mode", "reflect");
    Tensor y = run(n, {&x, &pads});
    CHECK(y.values<float>() == F{2, 1, 2, 3, 2, 1, 5, 4, 5, 6, 5, 4, 2, 1, 2, 3, 2, 1});
    Tensor xi = Tensor::i32({1, 3}, {1, 2, 3});
    Tensor wide = Tensor::i64({4}, {0, 4, 0, 0});  // wider than the axis: keeps reflecting
    CHECK(run(n, {&xi, &wide}).values<int32_t>() == I32{1, 2, 3, 2, 1, 2, 3});
  }
  SECTION("edge") {
    n.set_s("mode", "edge");
    Tensor y = run(n, {&x, &pads});
    CHECK(y.values<float>() == F{1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 6, 4, 4, 5, 6, 6, 6});
  }
  SECTION("negative pads crop") {
    Tensor crop = Tensor::i64({4}, {0, -1, 0, 0});
    Tensor y = run(n, {&x, &crop});
    CHECK(y.dims == V{2, 2});
    CHECK(y.values<float>() == F{2, 3, 5, 6});
  }
  SECTION("opset < 11: attrs pads and value") {
    Node old = node_of(OpId::Pad);
    old.set_ints("pads", {1, 0, 0, 0});
    old.set_f("value", 7.f);
    CHECK(run(old, {&x}).values<float>() == F{7, 7, 7, 1, 2, 3, 4, 5, 6});
    Tensor xi = Tensor::i64({2}, {1, 2});
    old.set_ints("pads", {1, 1});
    CHECK(run(old, {&xi}).values<int64_t>() == V{7, 1, 2, 7});
  }
  SECTION("opset 18 axes input") {
    Tensor p = Tensor::i64({2}, {1, 1}), axes = Tensor::i64({1}, {-1});
    Tensor y = run(n, {&x, &p, nullptr, &axes});
    CHECK(y.dims == V{2, 5});
    CHECK(y.values<float>() == F{0, 1, 2, 3, 0, 0, 4, 5, 6, 0});
  }
  SECTION("errors") {
    Tensor short_pads = Tensor::i64({2}, {1, 1});
    require_error([&] { infer(n, {&x, &short_pads}); }, Errc::shape_mismatch, "Pad 'pad': pads has 2 values, expected 4");
    Tensor runtime = Tensor::unknown(DType::i64, {4});
    require_error([&] { infer(n, {&x, &runtime}); }, Errc::shape_mismatch, "pads (input 1) must be known before run time");
    Tensor too_neg = Tensor::i64({4}, {-3, 0, 0, 0});
    require_error([&] { infer(n, {&x, &too_neg}); }, Errc::shape_mismatch, "are invalid for axis 0 of size 2");
    Tensor v = Tensor::i64({}, {1});
    require_error([&] { infer(n, {&x, &pads, &v}); }, Errc::dtype_mismatch, "constant_value has dtype int64");
    n.set_s("mode", "wrap");
    require_error([&] { infer(n, {&x, &pads}); }, Errc::unsupported_op, "mode 'wrap' is not supported");
    n.set_s("mode", "edge");
    Tensor empty = Tensor::f32({0, 3}, {});
    require_error([&] { infer(n, {&empty, &pads}); }, Errc::shape_mismatch, "axis 0 of size 0");
  }
}

TEST_CASE("ref Cast between f32, ints and bool", "[ref][layout]") {
  Node n = node_of(OpId::Cast, "cast");
  Tensor f = Tensor::f32({4}, {-1.7f, 2.9f, 300.f, -0.f});
  n.set_i("to", 6);  // int32
  CHECK(run(n, {&f}).values<int32_t>() == I32{-1, 2, 300, 0});
  n.set_i("to", 7);  // int64
  CHECK(run(n, {&f}).values<int64_t>() == V{-1, 2, 300, 0});
  Tensor g = Tensor::f32({3}, {2.9f, 255.5f, 0.2f});
  n.set_i("to", 2);  // uint8
  CHECK(run(n, {&g}).values<uint8_t>() == std::vector<uint8_t>{2, 255, 0});
  Tensor h = Tensor::f32({4}, {0, -0.5f, 2, NAN});
  n.set_i("to", 9);  // bool
  Tensor b = run(n, {&h});
  CHECK(b.dtype == DType::boolean);
  CHECK(b.values<uint8_t>() == std::vector<uint8_t>{0, 1, 1, 1});
  n.set_i("to", 1);  // float
  CHECK(run(n, {&b}).values<float>() == F{0, 1, 1, 1});
  Tensor big = Tensor::i64({2}, {(int64_t{1} << 32) + 5, -3});
  n.set_i("to", 6);
  CHECK(run(n, {&big}).values<int32_t>() == I32{5, -3});
  Tensor s8 = Tensor::i8({2}, {-3, 100});
  n.set_i("to", 7);
  CHECK(run(n, {&s8}).values<int64_t>() == V{-3, 100});
  n.set_i("to", 1);
  CHECK(run(n, {&s8}).values<float>() == F{-3, 100});
  n.set_i("to", 11);  // double
  require_error([&] { infer(n, {&f}); }, Errc::dtype_mismatch, "Cast 'cast': cast to ONNX type 11 is not supported");
  n.erase_attr("to");
  require_error([&] { infer(n, {&f}); }, Errc::invalid_model, "attr 'to' is required");
}
