// Reference Gemm and MatMul against hand-computed results.
#include "ref_op_runner.h"

using namespace qc;
using namespace qc::test;

TEST_CASE("ref Gemm: plain product without C", "[ref][gemm]") {
  Node n = make_node(OpId::Gemm, "fc");
  HostTensor a{{2, 2}, {1, 2, 3, 4}}, b{{2, 2}, {5, 6, 7, 8}};
  OpResult r = run_op(n, {&a, &b});
  CHECK(r.dims == std::vector<int64_t>{2, 2});
  require_near(r.data, {19, 22, 43, 50});
}

TEST_CASE("ref Gemm: transA and transB", "[ref][gemm]") {
  SECTION("transA: A stored [K, M]") {
    Node n = make_node(OpId::Gemm, "fc");
    n.set_i("transA", 1);
    HostTensor a{{2, 3}, {1, 2, 3, 4, 5, 6}}, b{{2, 3}, {1, 0, 2, 0, 1, -1}};
    OpResult r = run_op(n, {&a, &b});
    CHECK(r.dims == std::vector<int64_t>{3, 3});
    require_near(r.data, {1, 4, -2, 2, 5, -1, 3, 6, 0});
  }
  SECTION("transB: B stored [N, K]") {
    Node n = make_node(OpId::Gemm, "fc");
    n.set_i("transB", 1);
    HostTensor a{{1, 2}, {1, 2}}, b{{3, 2}, {1, 1, 2, -1, 0, 3}};
    OpResult r = run_op(n, {&a, &b});
    CHECK(r.dims == std::vector<int64_t>{1, 3});
    require_near(r.data, {3, 0, 6});
  }
  SECTION("both, with alpha, beta and a full C") {
    Node n = make_node(OpId::Gemm, "fc");
    n.set_i("transA", 1);
    n.set_i("transB", 1);
    n.set_f("alpha", 2.f);
    n.set_f("beta", 0.5f);
    HostTensor a{{2, 1}, {1, 2}}, b{{2, 2}, {3, 4, 5, 6}}, c{{1, 2}, {10, 20}};
    OpResult r = run_op(n, {&a, &b, &c});
    CHECK(r.dims == std::vector<int64_t>{1, 2});
    require_near(r.data, {27, 44});  // 2 * [11, 17] + 0.5 * [10, 20]
  }
}

TEST_CASE("ref Gemm: C broadcasts from scalar, row, column and full", "[ref][gemm]") {
  Node n = make_node(OpId::Gemm, "fc");
  HostTensor a{{2, 2}, {1, 0, 0, 1}}, b{{2, 3}, {1, 2, 3, 4, 5, 6}};  // A * B = B
  auto with_c = [&](HostTensor c) { return run_op(n, {&a, &b, &c}).data; };
  require_near(with_c({{}, {10}}), {11, 12, 13, 14, 15, 16});
  require_near(with_c({{1}, {7}}), {8, 9, 10, 11, 12, 13});
  require_near(with_c({{3}, {10, 20, 30}}), {11, 22, 33, 14, 25, 36});
  require_near(with_c({{1, 3}, {10, 20, 30}}), {11, 22, 33, 14, 25, 36});
  require_near(with_c({{2, 1}, {100, 200}}), {101, 102, 103, 204, 205, 206});
  require_near(with_c({{1, 1}, {-1}}), {0, 1, 2, 3, 4, 5});
  require_near(with_c({{2, 3}, {1, 1, 1, 2, 2, 2}}), {2, 3, 4, 6, 7, 8});
}

TEST_CASE("ref Gemm: omitted C given as a null input", "[ref][gemm]") {
  Node n = make_node(OpId::Gemm, "fc");
  n.set_f("beta", 3.f);
  HostTensor a{{1, 1}, {2}}, b{{1, 1}, {4}};
  require_near(run_op(n, {&a, &b, nullptr}).data, {8});
}

TEST_CASE("ref Gemm: fused activations", "[ref][gemm]") {
  HostTensor a{{1, 2}, {1, 2}}, b{{2, 2}, {1, -1, -1, 2}};  // A * B = [-1, 3]
  Node n = make_node(OpId::Gemm, "fc");
  require_near(run_op(n, {&a, &b}).data, {-1, 3});
  n.set_i("act", 1);
  require_near(run_op(n, {&a, &b}).data, {0, 3});
  n.set_i("act", 2);
  n.set_f("act_min", 0.f);
  n.set_f("act_max", 2.f);
  require_near(run_op(n, {&a, &b}).data, {0, 2});
  n.set_i("act", 3);
  n.set_f("act_alpha", 0.1f);
  require_near(run_op(n, {&a, &b}).data, {-0.1f, 3});
}

TEST_CASE("ref Gemm: shape errors name the node", "[ref][gemm]") {
  Node n = make_node(OpId::Gemm, "fc1");
  HostTensor a23{{2, 3}, std::vector<float>(6)}, b22{{2, 2}, std::vector<float>(4)}, b32{{3, 2}, std::vector<float>(6)};
  require_error([&] { output_dims(n, {&a23, &b22}); }, Errc::shape_mismatch, "Gemm 'fc1': inner dims");
  HostTensor c33{{3, 3}, std::vector<float>(9)};
  require_error([&] { output_dims(n, {&a23, &b32, &c33}); }, Errc::shape_mismatch, "does not broadcast");
  HostTensor c3{{3}, std::vector<float>(3)};
  require_error([&] { output_dims(n, {&a23, &b32, &c3}); }, Errc::shape_mismatch, "Gemm 'fc1'");
  HostTensor a3d{{1, 2, 3}, std::vector<float>(6)};
  require_error([&] { output_dims(n, {&a3d, &b32}); }, Errc::shape_mismatch, "must be 2-D");
  HostTensor a_i64{{2, 3}, std::vector<float>(6), DType::i64};
  require_error([&] { output_dims(n, {&a_i64, &b32}); }, Errc::dtype_mismatch, "Gemm 'fc1': input A is int64");
  HostTensor c_i32{{2}, std::vector<float>(2), DType::i32};
  require_error([&] { output_dims(n, {&a23, &b32, &c_i32}); }, Errc::dtype_mismatch, "input C");
}

TEST_CASE("ref Gemm: unknown batch dim propagates", "[ref][gemm]") {
  Node n = make_node(OpId::Gemm, "fc");
  HostTensor a{{-1, 4}, {}}, b{{4, 5}, {}}, c{{5}, {}};
  CHECK(output_dims(n, {&a, &b, &c}) == std::vector<int64_t>{-1, 5});
}

TEST_CASE("ref MatMul: 2-D and 1-D operands", "[ref][matmul]") {
  Node n = make_node(OpId::MatMul, "mm");
  SECTION("2-D x 2-D") {
    HostTensor a{{2, 2}, {1, 2, 3, 4}}, b{{2, 2}, {5, 6, 7, 8}};
    OpResult r = run_op(n, {&a, &b});
    CHECK(r.dims == std::vector<int64_t>{2, 2});
    require_near(r.data, {19, 22, 43, 50});
  }
  SECTION("1-D x 1-D is a scalar") {
    HostTensor a{{3}, {1, 2, 3}}, b{{3}, {4, 5, 6}};
    OpResult r = run_op(n, {&a, &b});
    CHECK(r.dims.empty());
    require_near(r.data, {32});
  }
  SECTION("1-D x 2-D drops the row dim") {
    HostTensor a{{2}, {1, 2}}, b{{2, 3}, {1, 2, 3, 4, 5, 6}};
    OpResult r = run_op(n, {&a, &b});
    CHECK(r.dims == std::vector<int64_t>{3});
    require_near(r.data, {9, 12, 15});
  }
  SECTION("2-D x 1-D drops the column dim") {
    HostTensor a{{2, 3}, {1, 2, 3, 4, 5, 6}}, b{{3}, {1, 0, -1}};
    OpResult r = run_op(n, {&a, &b});
    CHECK(r.dims == std::vector<int64_t>{2});
    require_near(r.data, {-2, -2});
  }
  SECTION("3-D x 1-D") {
    HostTensor a{{2, 1, 2}, {1, 2, 3, 4}}, b{{2}, {1, 1}};
    OpResult r = run_op(n, {&a, &b});
    CHECK(r.dims == std::vector<int64_t>{2, 1});
    require_near(r.data, {3, 7});
  }
}

TEST_CASE("ref MatMul: batch dims broadcast", "[ref][matmul]") {
  Node n = make_node(OpId::MatMul, "mm");
  // A: two row vectors [1,2], [3,4]; B: three column vectors [1,1], [1,-1], [0,2].
  HostTensor a{{2, 1, 1, 2}, {1, 2, 3, 4}}, b{{3, 2, 1}, {1, 1, 1, -1, 0, 2}};
  OpResult r = run_op(n, {&a, &b});
  CHECK(r.dims == std::vector<int64_t>{2, 3, 1, 1});
  require_near(r.data, {3, -1, 4, 7, -1, 8});

  HostTensor shared_b{{2, 2}, {0, 1, 1, 0}};  // swaps columns of every batch of A
  HostTensor a3{{2, 1, 2}, {1, 2, 3, 4}};
  OpResult swapped = run_op(n, {&a3, &shared_b});
  CHECK(swapped.dims == std::vector<int64_t>{2, 1, 2});
  require_near(swapped.data, {2, 1, 4, 3});
}

TEST_CASE("ref MatMul: errors and unknown dims", "[ref][matmul]") {
  Node n = make_node(OpId::MatMul, "mm2");
  HostTensor a{{2, 3}, std::vector<float>(6)}, b{{2, 3}, std::vector<float>(6)};
  require_error([&] { output_dims(n, {&a, &b}); }, Errc::shape_mismatch, "MatMul 'mm2': inner dims");
  HostTensor ab{{2, 1, 2}, std::vector<float>(4)}, bb{{3, 2, 1}, std::vector<float>(6)};
  require_error([&] { output_dims(n, {&ab, &bb}); }, Errc::shape_mismatch, "do not broadcast");
  HostTensor scalar{{}, {1}};
  require_error([&] { output_dims(n, {&scalar, &b}); }, Errc::shape_mismatch, "rank >= 1");
  HostTensor a_u8{{2, 2}, std::vector<float>(1), DType::u8};
  require_error([&] { output_dims(n, {&a_u8, &a_u8}); }, Errc::dtype_mismatch, "MatMul 'mm2'");

  HostTensor au{{-1, 3, 4}, {}}, bu{{4, 5}, {}};
  CHECK(output_dims(n, {&au, &bu}) == std::vector<int64_t>{-1, 3, 5});
  HostTensor au2{{-1, 1, 4}, {}}, bu2{{7, 4, 2}, {}};
  CHECK(output_dims(n, {&au2, &bu2}) == std::vector<int64_t>{7, 1, 2});
}
