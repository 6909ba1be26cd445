// Encoder of scheme 1, f16.
#include <cstring>

#include "schemes/encoder_util.h"
#include "schemes/f16.h"
#include "schemes/weight_encoders.h"

namespace qc {

ConstData encode_f16(const float* w, const std::vector<int64_t>& dims) {
  const uint64_t count = encoder::element_count(dims, "f16");
  std::vector<uint8_t> payload(count * 2);
  for (uint64_t i = 0; i < count; ++i) {
    const uint16_t h = f32_to_f16(w[i]);
    std::memcpy(payload.data() + 2 * i, &h, 2);
  }
  return encoder::package(SchemeId::f16, std::move(payload));
}

}  // namespace qc
