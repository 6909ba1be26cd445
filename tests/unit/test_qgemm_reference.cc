// The reference quantized GEMM kernels against a double-precision product with the
// decoded weights, within the error the activation quantization allows:
//   float activations: only float rounding (1e-5 of sum |x w|);
//   int8 activations: |x - q * sx| <= sx / 2 per element, and for codebooks the int8
//   centroid table adds |w - lut * sc| <= sc / 2 per weight, so
//   |y - y_exact| <= sum_k (|w_k| sx/2 + |x_k| e_w + sx/2 e_w) (+ float rounding).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "kernels/quant/act_quantize.h"
#include "kernels/quant/compressed_gemm.h"
#include "qgemm_test_util.h"

using namespace qc;
using namespace qc::test;

namespace {

// Half the int8 step of the view's codebook table for row r (0 for other schemes).
double weight_step_half(const StoredWeight& s, const WeightView& w, int64_t r) {
  if (w.scheme != static_cast<uint16_t>(SchemeId::codebook)) return 0;
  const int64_t entries = int64_t{1} << w.codebook_bits;
  const int64_t table = w.codebook_per_channel ? w.row0 + r : 0;
  float amax = 0;
  for (int64_t i = 0; i < entries; ++i) {
    float c;
    std::memcpy(&c, s.side.data() + 8 + 4 * (table * entries + i), 4);
    amax = std::max(amax, std::fabs(c));
  }
  return amax / 127.0 / 2;
}

void check_against_decoded(std::mt19937& rng, SchemeId scheme, int mode, int bits = 4, bool per_channel = false) {
  for (int64_t k : {1, 7, 32, 33, 100, 257}) {
    for (int64_t n : {1, 5, 9}) {
      for (int64_t m : {1, 3}) {
        const StoredWeight s = random_weight(rng, scheme, n, k, bits, per_channel);
        const WeightView w = s.view();
        const std::vector<float> x = random_floats(rng, static_cast<size_t>(m * k), 2.f);
        const std::vector<float> bias = random_floats(rng, static_cast<size_t>(n));
        float x_max = 0;
        for (float v : x) x_max = std::max(x_max, std::fabs(v));
        const ActQuant aq{mode, x_max / 127 * 1.1f};  // static: nothing clamps
        const bool int8 = mode != kActF32;
        std::vector<float> y(static_cast<size_t>(m * n));
        compressed_gemm_using(QGemmImpl::reference, x.data(), m, w, bias.data(), y.data(), n, aq);
        for (int64_t r = 0; r < n; ++r) {
          const std::vector<float> wr = s.row(r);
          const double e_w = int8 ? weight_step_half(s, w, r) : 0;
          for (int64_t i = 0; i < m; ++i) {
            double row_max = 0;
            for (int64_t j = 0; j < k; ++j) row_max = std::max(row_max, std::fabs(double{x[i * k + j]}));
            const double half_sx = !int8 ? 0 : (mode == kActStaticI8 ? aq.static_scale : row_max / 127) / 2;
            double exact = bias[r], magnitude = std::fabs(bias[r]), bound = 0;
            for (int64_t j = 0; j < k; ++j) {
              const double xv = x[i * k + j], wv = wr[j];
              exact += xv * wv;
              magnitude += (std::fabs(xv) + half_sx) * (std::fabs(wv) + e_w);
              bound += std::fabs(wv) * half_sx + std::fabs(xv) * e_w + half_sx * e_w;
            }
            INFO(scheme_name(static_cast<uint16_t>(scheme)) << " mode " << mode << " bits " << bits << " M=" << m
                                                            << " N=" << n << " K=" << k << " at [" << i << "," << r << "]");
            CHECK(std::fabs(y[i * n + r] - exact) <= bound * 1.0001 + 1e-5 * magnitude + 1e-6);
          }
        }
      }
    }
  }
}

}  // namespace

TEST_CASE("qgemm reference: float activations equal the decoded-weight product", "[qgemm][ref]") {
  std::mt19937 rng(7);
  for (SchemeId s : {SchemeId::f16, SchemeId::i8_channel, SchemeId::q4_block, SchemeId::q4_block_min})
    check_against_decoded(rng, s, kActF32);
  for (int bits : {2, 3, 4, 5, 8}) check_against_decoded(rng, SchemeId::codebook, kActF32, bits, bits % 2 == 1);
}

TEST_CASE("qgemm reference: int8 activations stay within the quantization error bound", "[qgemm][ref]") {
  std::mt19937 rng(8);
  for (int mode : {kActDynamicI8, kActStaticI8}) {
    for (SchemeId s : {SchemeId::f16, SchemeId::i8_channel, SchemeId::q4_block, SchemeId::q4_block_min})
      check_against_decoded(rng, s, mode);
    for (int bits : {2, 3, 4, 6, 8})
      for (bool per_channel : {false, true}) check_against_decoded(rng, SchemeId::codebook, mode, bits, per_channel);
  }
}

TEST_CASE("qgemm reference: static int8 activations clamp to +-127 steps", "[qgemm][ref]") {
  // i8_channel W = [[1, 1, 1]] with scale 1; x_scale 1/127 covers [-1, 1].
  StoredWeight s;
  s.scheme = static_cast<uint16_t>(SchemeId::i8_channel);
  s.dims = {1, 3};
  s.payload = {1, 1, 1};
  put_f32(s.side, 1.f);
  const std::vector<float> x = {2.f, -3.f, 0.5f};  // -> 127, -127, 64 (63.5 rounds to even)
  float y = 0;
  for (QGemmImpl impl : {QGemmImpl::reference, QGemmImpl::simd}) {
    compressed_gemm_using(impl, x.data(), 1, s.view(), nullptr, &y, 1, ActQuant{kActStaticI8, 1.f / 127});
    CHECK(y == Approx(64.f / 127).epsilon(1e-6));
  }
  compressed_gemm_using(QGemmImpl::reference, x.data(), 1, s.view(), nullptr, &y, 1, ActQuant{kActDynamicI8, 0});
  CHECK(y == Approx(-0.5f).margin(3.f / 127 / 2 * 3));
}

TEST_CASE("weight_view rejects sizes that disagree with the scheme layout", "[qgemm][ref]") {
  std::mt19937 rng(9);
  StoredWeight s = random_weight(rng, SchemeId::q4_block, 3, 40);
  s.payload.pop_back();
  try {
    (void)s.view();
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::bad_tensor_record);
    CHECK_THAT(std::string(e.what()), Catch::Contains("test weight") && Catch::Contains("q4_block"));
  }
  StoredWeight cb = random_weight(rng, SchemeId::codebook, 2, 10, 3);
  cb.side[0] = 9;  // bits out of range
  CHECK_THROWS_AS(cb.view(), Error);
  StoredWeight dense = random_weight(rng, SchemeId::f16, 2, 2);
  dense.scheme = 0;
  CHECK_THROWS_AS(dense.view(), Error);
}

TEST_CASE("int8 activation rows: round half to even, clamp, zero padding, NaN", "[qgemm][ref]") {
  // 40 values: the SIMD body (16 at a time) and the scalar tail must agree.
  std::vector<float> x;
  for (int i = 0; i < 40; ++i) x.push_back((i - 20) * 0.5f);  // -10 .. 9.5 in half steps
  x[3] = std::nanf("");
  x[37] = 1e30f;
  std::vector<int8_t> q(64, 99);
  float scale = 0;
  quantize_rows_static(x.data(), 1, 40, 64, 0.1f, q.data(), &scale);
  CHECK(scale == 0.1f);
  for (int i = 0; i < 40; ++i) {
    INFO("element " << i << " = " << x[i]);
    const float v = x[i] * (1.f / 0.1f);
    const int8_t want = std::isnan(v) ? -127 : static_cast<int8_t>(std::max(-127.f, std::min(127.f, std::nearbyint(v))));
    CHECK(int{q[i]} == int{want});
  }
  for (int i = 40; i < 64; ++i) CHECK(q[i] == 0);

  const std::vector<float> halves = {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 127.f, 3.f};  // max 127 -> scale 1
  std::vector<int8_t> h(32, 1);
  quantize_rows_dynamic(halves.data(), 1, 7, 32, h.data(), &scale);
  CHECK(scale == 1.f);
  CHECK(std::vector<int>(h.begin(), h.begin() + 7) == std::vector<int>{0, 2, 2, 0, -2, 127, 3});
  std::vector<int8_t> zero(32, 5);
  const std::vector<float> zeros(5, 0.f);
  quantize_rows_dynamic(zeros.data(), 1, 5, 32, zero.data(), &scale);
  CHECK(scale == 0.f);
  CHECK(std::all_of(zero.begin(), zero.end(), [](int8_t v) { return v == 0; }));
}

TEST_CASE("int8 activations refuse a reduction whose int32 dot could overflow", "[qgemm][ref]") {
  std::mt19937 rng(10);
  const StoredWeight s = random_weight(rng, SchemeId::i8_channel, 1, 140000);
  const std::vector<float> x(140000, 1.f);
  float y = 0;
  try {
    compressed_gemm(x.data(), 1, s.view(), nullptr, &y, 1, ActQuant{kActDynamicI8, 0});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::limit_exceeded);
    CHECK_THAT(std::string(e.what()), Catch::Contains("i8_channel") && Catch::Contains("140000"));
  }
  compressed_gemm(x.data(), 1, s.view(), nullptr, &y, 1, ActQuant{kActF32, 0});  // float activations: fine
  CHECK(std::isfinite(y));
}
