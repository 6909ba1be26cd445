// Compressed weights are matrices W[N, K]: N = dims[0] (output channels), K = the
// product of the remaining dims (Conv: C/group * kh * kw), rows stored in order.
#pragma once
#include <cstdint>
#include <limits>
#include <span>

#include "common/checked_math.h"

namespace qc {

struct WeightMatrixShape {
  int64_t n = 0, k = 0;
};

// False for rank 0, a negative dim, or a K that does not fit in int64.
inline bool weight_matrix_shape(std::span<const int64_t> dims, WeightMatrixShape* out) {
  if (dims.empty() || dims[0] < 0) return false;
  uint64_t k = 0;
  if (!checked_product(dims.subspan(1), std::numeric_limits<int64_t>::max(), &k)) return false;
  *out = WeightMatrixShape{dims[0], static_cast<int64_t>(k)};
  return true;
}

}  // namespace qc
