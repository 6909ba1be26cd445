// Scheme 0, dense: the elements of the value's dtype stored raw, little-endian,
// row-major. No side data.
#include "common/checked_math.h"
#include "schemes/scheme_table.h"

namespace qc {

bool dense_layout(uint16_t /*version*/, DType dtype, std::span<const int64_t> /*dims*/, uint64_t elements,
                  std::span<const uint8_t> /*side*/, SchemeLayout* out) {
  const size_t width = dtype_size(dtype);
  if (width == 0) return false;
  uint64_t bytes;
  if (mul_overflows(elements, width, &bytes)) return false;
  *out = SchemeLayout{bytes, 0};
  return true;
}

}  // namespace qc
