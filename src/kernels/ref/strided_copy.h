// Copies a strided view of a tensor into a contiguous output (Transpose, Slice).
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/ref/broadcast.h"

namespace qc {

// dst[i_0, ..., i_r-1] = src[base + sum_k i_k * strides[k]] for i over `dims`, row-major.
template <class T>
void strided_copy(const T* src, int64_t base, const std::vector<int64_t>& dims, const std::vector<int64_t>& strides,
                  T* dst) {
  BroadcastPlan<1> plan{dims, {strides}};
  for_each_broadcast_row(plan, [&](const std::array<int64_t, 1>& off, int64_t o, int64_t n,
                                   const std::array<int64_t, 1>& s) {
    const T* x = src + base + off[0];
    T* y = dst + o;
    if (s[0] == 1) {
      for (int64_t j = 0; j < n; ++j) y[j] = x[j];
    } else {
      for (int64_t j = 0; j < n; ++j) y[j] = x[j * s[0]];
    }
  });
}

}  // namespace qc
