// Every SIMD128 quantized GEMM kernel (kernels/simd/qgemm.inc) against its scalar
// reference on the same inputs, across the tile edges: M = 1..7, 9 and 32 (4-row
// tiles), N = 1..17 (4-row groups), K = 1..70 and around 128, 256 (16-element
// vectors, 32-element q4 blocks, 256-element f32 panels), 513. Views start at
// row 0..2 of the stored tensor (Conv groups; f32_packed repacks such views). int8
// paths must be bit-identical, float paths within 1e-5 of sum |x * w|. The fused
// activation cycles through none, Relu, Clip, LeakyRelu, Sigmoid and Tanh.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "kernels/quant/compressed_gemm.h"
#include "kernels/quant/prepared_weight.h"
#include "kernels/quant/qgemm_args.h"
#include "kernels/simd/simd_available.h"
#include "qgemm_test_util.h"

using namespace qc;
using namespace qc::test;

namespace {

std::vector<int64_t> k_sizes() {
  std::vector<int64_t> ks;
  for (int64_t k = 1; k <= 70; ++k) ks.push_back(k);
  for (int64_t k : {127, 128, 129, 255, 256, 257, 513}) ks.push_back(k);
  return ks;
}

constexpr int64_t kMs[] = {1, 2, 3, 4, 5, 6, 7, 9, 32};
constexpr float kPoison = -7777.f;

struct Sweep {
  int64_t cases = 0, mismatches = 0;
  std::string first;
};

// prepared: the view carries the stored tensor's prepared data (prepared_weight.h),
// as in a plan, and starts at row 0, 1 or 4 (1 is off a 4-row q4 group: the q4
// kernels prepare that view again).
void sweep(std::mt19937& rng, SchemeId scheme, int mode, bool exact, Sweep& s, int bits = 4, bool per_channel = false,
           bool prepared = false) {
  for (int64_t k : k_sizes()) {
    for (int64_t n = 1; n <= (scheme == SchemeId::f32_packed ? 41 : 17); ++n) {
      const int64_t m = kMs[(k + n) % 9], third = (k + n) % 3, row0 = prepared ? third * third : third,
                    ldy = n + (k % 2) * 3;
      const StoredWeight stored = random_weight(rng, scheme, row0 + n + (k + n) % 2, k, bits, per_channel);  // even: the view ends the payload
      WeightView whole = stored.view();
      std::vector<float> groups(prepared ? prepared_bytes(whole) / 4 + 1 : 0);
      if (prepared) {
        prepare_weight(whole, groups.data());
        whole.prepared = groups.data();
      }
      const WeightView w = weight_rows(whole, row0, n);
      std::vector<float> x = random_floats(rng, static_cast<size_t>(m * k));
      if (m > 2) std::fill(x.begin() + k, x.begin() + 2 * k, 0.f);  // an all-zero row
      const std::vector<float> bias = random_floats(rng, static_cast<size_t>(n));
      const bool with_bias = (k + n) % 2 == 0;
      const ActQuant aq{mode, 0.8f / 127};  // static: some values clamp
      Activation act;
      act.kind = static_cast<Act>((k + 2 * n) % 6);
      act.lo = -0.25f, act.hi = 0.5f, act.alpha = 0.125f;
      std::vector<float> y_ref(static_cast<size_t>(m * ldy), kPoison), y_simd = y_ref;
      compressed_gemm_using(QGemmImpl::reference, x.data(), m, w, with_bias ? bias.data() : nullptr, y_ref.data(), ldy, aq,
                            act);
      compressed_gemm_using(QGemmImpl::simd, x.data(), m, w, with_bias ? bias.data() : nullptr, y_simd.data(), ldy, aq,
                            act);
      ++s.cases;
      for (int64_t r = 0; r < n; ++r) {
        const std::vector<float> wr = stored.row(row0 + r);
        for (int64_t i = 0; i < m; ++i) {
          double magnitude = with_bias ? std::fabs(bias[r]) : 0.0;
          for (int64_t j = 0; j < k; ++j) magnitude += std::fabs(double{x[i * k + j]} * wr[j]);
          const float a = y_ref[i * ldy + r], b = y_simd[i * ldy + r];
          const bool ok = exact ? std::memcmp(&a, &b, 4) == 0 : std::fabs(double{a} - b) <= 1e-5 * magnitude + 1e-30;
          if (!ok && s.mismatches++ == 0) {
            std::ostringstream o;
            o << "M=" << m << " N=" << n << " K=" << k << " row0=" << row0 << " at [" << i << "," << r << "]: ref "
              << a << " simd " << b << " (sum|xw| " << magnitude << ")";
            s.first = o.str();
          }
        }
      }
      for (int64_t i = 0; i < m; ++i)
        for (int64_t r = n; r < ldy; ++r)
          if (y_ref[i * ldy + r] != kPoison || y_simd[i * ldy + r] != kPoison) {
            if (s.mismatches++ == 0) s.first = "wrote past N, M=" + std::to_string(m) + " N=" + std::to_string(n);
          }
    }
  }
}

void require_clean(const Sweep& s) {
  INFO(s.mismatches << " mismatching outputs in " << s.cases << " cases; first: " << s.first);
  CHECK(s.cases > 0);
  CHECK(s.mismatches == 0);
}

}  // namespace

TEST_CASE("qgemm: every kernel row has a reference and, with SIMD128, a SIMD version", "[qgemm][simd]") {
  REQUIRE(qgemm_kernels().size() == 10);
  for (const QGemmKernel& k : qgemm_kernels()) {
    INFO(k.name);
    CHECK(k.ref != nullptr);
    CHECK((k.simd != nullptr) == (QC_SIMD128 != 0));
  }
}

TEST_CASE("qgemm: SIMD float-activation kernels match the reference", "[qgemm][simd]") {
  if (!QC_SIMD128) WARN("built without SIMD128: nothing to compare");
  std::mt19937 rng(1234);
  for (SchemeId scheme :
       {SchemeId::f32_packed, SchemeId::f16, SchemeId::i8_channel, SchemeId::q4_block, SchemeId::q4_block_min}) {
    SECTION(scheme_name(static_cast<uint16_t>(scheme))) {
      Sweep s;
      sweep(rng, scheme, kActF32, false, s);
      require_clean(s);
    }
  }
  SECTION("codebook, bits 2..8, per tensor and per channel") {
    for (int bits = 2; bits <= 8; ++bits)
      for (bool per_channel : {false, true}) {
        Sweep s;
        sweep(rng, SchemeId::codebook, kActF32, false, s, bits, per_channel);
        INFO("bits " << bits << (per_channel ? " per channel" : " per tensor"));
        require_clean(s);
      }
  }
  SECTION("f16 with int8-rounded activations") {
    Sweep s;
    sweep(rng, SchemeId::f16, kActDynamicI8, false, s);
    require_clean(s);
  }
}

TEST_CASE("qgemm: SIMD int8-activation kernels match the reference exactly", "[qgemm][simd]") {
  if (!QC_SIMD128) WARN("built without SIMD128: nothing to compare");
  std::mt19937 rng(99);
  for (int mode : {kActDynamicI8, kActStaticI8}) {
    for (SchemeId scheme : {SchemeId::i8_channel, SchemeId::q4_block, SchemeId::q4_block_min}) {
      SECTION(std::string(scheme_name(static_cast<uint16_t>(scheme))) + " mode " + std::to_string(mode)) {
        Sweep s;
        sweep(rng, scheme, mode, true, s);
        require_clean(s);
      }
      if (scheme != SchemeId::i8_channel)
        SECTION(std::string(scheme_name(static_cast<uint16_t>(scheme))) + " prepared, mode " + std::to_string(mode)) {
          Sweep s;
          sweep(rng, scheme, mode, true, s, 4, false, true);
          require_clean(s);
        }
    SECTION("codebook mode " + std::to_string(mode) + ", bits 2..3 prepared as 4-bit, per tensor and per channel") {
      for (int bits = 2; bits <= 3; ++bits)
        for (bool per_channel : {false, true}) {
          Sweep s;
          sweep(rng, SchemeId::codebook, mode, true, s, bits, per_channel, true);
          INFO("bits " << bits << (per_channel ? " per channel" : " per tensor"));
          require_clean(s);
        }
    }
    }
    SECTION("codebook mode " + std::to_string(mode) + ", bits 2..8, per tensor and per channel") {
      for (int bits = 2; bits <= 8; ++bits)
        for (bool per_channel : {false, true}) {
          Sweep s;
          sweep(rng, SchemeId::codebook, mode, true, s, bits, per_channel);
          INFO("bits " << bits << (per_channel ? " per channel" : " per tensor"));
          require_clean(s);
        }
    }
  }
}
