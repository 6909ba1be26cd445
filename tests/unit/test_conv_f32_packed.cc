// Conv with an f32_packed weight (the SIMD implicit GEMM and depthwise kernels of
// kernels/simd/conv_f32_packed, or the generic path without SIMD128) against the
// direct reference convolution on the same weights stored dense, across the tile
// edges: output channels per group 1..9 (4-channel tiles, 8-row panels), output
// widths around the 8-pixel panel, strides 1-2, dilation, asymmetric padding,
// groups (also starting inside a weight panel) and depthwise, fused activations.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include "graph/op_table.h"
#include "runtime/tensor.h"
#include "schemes/weight_encoders.h"

using namespace qc;

namespace {

struct ConvCase {
  int64_t batch, channels, out_channels, group, in_h, in_w, kh, kw, stride, dilation;
  std::vector<int64_t> pads;  // top, left, bottom, right
  int act;
};

// Runs Conv on x with weight w stored in `scheme` (the payload given), returns y.
std::vector<float> run_conv(const Node& node, const TensorRef& x, const TensorRef& w, const TensorRef& b) {
  std::vector<const TensorRef*> in{&x, &w, &b};
  std::vector<TensorRef> out(1);
  op_info(OpId::Conv).shape(node, in, out);
  std::vector<float> y(static_cast<size_t>(out[0].numel()), -12345.f);
  out[0].data = y.data();
  TensorRef* o = &out[0];
  op_info(OpId::Conv).ref_kernel(node, in, {o});
  return y;
}

struct Result {
  int64_t cases = 0, mismatches = 0;
  std::string first;
};

void check_case(std::mt19937& rng, const ConvCase& c, Result& r) {
  std::uniform_real_distribution<float> unit(-1.f, 1.f);
  const int64_t cpg = c.channels / c.group;
  const std::vector<int64_t> x_dims{c.batch, c.channels, c.in_h, c.in_w}, w_dims{c.out_channels, cpg, c.kh, c.kw};
  std::vector<float> x(static_cast<size_t>(c.batch * c.channels * c.in_h * c.in_w));
  std::vector<float> w(static_cast<size_t>(c.out_channels * cpg * c.kh * c.kw)), b(static_cast<size_t>(c.out_channels));
  for (float& v : x) v = unit(rng);
  for (float& v : w) v = unit(rng);
  for (float& v : b) v = unit(rng);
  Node node;
  node.op = OpId::Conv;
  node.name = "conv";
  node.set_i("group", c.group);
  node.set_ints("strides", {c.stride, c.stride});
  node.set_ints("dilations", {c.dilation, c.dilation});
  node.set_ints("pads", c.pads);
  node.set_i("act", c.act);
  node.set_f("act_min", -0.3f);
  node.set_f("act_max", 0.4f);
  node.set_f("act_alpha", 0.2f);
  const TensorRef xr{DType::f32, x_dims, x.data()}, br{DType::f32, {c.out_channels}, b.data()};
  const TensorRef dense{DType::f32, w_dims, w.data()};
  const ConstData packed = encode_f32_packed(w.data(), w_dims);
  TensorRef pr{DType::f32, w_dims, const_cast<uint8_t*>(packed.bytes)};
  pr.scheme = packed.scheme;
  pr.stored_bytes = packed.size;
  const std::vector<float> want = run_conv(node, xr, dense, br), got = run_conv(node, xr, pr, br);
  ++r.cases;
  // Tolerance: 1e-5 of sum |x * w| + |b| over the taps (bounded by count * max).
  const float tol = 1e-5f * (static_cast<float>(cpg * c.kh * c.kw) + 1.f);
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i] == -12345.f || std::fabs(want[i] - got[i]) > tol) {
      if (r.mismatches++ == 0) {
        std::ostringstream o;
        o << "batch " << c.batch << " C " << c.channels << " M " << c.out_channels << " group " << c.group << " in "
          << c.in_h << "x" << c.in_w << " kernel " << c.kh << "x" << c.kw << " stride " << c.stride << " dilation "
          << c.dilation << " pads " << c.pads[0] << "," << c.pads[1] << "," << c.pads[2] << "," << c.pads[3] << " act "
          << c.act << " at " << i << ": ref " << want[i] << " packed " << got[i];
        r.first = o.str();
      }
    }
  }
}

void require_clean(const Result& r) {
  INFO(r.mismatches << " mismatching outputs in " << r.cases << " cases; first: " << r.first);
  CHECK(r.cases > 0);
  CHECK(r.mismatches == 0);
}

}  // namespace

TEST_CASE("conv f32_packed: matches the direct reference across tile edges", "[conv][simd][f32_packed]") {
  std::mt19937 rng(7);
  Result r;
  for (int64_t m = 1; m <= 9; ++m)
    for (int64_t in_w : {3, 8, 9, 12, 13, 19})
      for (int64_t k : {1, 3, 5}) {
        if (k > in_w) continue;
        const int64_t c = 1 + (m + in_w) % 3, stride = 1 + (m + k) % 2, pad = (m + in_w) % 3 == 0 ? 1 : 0;
        check_case(rng, {1 + m % 2, c, m, 1, 5 + m % 4, in_w, k, k, stride, 1, {pad, pad, pad + m % 2, pad}, static_cast<int>(m % 6)}, r);
      }
  require_clean(r);
}

TEST_CASE("conv f32_packed: lenet5 shapes, dilation, asymmetric kernels", "[conv][simd][f32_packed]") {
  std::mt19937 rng(8);
  Result r;
  check_case(rng, {2, 1, 6, 1, 28, 28, 5, 5, 1, 1, {0, 0, 0, 0}, 1}, r);
  check_case(rng, {2, 6, 16, 1, 12, 12, 5, 5, 1, 1, {0, 0, 0, 0}, 1}, r);
  check_case(rng, {1, 3, 5, 1, 11, 17, 3, 3, 1, 2, {2, 1, 0, 2}, 0}, r);
  check_case(rng, {1, 2, 7, 1, 9, 10, 3, 3, 2, 1, {1, 1, 1, 1}, 3}, r);
  check_case(rng, {1, 4, 8, 1, 6, 30, 1, 1, 1, 1, {0, 0, 0, 0}, 2}, r);
  check_case(rng, {1, 3, 4, 1, 3, 3, 5, 5, 1, 1, {2, 2, 2, 2}, 4}, r);  // every tap partly padded
  require_clean(r);
}

TEST_CASE("conv f32_packed: groups and depthwise", "[conv][simd][f32_packed]") {
  std::mt19937 rng(9);
  Result r;
  check_case(rng, {1, 4, 6, 2, 7, 9, 3, 3, 1, 1, {1, 1, 1, 1}, 1}, r);     // 3 channels per group: panel-straddling rows
  check_case(rng, {2, 6, 18, 3, 8, 11, 3, 3, 1, 1, {0, 1, 0, 1}, 0}, r);   // 6 per group
  check_case(rng, {1, 9, 9, 9, 10, 21, 3, 3, 1, 1, {1, 1, 1, 1}, 1}, r);   // depthwise
  check_case(rng, {1, 5, 5, 5, 9, 13, 5, 5, 1, 2, {4, 3, 4, 3}, 3}, r);    // depthwise, dilated, padded
  check_case(rng, {2, 4, 4, 4, 11, 11, 3, 3, 2, 1, {1, 1, 1, 1}, 5}, r);   // depthwise, stride 2
  check_case(rng, {1, 3, 3, 3, 4, 2, 3, 3, 1, 1, {1, 1, 1, 1}, 2}, r);     // depthwise, narrower than a vector
  check_case(rng, {1, 4, 8, 4, 6, 7, 3, 3, 1, 1, {1, 1, 1, 1}, 0}, r);     // depth multiplier 2
  require_clean(r);
}
