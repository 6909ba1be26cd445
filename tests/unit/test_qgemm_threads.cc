// compressed_gemm with several threads (split by weight rows, or by activation rows
// when there are few weight rows) gives bit-identical results to one thread, for
// every kernel row of kernels/simd/qgemm.inc.
#include <catch2/catch.hpp>

#include <cstring>

#include "common/parallel.h"
#include "kernels/quant/compressed_gemm.h"
#include "kernels/quant/qgemm_args.h"
#include "qgemm_test_util.h"

using namespace qc;
using namespace qc::test;

namespace {

struct Shape {
  int64_t m, n, k;
};

// Big enough to be split: 8 x 70 x 300 by weight rows, 40 x 12 x 400 by activation rows.
// The last two are large enough to be split (compressed_gemm's kParallelMacs): by
// weight rows (the int8 pair groups made once and shared), and by activation rows
// (few weight rows).
constexpr Shape kShapes[] = {{8, 70, 300}, {40, 12, 400}, {1, 300, 784}, {32, 300, 784}, {72, 12, 1000}};

std::vector<float> run(int threads, const float* x, const Shape& s, const WeightView& w, const float* bias,
                       const ActQuant& aq) {
  set_thread_count(threads);
  std::vector<float> y(static_cast<size_t>(s.m * (s.n + 3)), -7777.f);
  compressed_gemm(x, s.m, w, bias, y.data(), s.n + 3, aq);
  set_thread_count(1);
  return y;
}

}  // namespace

TEST_CASE("qgemm: several threads give the same bytes as one", "[qgemm][threads]") {
  if (!threads_supported()) WARN("built without threads: nothing to compare");
  std::mt19937 rng(7);
  for (const QGemmKernel& kernel : qgemm_kernels()) {
    const SchemeId scheme = static_cast<SchemeId>(kernel.scheme);
    for (const int mode : kernel.act == QGemmAct::f32 ? std::vector<int>{kActF32} : std::vector<int>{kActDynamicI8, kActStaticI8}) {
      if (kernel.act == QGemmAct::i8 && scheme == SchemeId::f16) continue;
      for (const Shape& s : kShapes) {
        for (bool per_channel : {false, true}) {
          if (per_channel && scheme != SchemeId::codebook) continue;
          INFO(kernel.name << " mode " << mode << " M=" << s.m << " N=" << s.n << " K=" << s.k
                           << (per_channel ? " per channel" : ""));
          const StoredWeight stored = random_weight(rng, scheme, s.n + 1, s.k, 3, per_channel);
          const WeightView w = weight_rows(stored.view(), 1, s.n);
          const std::vector<float> x = random_floats(rng, static_cast<size_t>(s.m * s.k));
          const std::vector<float> bias = random_floats(rng, static_cast<size_t>(s.n));
          const ActQuant aq{mode, 0.8f / 127};
          const std::vector<float> one = run(1, x.data(), s, w, bias.data(), aq);
          const std::vector<float> three = run(3, x.data(), s, w, bias.data(), aq);
          CHECK(std::memcmp(one.data(), three.data(), one.size() * sizeof(float)) == 0);
          CHECK(one[s.n] == -7777.f);  // nothing written between rows
        }
      }
    }
  }
}
