// Encoder of scheme 2, i8_channel: symmetric int8 with one scale per row.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "schemes/encoder_util.h"
#include "schemes/weight_encoders.h"

namespace qc {

ConstData encode_i8_channel(const float* w, const std::vector<int64_t>& dims) {
  const WeightMatrixShape s = encoder::matrix_shape(dims, "i8_channel");
  const uint64_t count = static_cast<uint64_t>(s.n) * static_cast<uint64_t>(s.k);
  encoder::require_finite(w, count, "i8_channel");
  std::vector<uint8_t> payload(count), side(static_cast<size_t>(s.n) * 4);
  for (int64_t n = 0; n < s.n; ++n) {
    const float* row = w + n * s.k;
    float amax = 0;
    for (int64_t i = 0; i < s.k; ++i) amax = std::max(amax, std::fabs(row[i]));
    float scale = amax / 127.0f;
    if (!(scale > 0)) scale = amax > 0 ? amax : 1.0f;  // all-zero row (q = 0), or amax / 127 underflowed
    std::memcpy(side.data() + 4 * n, &scale, 4);
    auto* q = reinterpret_cast<int8_t*>(payload.data()) + n * s.k;
    for (int64_t i = 0; i < s.k; ++i)
      q[i] = static_cast<int8_t>(std::clamp(std::lround(row[i] / scale), -127L, 127L));
  }
  return encoder::package(SchemeId::i8_channel, std::move(payload), std::move(side));
}

}  // namespace qc
