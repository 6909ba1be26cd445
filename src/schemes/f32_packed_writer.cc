// Encoder of scheme 6, f32_packed: the f32 weight rearranged into panels (f32_packed.h).
#include <cstring>

#include "schemes/encoder_util.h"
#include "schemes/f32_packed.h"
#include "schemes/weight_encoders.h"

namespace qc {

ConstData encode_f32_packed(const float* w, const std::vector<int64_t>& dims) {
  const WeightMatrixShape s = encoder::matrix_shape(dims, "f32_packed");
  const uint64_t padded = static_cast<uint64_t>(f32_panel_count(s.n) * kF32PanelWidth) * static_cast<uint64_t>(s.k);
  std::vector<float> packed(padded, 0.f);
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t i = 0; i < s.k; ++i) packed[f32_packed_row_offset(s.k, n) + i * kF32PanelWidth] = w[n * s.k + i];
  std::vector<uint8_t> payload(padded * 4);
  if (padded) std::memcpy(payload.data(), packed.data(), payload.size());
  return encoder::package(SchemeId::f32_packed, std::move(payload));
}

}  // namespace qc
