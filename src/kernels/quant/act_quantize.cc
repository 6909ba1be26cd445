// The scalar and SIMD128 loops below do the same IEEE operations per element, so
// the int8 rows do not depend on which one ran: v = x * inv, clamped to [-127, 127]
// (NaN becomes -127), plus 1.5 * 2^23, which rounds to the nearest integer (ties to
// even) and leaves it in the low mantissa bits, read back as an integer.
#include "kernels/quant/act_quantize.h"

#include <cmath>
#include <cstring>

#include "kernels/simd/simd128.h"

namespace qc {

namespace {

constexpr float kRoundMagic = 12582912.f;  // 1.5 * 2^23
constexpr int32_t kRoundMagicBits = 0x4b400000;

int8_t quantize_one(float x, float inv_scale) {
  float r = x * inv_scale;
  r = -127.f < r ? r : -127.f;
  r = r < 127.f ? r : 127.f;
  const float shifted = r + kRoundMagic;
  int32_t bits;
  std::memcpy(&bits, &shifted, 4);
  return static_cast<int8_t>(bits - kRoundMagicBits);
}

float abs_max(const float* x, int64_t k) {
  int64_t i = 0;
  float amax = 0;
#if QC_SIMD128
  v128_t m = wasm_f32x4_splat(0), m2 = m;  // two chains: pmax's latency, not its throughput, bounds one
  for (; i + 8 <= k; i += 8) {
    m = wasm_f32x4_pmax(m, wasm_f32x4_abs(wasm_v128_load(x + i)));
    m2 = wasm_f32x4_pmax(m2, wasm_f32x4_abs(wasm_v128_load(x + i + 4)));
  }
  for (; i + 4 <= k; i += 4) m = wasm_f32x4_pmax(m, wasm_f32x4_abs(wasm_v128_load(x + i)));
  m = wasm_f32x4_pmax(m, m2);
  alignas(16) float lanes[4];
  wasm_v128_store(lanes, m);
  for (float v : lanes) amax = amax < v ? v : amax;
#endif
  for (; i < k; ++i) {
    const float v = std::fabs(x[i]);
    amax = amax < v ? v : amax;  // NaN never wins
  }
  return amax;
}

void quantize_row(const float* x, int64_t k, int64_t stride, float inv_scale, int8_t* q) {
  int64_t i = 0;
#if QC_SIMD128
  using simd::const_f32x4, simd::const_i32x4;
  const v128_t inv = wasm_f32x4_splat(inv_scale), lo = const_f32x4(-127.f), hi = const_f32x4(127.f);
  const v128_t magic = const_f32x4(kRoundMagic), magic_bits = const_i32x4(kRoundMagicBits);
  auto to_i32 = [&](const float* p) {
    const v128_t clamped = wasm_f32x4_pmin(hi, wasm_f32x4_pmax(lo, wasm_f32x4_mul(wasm_v128_load(p), inv)));
    return wasm_i32x4_sub(wasm_f32x4_add(clamped, magic), magic_bits);
  };
  auto quantize16 = [&](const float* p) {
    return wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(to_i32(p), to_i32(p + 4)),
                                   wasm_i16x8_narrow_i32x4(to_i32(p + 8), to_i32(p + 12)));
  };
  for (; i + 16 <= k; i += 16) wasm_v128_store(q + i, quantize16(x + i));
  if (k - i >= 4) {  // a short tail (Conv rows of 25, 75...) through one padded vector pass
    alignas(16) float tail[16] = {};
    alignas(16) int8_t out[16];
    std::memcpy(tail, x + i, static_cast<size_t>(k - i) * sizeof(float));
    wasm_v128_store(out, quantize16(tail));
    std::memcpy(q + i, out, static_cast<size_t>(k - i));
    i = k;
  }
#endif
  for (; i < k; ++i) q[i] = quantize_one(x[i], inv_scale);
  if (stride > k) std::memset(q + k, 0, static_cast<size_t>(stride - k));
}

}  // namespace

void quantize_rows_dynamic(const float* x, int64_t m, int64_t k, int64_t stride, int8_t* q, float* scale) {
  for (int64_t r = 0; r < m; ++r) {
    const float* row = x + r * k;
    const float amax = abs_max(row, k);
    const bool usable = amax > 0 && std::isfinite(amax);
    scale[r] = usable ? amax / 127.f : 0.f;
    quantize_row(row, k, stride, usable ? 127.f / amax : 0.f, q + r * stride);
  }
}

void quantize_rows_static(const float* x, int64_t m, int64_t k, int64_t stride, float static_scale, int8_t* q,
                          float* scale) {
  const float inv = 1.f / static_scale;
  for (int64_t r = 0; r < m; ++r) {
    scale[r] = static_scale;
    quantize_row(x + r * k, k, stride, inv, q + r * stride);
  }
}

void int8_block_sums(const int8_t* q, int64_t m, int64_t stride, int64_t blocks, int32_t* sums) {
  for (int64_t r = 0; r < m; ++r)
    for (int64_t b = 0; b < blocks; ++b) {
      const int8_t* p = q + r * stride + b * 32;
      int32_t s = 0;
      for (int j = 0; j < 32; ++j) s += p[j];
      sums[r * blocks + b] = s;
    }
}

}  // namespace qc
