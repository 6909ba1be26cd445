// Reference BatchNormalization (inference) against hand-computed results.
#include "typed_op_runner.h"

using namespace qc;
using namespace qc::test;
using V = std::vector<int64_t>;
using F = std::vector<float>;

TEST_CASE("ref BatchNormalization on rank 4 and rank 2", "[ref][batch_norm]") {
  Node n = node_of(OpId::BatchNormalization);
  n.set_f("epsilon", 0.f);
  Tensor scale = Tensor::f32({2}, {1, 2}), bias = Tensor::f32({2}, {0, 1});
  Tensor mean = Tensor::f32({2}, {1, 3}), var = Tensor::f32({2}, {4, 0.25f});
  // channel 0: (x - 1) / 2; channel 1: 2 * (x - 3) / 0.5 + 1
  Tensor x4 = Tensor::f32({1, 2, 1, 2}, {1, 2, 3, 4});
  Tensor y = run(n, {&x4, &scale, &bias, &mean, &var});
  CHECK(y.dims == V{1, 2, 1, 2});
  CHECK(y.values<float>() == F{0, 0.5f, 1, 5});
  Tensor x2 = Tensor::f32({2, 2}, {1, 3, 3, 5});
  CHECK(run(n, {&x2, &scale, &bias, &mean, &var}).values<float>() == F{0, 1, 1, 9});
}

TEST_CASE("ref BatchNormalization: default epsilon is 1e-5", "[ref][batch_norm]") {
  Tensor one = Tensor::f32({1}, {1}), zero = Tensor::f32({1}, {0});
  Tensor var = Tensor::f32({1}, {0});
  Tensor x = Tensor::f32({1, 1}, {1});
  // 1 / sqrt(1e-5) = 316.227766
  CHECK(run(node_of(OpId::BatchNormalization), {&x, &one, &zero, &zero, &var}).values<float>()[0] ==
        Approx(316.227766f).epsilon(1e-5));
}

TEST_CASE("shape BatchNormalization: bad parameter dims, rank, training mode", "[ref][batch_norm]") {
  Node n = node_of(OpId::BatchNormalization, "bn");
  Tensor x = Tensor::f32({1, 2, 2}, F(4));
  Tensor p2 = Tensor::f32({2}, F(2)), p3 = Tensor::f32({3}, F(3));
  require_error([&] { infer(n, {&x, &p2, &p3, &p2, &p2}); }, Errc::shape_mismatch,
                "BatchNormalization 'bn': B must have dims [C] with C = 2");
  Tensor x1 = Tensor::f32({2}, F(2));
  require_error([&] { infer(n, {&x1, &p2, &p2, &p2, &p2}); }, Errc::shape_mismatch, "rank >= 2");
  n.set_i("training_mode", 1);
  require_error([&] { infer(n, {&x, &p2, &p2, &p2, &p2}); }, Errc::unsupported_op, "training_mode");
}
