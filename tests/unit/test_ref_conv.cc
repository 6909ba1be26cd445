// Reference Conv against hand-computed results.
#include "ref_op_runner.h"

using namespace qc;
using namespace qc::test;

namespace {

// 1 2 3
// 4 5 6
// 7 8 9
const HostTensor kX3x3{{1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};

HostTensor ones(std::vector<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return {dims, std::vector<float>(static_cast<size_t>(n), 1.f)};
}

}  // namespace

TEST_CASE("ref Conv: 2-D basics", "[ref][conv]") {
  SECTION("2x2 box filter, no padding") {
    Node n = make_node(OpId::Conv, "c");
    HostTensor w = ones({1, 1, 2, 2});
    OpResult r = run_op(n, {&kX3x3, &w});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 2, 2});
    require_near(r.data, {12, 16, 24, 28});
  }
  SECTION("3x3 box, pads 1, stride 2, bias") {
    Node n = make_node(OpId::Conv, "c");
    n.set_ints("pads", {1, 1, 1, 1});
    n.set_ints("strides", {2, 2});
    n.set_ints("kernel_shape", {3, 3});
    HostTensor w = ones({1, 1, 3, 3}), b{{1}, {1}};
    OpResult r = run_op(n, {&kX3x3, &w, &b});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 2, 2});
    require_near(r.data, {13, 17, 25, 29});
  }
  SECTION("dilation 2 reads the corners") {
    Node n = make_node(OpId::Conv, "c");
    n.set_ints("dilations", {2, 2});
    HostTensor w = ones({1, 1, 2, 2});
    OpResult r = run_op(n, {&kX3x3, &w});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 1, 1});
    require_near(r.data, {1 + 3 + 7 + 9});
  }
  SECTION("asymmetric pads with stride") {
    Node n = make_node(OpId::Conv, "c");
    n.set_ints("pads", {1, 0, 0, 1});  // top 1, left 0, bottom 0, right 1
    n.set_ints("strides", {2, 2});
    HostTensor w = ones({1, 1, 1, 1});
    OpResult r = run_op(n, {&kX3x3, &w});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 2, 2});
    require_near(r.data, {0, 0, 4, 6});  // rows -1 and 1, columns 0 and 2
  }
  SECTION("batch of two") {
    Node n = make_node(OpId::Conv, "c");
    HostTensor x{{2, 1, 1, 2}, {1, 2, 3, 4}}, w{{1, 1, 1, 1}, {2}};
    require_near(run_op(n, {&x, &w}).data, {2, 4, 6, 8});
  }
}

TEST_CASE("ref Conv: SAME_UPPER vs SAME_LOWER", "[ref][conv]") {
  HostTensor x{{1, 1, 4}, {1, 2, 3, 4}};
  SECTION("stride 1, kernel 2: the odd pad goes to the end (UPPER) or the start (LOWER)") {
    HostTensor w{{1, 1, 2}, {1, 10}};
    Node n = make_node(OpId::Conv, "c");
    n.set_s("auto_pad", "SAME_UPPER");
    OpResult upper = run_op(n, {&x, &w});
    CHECK(upper.dims == std::vector<int64_t>{1, 1, 4});
    require_near(upper.data, {21, 32, 43, 4});
    n.set_s("auto_pad", "SAME_LOWER");
    require_near(run_op(n, {&x, &w}).data, {10, 21, 32, 43});
  }
  SECTION("stride 2, kernel 3") {
    HostTensor w = ones({1, 1, 3});
    Node n = make_node(OpId::Conv, "c");
    n.set_ints("strides", {2});
    n.set_s("auto_pad", "SAME_UPPER");
    OpResult upper = run_op(n, {&x, &w});
    CHECK(upper.dims == std::vector<int64_t>{1, 1, 2});
    require_near(upper.data, {1 + 2 + 3, 3 + 4});
    n.set_s("auto_pad", "SAME_LOWER");
    require_near(run_op(n, {&x, &w}).data, {1 + 2, 2 + 3 + 4});
  }
  SECTION("VALID ignores pads") {
    HostTensor w = ones({1, 1, 3});
    Node n = make_node(OpId::Conv, "c");
    n.set_s("auto_pad", "VALID");
    OpResult r = run_op(n, {&x, &w});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 2});
    require_near(r.data, {6, 9});
  }
}

TEST_CASE("ref Conv: groups and depthwise", "[ref][conv]") {
  HostTensor x{{1, 2, 1, 2}, {1, 2, 3, 4}};  // channel 0: 1 2, channel 1: 3 4
  SECTION("group 1 mixes channels") {
    Node n = make_node(OpId::Conv, "c");
    HostTensor w{{2, 2, 1, 1}, {1, 1, 1, -1}};
    require_near(run_op(n, {&x, &w}).data, {4, 6, -2, -2});
  }
  SECTION("depthwise: group = channels") {
    Node n = make_node(OpId::Conv, "dw");
    n.set_i("group", 2);
    HostTensor w{{2, 1, 1, 1}, {2, 10}};
    require_near(run_op(n, {&x, &w}).data, {2, 4, 30, 40});
  }
  SECTION("depthwise with channel multiplier 2") {
    Node n = make_node(OpId::Conv, "dw");
    n.set_i("group", 2);
    HostTensor w{{4, 1, 1, 1}, {1, 2, 3, 4}};
    OpResult r = run_op(n, {&x, &w});
    CHECK(r.dims == std::vector<int64_t>{1, 4, 1, 2});
    require_near(r.data, {1, 2, 2, 4, 9, 12, 12, 16});
  }
  SECTION("two groups of two channels") {
    Node n = make_node(OpId::Conv, "g");
    n.set_i("group", 2);
    HostTensor x4{{1, 4, 1, 1}, {1, 2, 3, 4}}, w{{2, 2, 1, 1}, {1, 1, 1, -1}};
    require_near(run_op(n, {&x4, &w}).data, {1 + 2, 3 - 4});
  }
}

TEST_CASE("ref Conv: 1-D and 3-D", "[ref][conv]") {
  SECTION("1-D with pads and bias") {
    Node n = make_node(OpId::Conv, "c1");
    n.set_ints("pads", {1, 1});
    HostTensor x{{1, 1, 3}, {1, 2, 3}}, w{{1, 1, 3}, {1, 0, -1}}, b{{1}, {0.5f}};
    require_near(run_op(n, {&x, &w, &b}).data, {-2 + 0.5f, 1 - 3 + 0.5f, 2 + 0.5f});
  }
  SECTION("3-D box") {
    Node n = make_node(OpId::Conv, "c3");
    HostTensor x{{1, 1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}};
    HostTensor w = ones({1, 1, 2, 2, 2});
    OpResult r = run_op(n, {&x, &w});
    CHECK(r.dims == std::vector<int64_t>{1, 1, 1, 1, 1});
    require_near(r.data, {36});
    HostTensor depth_diff{{1, 1, 2, 1, 1}, {1, -1}};
    OpResult d = run_op(n, {&x, &depth_diff});
    CHECK(d.dims == std::vector<int64_t>{1, 1, 1, 2, 2});
    require_near(d.data, {-4, -4, -4, -4});
  }
}

TEST_CASE("ref Conv: fused Relu and Clip", "[ref][conv]") {
  HostTensor x{{1, 1, 1, 2}, {1, -2}}, w{{1, 1, 1, 1}, {3}}, b{{1}, {-1}};  // conv + bias = [2, -7]
  Node n = make_node(OpId::Conv, "c");
  require_near(run_op(n, {&x, &w, &b}).data, {2, -7});
  n.set_i("act", 1);
  require_near(run_op(n, {&x, &w, &b}).data, {2, 0});
  n.set_i("act", 2);
  n.set_f("act_min", -1.f);
  n.set_f("act_max", 1.f);
  require_near(run_op(n, {&x, &w, &b}).data, {1, -1});
}

TEST_CASE("ref Conv: shape errors name the node", "[ref][conv]") {
  Node n = make_node(OpId::Conv, "conv7");
  HostTensor x3{{1, 3, 4, 4}, {}};
  HostTensor w{{2, 2, 1, 1}, {}};
  require_error([&] { output_dims(n, {&x3, &w}); }, Errc::shape_mismatch, "Conv 'conv7': W [2,2,1,1] expects 2 channels");
  n.set_i("group", 2);
  HostTensor x4{{1, 4, 4, 4}, {}}, w3{{3, 2, 1, 1}, {}};
  require_error([&] { output_dims(n, {&x4, &w3}); }, Errc::shape_mismatch, "not divisible by group");
  require_error([&] { output_dims(n, {&x3, &w}); }, Errc::shape_mismatch, "X has 3 channels");
  n.set_i("group", 0);
  require_error([&] { output_dims(n, {&x4, &w}); }, Errc::shape_mismatch, "group 0");
  n.set_i("group", 1);

  HostTensor x2{{1, 2, 4, 4}, {}}, bias3{{3}, {}};
  require_error([&] { output_dims(n, {&x2, &w, &bias3}); }, Errc::shape_mismatch, "bias [3] must be [2]");
  HostTensor w3d{{2, 2, 1}, {}};
  require_error([&] { output_dims(n, {&x2, &w3d}); }, Errc::shape_mismatch, "differ in rank");
  HostTensor flat{{1, 2}, {}}, wflat{{2, 2}, {}};
  require_error([&] { output_dims(n, {&flat, &wflat}); }, Errc::shape_mismatch, "rank >= 3");
  HostTensor big{{2, 2, 5, 5}, {}};
  require_error([&] { output_dims(n, {&x2, &big}); }, Errc::shape_mismatch, "kernel extent 5 exceeds padded input 4");
  HostTensor x5d{{1, 2, 2, 2, 2, 2}, {}}, w5d{{1, 2, 1, 1, 1, 1}, {}};
  require_error([&] { output_dims(n, {&x5d, &w5d}); }, Errc::shape_mismatch, "4 spatial dims");

  HostTensor w_i8{{2, 2, 1, 1}, {}, DType::i8};
  require_error([&] { output_dims(n, {&x2, &w_i8}); }, Errc::dtype_mismatch, "Conv 'conv7': input W is int8");

  n.set_ints("kernel_shape", {3, 3});
  require_error([&] { output_dims(n, {&x2, &w}); }, Errc::shape_mismatch, "kernel_shape [3,3] disagrees");
  n.erase_attr("kernel_shape");
  n.set_ints("strides", {1, 0});
  require_error([&] { output_dims(n, {&x2, &w}); }, Errc::shape_mismatch, "stride (spatial axis 1) 0");
  n.set_ints("strides", {1});
  require_error([&] { output_dims(n, {&x2, &w}); }, Errc::shape_mismatch, "strides has 1 values, expected 2");
  n.erase_attr("strides");
  n.set_ints("pads", {0, -1, 0, 0});
  require_error([&] { output_dims(n, {&x2, &w}); }, Errc::shape_mismatch, "pad begin");
  n.erase_attr("pads");
  n.set_s("auto_pad", "SAME");
  require_error([&] { output_dims(n, {&x2, &w}); }, Errc::shape_mismatch, "unknown auto_pad 'SAME'");
}

TEST_CASE("ref Conv: unknown dims propagate", "[ref][conv]") {
  Node n = make_node(OpId::Conv, "c");
  n.set_ints("pads", {1, 1, 1, 1});
  n.set_ints("strides", {1, 2});
  HostTensor x{{-1, 1, -1, 5}, {}}, w{{2, 1, 3, 3}, {}};
  CHECK(output_dims(n, {&x, &w}) == std::vector<int64_t>{-1, 2, -1, 3});
}
