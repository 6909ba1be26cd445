// Reference MaxPool, AveragePool and the global pools against hand-computed results.
#include "ref_op_runner.h"

using namespace qc;
using namespace qc::test;

namespace {

//  1  2  3  4
//  5  6  7  8
//  9 10 11 12
// 13 14 15 16
const HostTensor kX4x4{{1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};

Node pool(OpId op, std::vector<int64_t> kernel) {
  Node n = make_node(op, "pool");
  n.set_ints("kernel_shape", std::move(kernel));
  return n;
}

}  // namespace

TEST_CASE("ref MaxPool: strides, ceil_mode, dilation", "[ref][pool]") {
  SECTION("2x2 stride 2") {
    Node n = pool(OpId::MaxPool, {2, 2});
    n.set_ints("strides", {2, 2});
    OpResult r = run_op(n, {&kX4x4});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 2, 2});
    require_near(r.data, {6, 8, 14, 16});
  }
  SECTION("3x3 stride 2: floor gives one window, ceil_mode four") {
    Node n = pool(OpId::MaxPool, {3, 3});
    n.set_ints("strides", {2, 2});
    OpResult floor_mode = run_op(n, {&kX4x4});
    CHECK(floor_mode.dims == std::vector<int64_t>{1, 1, 1, 1});
    require_near(floor_mode.data, {11});
    n.set_i("ceil_mode", 1);
    OpResult ceil_mode = run_op(n, {&kX4x4});
    CHECK(ceil_mode.dims == std::vector<int64_t>{1, 1, 2, 2});
    require_near(ceil_mode.data, {11, 12, 15, 16});
  }
  SECTION("ceil_mode drops a last window that would start in the end padding") {
    Node n = pool(OpId::MaxPool, {2});
    n.set_ints("strides", {2});
    n.set_ints("pads", {1, 1});
    n.set_i("ceil_mode", 1);
    HostTensor x{{1, 1, 5}, {1, 2, 3, 4, 5}};
    OpResult r = run_op(n, {&x});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 3});  // ceil((5 + 2 - 2) / 2) + 1 = 4, minus the dropped one
    require_near(r.data, {1, 3, 5});
  }
  SECTION("dilation 2") {
    Node n = pool(OpId::MaxPool, {2, 2});
    n.set_ints("dilations", {2, 2});
    OpResult r = run_op(n, {&kX4x4});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 2, 2});
    require_near(r.data, {11, 12, 15, 16});
  }
}

TEST_CASE("ref pools: padding", "[ref][pool]") {
  SECTION("MaxPool ignores padded positions (not zeros)") {
    Node n = pool(OpId::MaxPool, {2, 2});
    n.set_ints("pads", {1, 1, 1, 1});
    HostTensor x{{1, 1, 2, 2}, {-1, -2, -3, -4}};
    OpResult r = run_op(n, {&x});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 3, 3});
    require_near(r.data, {-1, -1, -2, -1, -1, -2, -3, -3, -4});
  }
  HostTensor x{{1, 1, 2, 2}, {1, 2, 3, 4}};
  SECTION("AveragePool divides by the inside count by default") {
    Node n = pool(OpId::AveragePool, {2, 2});
    n.set_ints("pads", {1, 1, 1, 1});
    require_near(run_op(n, {&x}).data, {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4});
  }
  SECTION("AveragePool count_include_pad divides by the whole window") {
    Node n = pool(OpId::AveragePool, {2, 2});
    n.set_ints("pads", {1, 1, 1, 1});
    n.set_i("count_include_pad", 1);
    require_near(run_op(n, {&x}).data, {0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1});
  }
  SECTION("AveragePool ceil_mode: windows cut by the input edge average what they cover") {
    Node n = pool(OpId::AveragePool, {3, 3});
    n.set_ints("strides", {2, 2});
    n.set_i("ceil_mode", 1);
    require_near(run_op(n, {&kX4x4}).data, {54.f / 9, 45.f / 6, 72.f / 6, 54.f / 4});
  }
}

TEST_CASE("ref pools: SAME_UPPER vs SAME_LOWER", "[ref][pool]") {
  HostTensor x{{1, 1, 4}, {1, 2, 3, 4}};
  Node max_pool = pool(OpId::MaxPool, {2});
  Node avg_pool = pool(OpId::AveragePool, {2});
  max_pool.set_s("auto_pad", "SAME_UPPER");
  avg_pool.set_s("auto_pad", "SAME_UPPER");
  OpResult upper = run_op(max_pool, {&x});
  CHECK(upper.dims == std::vector<int64_t>{1, 1, 4});
  require_near(upper.data, {2, 3, 4, 4});
  require_near(run_op(avg_pool, {&x}).data, {1.5f, 2.5f, 3.5f, 4});
  avg_pool.set_i("count_include_pad", 1);
  require_near(run_op(avg_pool, {&x}).data, {1.5f, 2.5f, 3.5f, 2});
  avg_pool.set_i("count_include_pad", 0);

  max_pool.set_s("auto_pad", "SAME_LOWER");
  avg_pool.set_s("auto_pad", "SAME_LOWER");
  require_near(run_op(max_pool, {&x}).data, {1, 2, 3, 4});
  require_near(run_op(avg_pool, {&x}).data, {1, 1.5f, 2.5f, 3.5f});

  max_pool.set_s("auto_pad", "VALID");
  OpResult valid = run_op(max_pool, {&x});
  CHECK(valid.dims == std::vector<int64_t>{1, 1, 3});
  require_near(valid.data, {2, 3, 4});
}

TEST_CASE("ref pools: 1-D, 3-D and several channels", "[ref][pool]") {
  HostTensor x1{{1, 1, 5}, {3, 1, 4, 1, 5}};
  require_near(run_op(pool(OpId::MaxPool, {3}), {&x1}).data, {4, 4, 5});
  require_near(run_op(pool(OpId::AveragePool, {3}), {&x1}).data, {8.f / 3, 2, 10.f / 3});

  HostTensor x3{{1, 1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}};
  OpResult m3 = run_op(pool(OpId::MaxPool, {2, 2, 2}), {&x3});
  CHECK(m3.dims == std::vector<int64_t>{1, 1, 1, 1, 1});
  require_near(m3.data, {8});
  require_near(run_op(pool(OpId::AveragePool, {2, 2, 2}), {&x3}).data, {4.5f});

  HostTensor xc{{1, 2, 2, 2}, {1, 2, 3, 4, -1, -2, -3, -4}};
  require_near(run_op(pool(OpId::MaxPool, {2, 2}), {&xc}).data, {4, -1});
  require_near(run_op(pool(OpId::AveragePool, {2, 2}), {&xc}).data, {2.5f, -2.5f});
}

TEST_CASE("ref MaxPool: Indices output", "[ref][pool]") {
  Node n = pool(OpId::MaxPool, {2, 2});
  n.set_ints("strides", {2, 2});
  OpResult row_major = run_op(n, {&kX4x4}, 2);
  CHECK(row_major.indices_dims == std::vector<int64_t>{1, 1, 2, 2});
  require_near(row_major.data, {6, 8, 14, 16});
  CHECK(row_major.indices == std::vector<int64_t>{5, 7, 13, 15});

  n.set_i("storage_order", 1);  // column-major: h + w * H
  CHECK(run_op(n, {&kX4x4}, 2).indices == std::vector<int64_t>{5, 13, 7, 15});

  HostTensor two_planes{{2, 1, 1, 2}, {1, 0, 0, 1}};
  Node n2 = pool(OpId::MaxPool, {1, 2});
  CHECK(run_op(n2, {&two_planes}, 2).indices == std::vector<int64_t>{0, 3});
}

TEST_CASE("ref global pools", "[ref][pool]") {
  Node gap = make_node(OpId::GlobalAveragePool, "gap");
  Node gmp = make_node(OpId::GlobalMaxPool, "gmp");
  HostTensor x{{1, 2, 2, 2}, {1, 2, 3, 4, -1, 5, 0, 2}};
  OpResult avg = run_op(gap, {&x});
  CHECK(avg.dims == std::vector<int64_t>{1, 2, 1, 1});
  require_near(avg.data, {2.5f, 1.5f});
  require_near(run_op(gmp, {&x}).data, {4, 5});

  HostTensor x1{{1, 1, 3}, {1, 2, 6}};
  OpResult avg1 = run_op(gap, {&x1});
  CHECK(avg1.dims == std::vector<int64_t>{1, 1, 1});
  require_near(avg1.data, {3});
  require_near(run_op(gmp, {&x1}).data, {6});

  HostTensor x3{{1, 1, 2, 1, 2}, {1, 2, 3, -4}};
  require_near(run_op(gap, {&x3}).data, {0.5f});
  require_near(run_op(gmp, {&x3}).data, {3});

  HostTensor all_negative{{1, 1, 2}, {-3, -2}};
  require_near(run_op(gmp, {&all_negative}).data, {-2});

  HostTensor flat{{1, 2}, {1, 2}};
  require_error([&] { output_dims(gap, {&flat}); }, Errc::shape_mismatch, "GlobalAveragePool 'gap': X must have rank >= 3");
  HostTensor xi{{1, 1, 2}, {}, DType::i64};
  require_error([&] { output_dims(gmp, {&xi}); }, Errc::dtype_mismatch, "GlobalMaxPool 'gmp'");
  HostTensor unknown{{-1, 8, -1, -1}, {}};
  CHECK(output_dims(gap, {&unknown}) == std::vector<int64_t>{-1, 8, 1, 1});
}

TEST_CASE("ref pools: shape errors name the node", "[ref][pool]") {
  Node n = make_node(OpId::MaxPool, "mp3");
  require_error([&] { output_dims(n, {&kX4x4}); }, Errc::shape_mismatch, "MaxPool 'mp3': missing attribute kernel_shape");
  n.set_ints("kernel_shape", {2});
  require_error([&] { output_dims(n, {&kX4x4}); }, Errc::shape_mismatch, "kernel has 1 dims");
  n.set_ints("kernel_shape", {5, 5});
  require_error([&] { output_dims(n, {&kX4x4}); }, Errc::shape_mismatch, "kernel extent 5 exceeds padded input 4");
  n.set_ints("kernel_shape", {2, 2});
  n.set_ints("pads", {2, 0, 0, 0});
  require_error([&] { output_dims(n, {&kX4x4}); }, Errc::shape_mismatch, "pads must be smaller than the kernel");
  n.erase_attr("pads");
  n.set_ints("strides", {0, 1});
  require_error([&] { output_dims(n, {&kX4x4}); }, Errc::shape_mismatch, "stride (spatial axis 0) 0");
  n.erase_attr("strides");
  n.set_s("auto_pad", "bogus");
  require_error([&] { output_dims(n, {&kX4x4}); }, Errc::shape_mismatch, "unknown auto_pad");
  n.erase_attr("auto_pad");
  n.set_i("storage_order", 2);
  require_error([&] { output_dims(n, {&kX4x4}); }, Errc::shape_mismatch, "storage_order 2");
  n.erase_attr("storage_order");
  require_error([&] { output_shapes(n, {&kX4x4}, 3); }, Errc::shape_mismatch, "MaxPool 'mp3': 3 outputs");

  Node avg = pool(OpId::AveragePool, {2, 2});
  require_error([&] { output_shapes(avg, {&kX4x4}, 2); }, Errc::shape_mismatch, "AveragePool 'pool': 2 outputs");
  HostTensor xi{{1, 1, 4, 4}, {}, DType::u8};
  require_error([&] { output_dims(avg, {&xi}); }, Errc::dtype_mismatch, "input X is uint8");
  HostTensor flat{{4, 4}, {}};
  require_error([&] { output_dims(avg, {&flat}); }, Errc::shape_mismatch, "rank >= 3");
}

TEST_CASE("ref pools: unknown dims propagate", "[ref][pool]") {
  Node n = pool(OpId::MaxPool, {2, 2});
  n.set_ints("strides", {2, 2});
  HostTensor x{{-1, 3, -1, 8}, {}};
  CHECK(output_dims(n, {&x}) == std::vector<int64_t>{-1, 3, -1, 4});
}
