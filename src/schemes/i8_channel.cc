// Scheme 2, i8_channel: symmetric int8 per output channel.
//   payload: int8 q[N][K] row-major;  side: f32 scale[N];  w[n,k] = scale[n] * q[n,k]
#include <cstring>

#include "common/checked_math.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_decode.h"
#include "schemes/weight_matrix.h"

namespace qc {

bool i8_channel_layout(uint16_t /*version*/, DType dtype, std::span<const int64_t> dims, uint64_t elements,
                       std::span<const uint8_t> /*side*/, SchemeLayout* out) {
  WeightMatrixShape s;
  if (dtype != DType::f32 || !weight_matrix_shape(dims, &s)) return false;
  uint64_t side;
  if (mul_overflows(static_cast<uint64_t>(s.n), 4, &side)) return false;
  *out = SchemeLayout{elements, side};
  return true;
}

void decode_i8_channel_row(const uint8_t* payload, const uint8_t* side, int64_t k, int64_t row, float* out) {
  float scale;
  std::memcpy(&scale, side + 4 * row, 4);
  const auto* q = reinterpret_cast<const int8_t*>(payload) + row * k;
  for (int64_t i = 0; i < k; ++i) out[i] = scale * static_cast<float>(q[i]);
}

}  // namespace qc
