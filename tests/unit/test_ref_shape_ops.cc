// Reference Flatten, Reshape, Squeeze, Unsqueeze, Identity and Shape.
#include "typed_op_runner.h"

using namespace qc;
using namespace qc::test;
using V = std::vector<int64_t>;
using F = std::vector<float>;

TEST_CASE("ref Flatten: positive, negative and edge axes", "[ref][shape_ops]") {
  Tensor x = Tensor::f32({2, 3, 4}, iota_f32(24));
  Node n = node_of(OpId::Flatten, "fl");
  Tensor y = run(n, {&x});
  CHECK(y.dims == V{2, 12});
  CHECK(y.values<float>() == iota_f32(24));
  n.set_i("axis", 0);
  CHECK(infer(n, {&x}).dims == V{1, 24});
  n.set_i("axis", 3);
  CHECK(infer(n, {&x}).dims == V{24, 1});
  n.set_i("axis", -1);
  CHECK(infer(n, {&x}).dims == V{6, 4});
  n.set_i("axis", 4);
  require_error([&] { infer(n, {&x}); }, Errc::shape_mismatch, "Flatten 'fl': axis 4 is out of range for rank 3");
  Tensor dyn = Tensor::unknown(DType::f32, {-1, 3, 4});
  n.set_i("axis", 1);
  CHECK(infer(n, {&dyn}).dims == V{-1, 12});
}

TEST_CASE("ref Reshape: 0 copies a dim, -1 is inferred, allowzero", "[ref][shape_ops]") {
  Tensor x = Tensor::f32({2, 3, 4}, iota_f32(24));
  Node n = node_of(OpId::Reshape, "rs");
  Tensor s1 = Tensor::i64({3}, {4, 0, -1});
  Tensor y = run(n, {&x, &s1});
  CHECK(y.dims == V{4, 3, 2});
  CHECK(y.values<float>() == iota_f32(24));
  Tensor s2 = Tensor::i64({2}, {0, -1});
  CHECK(infer(n, {&x, &s2}).dims == V{2, 12});
  Tensor s3 = Tensor::i32({1}, {-1});
  CHECK(infer(n, {&x, &s3}).dims == V{24});

  Tensor empty = Tensor::f32({0, 3, 4}, {});
  Tensor s4 = Tensor::i64({3}, {3, 4, 0});
  // without allowzero the 0 copies dim 2 (= 4): 48 elements, not 0
  require_error([&] { infer(n, {&empty, &s4}); }, Errc::shape_mismatch, "cannot reshape dims [0,3,4] to [3,4,4]");
}

TEST_CASE("ref Reshape: allowzero keeps a literal 0", "[ref][shape_ops]") {
  Node n = node_of(OpId::Reshape, "rs");
  n.set_i("allowzero", 1);
  Tensor empty = Tensor::f32({0, 3, 4}, {});
  Tensor s = Tensor::i64({3}, {3, 4, 0});
  CHECK(infer(n, {&empty, &s}).dims == V{3, 4, 0});
  Tensor both = Tensor::i64({2}, {0, -1});
  require_error([&] { infer(n, {&empty, &both}); }, Errc::shape_mismatch, "both 0 and -1 while allowzero=1");
}

TEST_CASE("shape Reshape: errors", "[ref][shape_ops]") {
  Tensor x = Tensor::f32({2, 3, 4}, iota_f32(24));
  Node n = node_of(OpId::Reshape, "rs");
  Tensor two = Tensor::i64({2}, {-1, -1});
  require_error([&] { infer(n, {&x, &two}); }, Errc::shape_mismatch, "Reshape 'rs': shape has more than one -1");
  Tensor bad = Tensor::i64({2}, {5, 5});
  require_error([&] { infer(n, {&x, &bad}); }, Errc::shape_mismatch, "cannot reshape dims [2,3,4] to [5,5]");
  Tensor indivisible = Tensor::i64({2}, {5, -1});
  require_error([&] { infer(n, {&x, &indivisible}); }, Errc::shape_mismatch, "with a -1");
  Tensor copy = Tensor::i64({4}, {0, 0, 0, 0});
  require_error([&] { infer(n, {&x, &copy}); }, Errc::shape_mismatch, "has no such dim");
  Tensor neg = Tensor::i64({2}, {-2, 12});
  require_error([&] { infer(n, {&x, &neg}); }, Errc::shape_mismatch, "negative dim -2");
  Tensor runtime = Tensor::unknown(DType::i64, {2});
  require_error([&] { infer(n, {&x, &runtime}); }, Errc::shape_mismatch,
                "Reshape 'rs': shape (input 1) must be known before run time");
  Tensor f = Tensor::f32({1}, {24});
  require_error([&] { infer(n, {&x, &f}); }, Errc::dtype_mismatch, "must be int64 or int32");
  Tensor dyn = Tensor::unknown(DType::f32, {-1, 3, 4});
  Tensor s = Tensor::i64({2}, {0, -1});
  CHECK(infer(n, {&dyn, &s}).dims == V{-1, -1});
  Tensor s2 = Tensor::i64({2}, {-1, 12});
  CHECK(infer(n, {&dyn, &s2}).dims == V{-1, 12});
}

TEST_CASE("ref Squeeze and Unsqueeze", "[ref][shape_ops]") {
  Tensor x = Tensor::f32({1, 3, 1, 2}, iota_f32(6));
  Node sq = node_of(OpId::Squeeze, "sq");
  Tensor y = run(sq, {&x});
  CHECK(y.dims == V{3, 2});
  CHECK(y.values<float>() == iota_f32(6));
  Tensor axes = Tensor::i64({1}, {-2});
  CHECK(infer(sq, {&x, &axes}).dims == V{1, 3, 2});
  Tensor bad = Tensor::i64({1}, {1});
  require_error([&] { infer(sq, {&x, &bad}); }, Errc::shape_mismatch, "Squeeze 'sq': cannot squeeze axis 1");
  Node sq11 = node_of(OpId::Squeeze);
  sq11.set_ints("axes", {0});
  CHECK(infer(sq11, {&x}).dims == V{3, 1, 2});

  Tensor z = Tensor::f32({3, 2}, iota_f32(6));
  Node un = node_of(OpId::Unsqueeze, "un");
  Tensor ax = Tensor::i64({2}, {3, 0});
  y = run(un, {&z, &ax});
  CHECK(y.dims == V{1, 3, 2, 1});
  CHECK(y.values<float>() == iota_f32(6));
  Tensor last = Tensor::i64({1}, {-1});
  CHECK(infer(un, {&z, &last}).dims == V{3, 2, 1});
  Node un11 = node_of(OpId::Unsqueeze);
  un11.set_ints("axes", {1});
  CHECK(infer(un11, {&z}).dims == V{3, 1, 2});
  Tensor dup = Tensor::i64({2}, {0, -4});
  require_error([&] { infer(un, {&z, &dup}); }, Errc::shape_mismatch, "Unsqueeze 'un': axes [0,0] repeat an axis");
  Tensor far = Tensor::i64({1}, {3});
  require_error([&] { infer(un, {&z, &far}); }, Errc::shape_mismatch, "axes 3 is out of range for rank 3");
}

TEST_CASE("ref Identity copies any dtype", "[ref][shape_ops]") {
  Tensor b = Tensor::boolean({3}, {1, 0, 1});
  Tensor y = run(node_of(OpId::Identity), {&b});
  CHECK(y.dtype == DType::boolean);
  CHECK(y.values<uint8_t>() == std::vector<uint8_t>{1, 0, 1});
}

TEST_CASE("ref Shape with start and end", "[ref][shape_ops]") {
  Tensor x = Tensor::unknown(DType::f32, {2, 3, 4});
  x.bytes.resize(24 * 4);
  Node n = node_of(OpId::Shape);
  Tensor y = run(n, {&x});
  CHECK(y.dtype == DType::i64);
  CHECK(y.values<int64_t>() == V{2, 3, 4});
  n.set_i("start", 1);
  CHECK(run(n, {&x}).values<int64_t>() == V{3, 4});
  n.set_i("end", -1);
  CHECK(run(n, {&x}).values<int64_t>() == V{3});
  n.set_i("start", -10);
  n.set_i("end", 10);
  CHECK(run(n, {&x}).values<int64_t>() == V{2, 3, 4});
  n.set_i("start", 2);
  n.set_i("end", 1);
  Tensor e = run(n, {&x});
  CHECK(e.dims == V{0});
  Tensor dyn = Tensor::unknown(DType::f32, {-1, 3});
  Node sh = node_of(OpId::Shape, "sh");
  CHECK(infer(sh, {&dyn}).dims == V{2});
  require_error([&] { run(sh, {&dyn}); }, Errc::shape_mismatch, "Shape 'sh': dim 0 of the input is not known");
  sh.set_i("start", 1);
  CHECK(run(sh, {&dyn}).values<int64_t>() == V{3});
}
