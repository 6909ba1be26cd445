// Encoders of schemes 3 (q4_block) and 4 (q4_block_min).
// Each block's scale is chosen so that no weight is clamped by more than half a step
// (every weight decodes within |d|/2); that scale, a few slightly larger ones and (for
// q4_block) max|x|/8 when it keeps the guarantee are tried, and the one with the
// smallest squared error kept. Scales and minima are rounded to f16
// in the direction that keeps that guarantee.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "schemes/encoder_util.h"
#include "schemes/q4_block.h"
#include "schemes/weight_encoders.h"

namespace qc {

namespace {

constexpr int kScaleCandidates = 8;
constexpr float kScaleStep = 0.02f;  // candidate t is base * (1 + t * kScaleStep)

uint16_t f16_next_up(uint16_t h) {
  if ((h & 0x7fff) == 0) return 0x0001;
  return (h & 0x8000) ? h - 1 : h + 1;
}
uint16_t f16_next_down(uint16_t h) { return f16_next_up(h ^ 0x8000) ^ 0x8000; }

uint16_t f16_round_up(float x) {
  const uint16_t h = f32_to_f16(x);
  return f16_to_f32(h) < x ? f16_next_up(h) : h;
}
uint16_t f16_round_down(float x) {
  const uint16_t h = f32_to_f16(x);
  return f16_to_f32(h) > x ? f16_next_down(h) : h;
}

void require_f16_range(uint16_t h, const char* what) {
  if ((h & 0x7c00) == 0x7c00)
    fail(Errc::invalid_argument, std::string("encode q4 block: ") + what + " exceeds the f16 range (weights too large)");
}

void pack_nibbles(const uint8_t q[kQ4BlockLen], uint8_t qs[kQ4BlockLen / 2]) {
  for (int j = 0; j < kQ4BlockLen / 2; ++j) qs[j] = static_cast<uint8_t>(q[j] | (q[j + kQ4BlockLen / 2] << 4));
}

// Quantizes x[0..count) with q = clamp(round((x - offset) / d) + bias, 0, 15) and
// returns the squared error of d * (q - bias) + offset; q[count..32) = pad.
double quantize(const float* x, int64_t count, float d, float offset, int bias, uint8_t pad, uint8_t q[kQ4BlockLen]) {
  double sse = 0;
  for (int64_t j = 0; j < count; ++j) {
    long v = d != 0 ? std::lround((x[j] - offset) / d) + bias : bias;
    v = std::clamp(v, 0L, 15L);
    q[j] = static_cast<uint8_t>(v);
    const double e = static_cast<double>(x[j]) - (static_cast<double>(d) * static_cast<double>(v - bias) + offset);
    sse += e * e;
  }
  for (int64_t j = count; j < kQ4BlockLen; ++j) q[j] = pad;
  return sse;
}

// The candidate among base * (1 + t * step) and `extra` (when >= base) with the
// smallest squared error; returns the f16 bits of |d|.
template <class Try> uint16_t best_scale(float base, float extra, Try try_scale) {
  uint16_t best = 0;
  double best_sse = INFINITY;
  for (int t = 0; t <= kScaleCandidates; ++t) {
    const float cand = t < kScaleCandidates ? base * (1.0f + kScaleStep * static_cast<float>(t)) : extra;
    if (!(cand >= base)) continue;
    const uint16_t h = f16_round_up(cand);
    require_f16_range(h, "block scale");
    const double sse = try_scale(f16_to_f32(h));
    if (sse < best_sse) best_sse = sse, best = h;
  }
  return best;
}

void encode_block_q4(const float* x, int64_t count, uint8_t* dst) {
  const auto [lo_it, hi_it] = std::minmax_element(x, x + count);
  const float lo = *lo_it, hi = *hi_it;
  // q - 8 spans [-8, 7]: with d > 0 that needs x/d in [-8.5, 7.5], with d < 0 mirrored.
  const float pos = std::max(hi / 7.5f, -lo / 8.5f), neg = std::max(-lo / 7.5f, hi / 8.5f);
  const float sign = pos <= neg ? 1.0f : -1.0f;
  const float base = std::min(pos, neg);
  // Also try the largest |x| at q - 8 = -8, which fits when the other side is small enough.
  const float extra = std::max(hi, -lo) / 8.0f;
  uint8_t q[kQ4BlockLen];
  BlockQ4 b{};
  if (base > 0) {
    const uint16_t mag = best_scale(base, extra, [&](float d) { return quantize(x, count, sign * d, 0, 8, 8, q); });
    b.d = sign < 0 ? static_cast<uint16_t>(mag | 0x8000) : mag;
  }
  quantize(x, count, f16_to_f32(b.d), 0, 8, 8, q);
  pack_nibbles(q, b.qs);
  std::memcpy(dst, &b, sizeof b);
}

void encode_block_q4_min(const float* x, int64_t count, uint8_t* dst) {
  const auto [lo_it, hi_it] = std::minmax_element(x, x + count);
  BlockQ4Min b{};
  b.m = f16_round_down(*lo_it);
  require_f16_range(b.m, "block minimum");
  const float m = f16_to_f32(b.m);
  const float base = (*hi_it - m) / 15.0f;
  uint8_t q[kQ4BlockLen];
  if (base > 0) b.d = best_scale(base, 0, [&](float d) { return quantize(x, count, d, m, 0, 0, q); });
  quantize(x, count, f16_to_f32(b.d), m, 0, 0, q);
  pack_nibbles(q, b.qs);
  std::memcpy(dst, &b, sizeof b);
}

}  // namespace

ConstData encode_q4_block(const float* w, const std::vector<int64_t>& dims, bool with_min) {
  const char* name = with_min ? "q4_block_min" : "q4_block";
  const WeightMatrixShape s = encoder::matrix_shape(dims, name);
  encoder::require_finite(w, static_cast<uint64_t>(s.n) * static_cast<uint64_t>(s.k), name);
  const int64_t blocks = q4_blocks_per_row(s.k);
  const size_t block_bytes = with_min ? sizeof(BlockQ4Min) : sizeof(BlockQ4);
  std::vector<uint8_t> payload(static_cast<size_t>(s.n * blocks) * block_bytes);
  uint8_t* dst = payload.data();
  for (int64_t n = 0; n < s.n; ++n) {
    for (int64_t b = 0; b < blocks; ++b, dst += block_bytes) {
      const float* x = w + n * s.k + b * kQ4BlockLen;
      const int64_t count = std::min(kQ4BlockLen, s.k - b * kQ4BlockLen);
      with_min ? encode_block_q4_min(x, count, dst) : encode_block_q4(x, count, dst);
    }
  }
  return encoder::package(with_min ? SchemeId::q4_block_min : SchemeId::q4_block, std::move(payload));
}

}  // namespace qc
