// Scheme 1, f16: the f32 elements stored as IEEE binary16, in element order (any
// rank). No side data.
#include "schemes/f16.h"

#include "common/checked_math.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_decode.h"

namespace qc {

bool f16_layout(uint16_t /*version*/, DType dtype, std::span<const int64_t> /*dims*/, uint64_t elements,
                std::span<const uint8_t> /*side*/, SchemeLayout* out) {
  if (dtype != DType::f32) return false;
  uint64_t bytes;
  if (mul_overflows(elements, 2, &bytes)) return false;
  *out = SchemeLayout{bytes, 0};
  return true;
}

void decode_f16_row(const uint8_t* payload, int64_t k, int64_t row, float* out) {
  const uint8_t* p = payload + static_cast<uint64_t>(row) * static_cast<uint64_t>(k) * 2;
  for (int64_t i = 0; i < k; ++i) out[i] = load_f16(p + 2 * i);
}

}  // namespace qc
