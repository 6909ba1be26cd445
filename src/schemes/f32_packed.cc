// Scheme 6, f32_packed: size rule and row decoder (layout: f32_packed.h).
#include "schemes/f32_packed.h"

#include <cstring>

#include "common/checked_math.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_decode.h"
#include "schemes/weight_matrix.h"

namespace qc {

bool f32_packed_layout(uint16_t /*version*/, DType dtype, std::span<const int64_t> dims, uint64_t /*elements*/,
                       std::span<const uint8_t> /*side*/, SchemeLayout* out) {
  WeightMatrixShape s;
  if (dtype != DType::f32 || !weight_matrix_shape(dims, &s)) return false;
  uint64_t bytes;
  if (mul_overflows(static_cast<uint64_t>(f32_panel_count(s.n)) * kF32PanelWidth, static_cast<uint64_t>(s.k), &bytes) ||
      mul_overflows(bytes, 4, &bytes))
    return false;
  *out = SchemeLayout{bytes, 0};
  return true;
}

void decode_f32_packed_row(const uint8_t* payload, int64_t k, int64_t row, float* out) {
  const uint8_t* src = payload + f32_packed_row_offset(k, row) * 4;
  for (int64_t i = 0; i < k; ++i) std::memcpy(out + i, src + i * kF32PanelWidth * 4, 4);
}

}  // namespace qc
