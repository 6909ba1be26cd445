// Chains of `A x B` independent accumulators. `a` is loaded every iteration from a
// rotating 8-vector ring (address depends on the counter), so no product is loop
// invariant and the compiler can neither hoist nor fold the work; the B operands
// stay in registers. Values are small: no denormals (f32), no overflow (i32).
// Check the loop: em++ -O3 -msimd128 -S -> each iteration has A v128.load, A*B muls
// (dots) and A*B adds.
#include "simd_peak.h"

#include <cstdint>

#include "kernels/simd/simd128.h"

namespace qc::bench {

#if QC_SIMD128

namespace {

constexpr int64_t kIters = 1 << 14;
constexpr int kRing = 8;

template <int A, int B>
[[gnu::noinline]] void f32_mul_add_chains(const float* ring, const float* bvals, int64_t iters, float* out) {
  v128_t acc[A][B], b[B];
  for (int j = 0; j < B; ++j) b[j] = wasm_v128_load(bvals + 4 * j);
  for (auto& row : acc)
    for (v128_t& v : row) v = wasm_f32x4_splat(0.f);
#pragma GCC unroll 4
  for (int64_t it = 0; it < iters; ++it) {
    for (int i = 0; i < A; ++i) {
      const v128_t a = wasm_v128_load(ring + 4 * ((it * A + i) & (kRing - 1)));
      for (int j = 0; j < B; ++j) acc[i][j] = wasm_f32x4_add(acc[i][j], wasm_f32x4_mul(a, b[j]));
    }
  }
  v128_t s = wasm_f32x4_splat(0.f);
  for (auto& row : acc)
    for (v128_t v : row) s = wasm_f32x4_add(s, v);
  wasm_v128_store(out, s);
}

template <int A, int B>
[[gnu::noinline]] void i16_dot_add_chains(const int16_t* ring, const int16_t* bvals, int64_t iters, int32_t* out) {
  v128_t acc[A][B], b[B];
  for (int j = 0; j < B; ++j) b[j] = wasm_v128_load(bvals + 8 * j);
  for (auto& row : acc)
    for (v128_t& v : row) v = wasm_i32x4_splat(0);
#pragma GCC unroll 4
  for (int64_t it = 0; it < iters; ++it) {
    for (int i = 0; i < A; ++i) {
      const v128_t a = wasm_v128_load(ring + 8 * ((it * A + i) & (kRing - 1)));
      for (int j = 0; j < B; ++j) acc[i][j] = wasm_i32x4_add(acc[i][j], wasm_i32x4_dot_i16x8(a, b[j]));
    }
  }
  v128_t s = wasm_i32x4_splat(0);
  for (auto& row : acc)
    for (v128_t v : row) s = wasm_i32x4_add(s, v);
  wasm_v128_store(out, s);
}

struct Operands {
  alignas(16) float f_ring[kRing * 4];
  alignas(16) float f_b[16 * 4];
  alignas(16) int16_t i_ring[kRing * 8];
  alignas(16) int16_t i_b[16 * 8];
  Operands() {
    for (int i = 0; i < kRing * 4; ++i) f_ring[i] = 1e-3f * static_cast<float>(1 + i % 7);
    for (int i = 0; i < 16 * 4; ++i) f_b[i] = 1e-3f * static_cast<float>(1 + i % 5);
    for (int i = 0; i < kRing * 8; ++i) i_ring[i] = static_cast<int16_t>(i % 7 - 3);
    for (int i = 0; i < 16 * 8; ++i) i_b[i] = static_cast<int16_t>(i % 5 - 2);
  }
};

volatile float g_f32_sink;
volatile int32_t g_i32_sink;

template <int A, int B>
PeakResult f32_peak(const Operands& ops, const TimerOptions& o) {
  alignas(16) float out[4];
  PeakResult r{"f32x4.mul+add", A * B};
  r.timing = time_call([&] {
    f32_mul_add_chains<A, B>(ops.f_ring, ops.f_b, kIters, out);
    g_f32_sink = out[0];
  }, o);
  r.gops = static_cast<double>(kIters) * A * B * 8 / r.timing.median_s * 1e-9;
  return r;
}

template <int A, int B>
PeakResult i8_peak(const Operands& ops, const TimerOptions& o) {
  alignas(16) int32_t out[4];
  PeakResult r{"i32x4.dot_i16x8+add", A * B};
  r.timing = time_call([&] {
    i16_dot_add_chains<A, B>(ops.i_ring, ops.i_b, kIters, out);
    g_i32_sink = out[0];
  }, o);
  r.gops = static_cast<double>(kIters) * A * B * 16 / r.timing.median_s * 1e-9;
  return r;
}

}  // namespace

std::vector<PeakResult> measure_simd_peaks(const TimerOptions& options) {
  static const Operands ops;
  return {f32_peak<1, 4>(ops, options), f32_peak<2, 4>(ops, options), f32_peak<2, 5>(ops, options),
          f32_peak<3, 4>(ops, options), i8_peak<1, 4>(ops, options), i8_peak<2, 4>(ops, options),
          i8_peak<2, 5>(ops, options), i8_peak<3, 4>(ops, options)};
}
#else
std::vector<PeakResult> measure_simd_peaks(const TimerOptions&) { return {}; }
#endif

}  // namespace qc::bench
