// Every SIMD128 op kernel of kernels/simd/op_kernels.inc against the op's reference
// kernel on the same inputs, bit for bit: MaxPool and AveragePool over kernel sizes,
// strides 1-3 (2 and 1 vectorized), dilations, paddings, ceil_mode, count_include_pad,
// widths around the 4-column vector, NaN and -0 inputs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include "common/parallel.h"
#include "graph/op_table.h"
#include "kernels/simd/op_kernels.h"
#include "kernels/simd/simd_available.h"

using namespace qc;

namespace {

std::vector<float> run(KernelFn fn, const Node& node, const TensorRef& x) {
  std::vector<const TensorRef*> in{&x};
  std::vector<TensorRef> out(1);
  op_info(node.op).shape(node, in, out);
  std::vector<float> y(static_cast<size_t>(out[0].numel()), -12345.f);
  out[0].data = y.data();
  TensorRef* o = &out[0];
  fn(node, in, {o});
  return y;
}

}  // namespace

TEST_CASE("SIMD op kernels: the list has a kernel per row when built with SIMD128", "[simd][pool]") {
  CHECK((simd_op_kernel(OpId::MaxPool) != nullptr) == (QC_SIMD128 != 0));
  CHECK((simd_op_kernel(OpId::AveragePool) != nullptr) == (QC_SIMD128 != 0));
  CHECK(simd_op_kernel(OpId::Add) == nullptr);
}

TEST_CASE("SIMD pools match the reference bit for bit", "[simd][pool]") {
  if (!QC_SIMD128) WARN("built without SIMD128: nothing to compare");
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> unit(-1.f, 1.f);
  int64_t cases = 0, mismatches = 0;
  std::string first;
  for (OpId op : {OpId::MaxPool, OpId::AveragePool}) {
    const KernelFn simd = simd_op_kernel(op);
    if (!simd) continue;
    for (int64_t k : {1, 2, 3, 5})
      for (int64_t stride : {1, 2, 3})
        for (int64_t in_w : {1, 4, 7, 8, 9, 12, 16, 17, 24})
          for (int variant = 0; variant < 4; ++variant) {
            const int64_t pad = variant % 2 == 1 && k > 1 ? (k - 1) / 2 : 0;
            const int64_t dilation = variant == 3 && k > 1 ? 2 : 1;
            if ((k - 1) * dilation + 1 > in_w + 2 * pad || (k - 1) * dilation + 1 > 6 + 2 * pad) continue;
            if (pad >= (k - 1) * dilation + 1) continue;
            Node node;
            node.op = op;
            node.name = "pool";
            node.set_ints("kernel_shape", {k, k});
            node.set_ints("strides", {stride, stride});
            node.set_ints("pads", {pad, pad, pad, pad});
            if (dilation != 1) node.set_ints("dilations", {dilation, dilation});
            if (variant == 2) node.set_i("ceil_mode", 1);
            if (op == OpId::AveragePool && variant >= 1) node.set_i("count_include_pad", 1);
            if (op == OpId::AveragePool && dilation != 1) continue;  // opset 19 only
            const int64_t in_h = 6 + in_w % 2;  // odd heights too
            const std::vector<int64_t> dims{2, 3, in_h, in_w};
            std::vector<float> x(static_cast<size_t>(2 * 3 * in_h * in_w));
            for (float& v : x) v = unit(rng);
            x[x.size() / 3] = NAN;
            x[x.size() / 2] = -0.0f;
            const TensorRef xr{DType::f32, dims, x.data()};
            const std::vector<float> want = run(op_info(op).ref_kernel, node, xr), got = run(simd, node, xr);
            ++cases;
            REQUIRE(want.size() == got.size());
            if (std::memcmp(want.data(), got.data(), want.size() * 4) != 0 && mismatches++ == 0) {
              std::ostringstream o;
              o << op_name(op) << " k " << k << " stride " << stride << " in_w " << in_w << " pad " << pad
                << " dilation " << dilation << " variant " << variant;
              first = o.str();
            }
          }
  }
  INFO(mismatches << " mismatching cases of " << cases << "; first: " << first);
  CHECK(cases > 100);
  CHECK(mismatches == 0);
}

TEST_CASE("SIMD pools: several threads give the same bytes as one", "[simd][pool][threads]") {
  if (!QC_SIMD128) WARN("built without SIMD128: nothing to compare");
  if (!threads_supported()) WARN("built without threads: nothing to compare");
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> unit(-1.f, 1.f);
  for (OpId op : {OpId::MaxPool, OpId::AveragePool}) {
    const KernelFn simd = simd_op_kernel(op);
    if (!simd) continue;
    Node node;
    node.op = op;
    node.name = "pool";
    node.set_ints("kernel_shape", {2, 2});
    node.set_ints("strides", {2, 2});
    // 7 images x 9 channels of 24 x 24: many planes, so threads share them out.
    const std::vector<int64_t> dims{7, 9, 24, 24};
    std::vector<float> x(static_cast<size_t>(7 * 9 * 24 * 24));
    for (float& v : x) v = unit(rng);
    const TensorRef xr{DType::f32, dims, x.data()};
    set_thread_count(1);
    const std::vector<float> one = run(simd, node, xr);
    set_thread_count(3);
    const std::vector<float> three = run(simd, node, xr);
    set_thread_count(1);
    INFO(op_name(op));
    REQUIRE(one.size() == three.size());
    CHECK(std::memcmp(one.data(), three.data(), one.size() * sizeof(float)) == 0);
    CHECK(one == run(op_info(op).ref_kernel, node, xr));
  }
}
