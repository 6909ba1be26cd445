// Scheme 6, f32_packed: the f32 weight W[N, K] (weight_matrix.h) in the panel layout
// the f32 GEMM microkernels read (kernels/simd/f32_gemm_tile.h), so a bundle's bytes
// are used in place:
//   panel p = rows [8p, 8p + 8), stored k-major: payload float (p * K + k) * 8 + j
//   holds W[8p + j, k]; rows 8p + j >= N of the last panel are 0.
//   payload ceil(N / 8) * 8 * K * 4 bytes; no side data.
#pragma once
#include <cstdint>

namespace qc {

constexpr int64_t kF32PanelWidth = 8;

inline int64_t f32_panel_count(int64_t n) { return (n + kF32PanelWidth - 1) / kF32PanelWidth; }

// Offset in floats of W[row, 0] in the payload; W[row, k] is at + k * kF32PanelWidth.
inline int64_t f32_packed_row_offset(int64_t k, int64_t row) {
  return (row / kF32PanelWidth) * k * kF32PanelWidth + row % kF32PanelWidth;
}

}  // namespace qc
