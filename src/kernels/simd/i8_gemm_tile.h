// The register-blocked int8 microkernel shared by the int8-activation kernels
// (i8_channel, codebook, q4_block): MR activation rows x 4 weight rows. Each step
// reads 8 values of every row sign-extended to i16 by the load itself
// (v128.load8x8_s: one pmovsxbw in V8) and multiplies them pairwise into int32
// lanes (i32x4.dot_i16x8), so a loaded vector serves 4 (activations) or MR
// (weights) products and the MR * 4 accumulators stay in registers. Integer sums:
// exact in any order.
// Include only where QC_SIMD128 is 1.
#pragma once
#include <cstdint>

#include "kernels/simd/simd128.h"

namespace qc::simd {

constexpr int kI8TileRows = 4;  // weight rows per tile
constexpr int kI8Step = 8;      // values per step

template <int MR>
struct I8Tile {
  v128_t acc[MR][kI8TileRows];

  __attribute__((always_inline)) void zero() {
    for (auto& row : acc)
      for (v128_t& v : row) v = wasm_i32x4_splat(0);
  }

  // Adds the dot products of x[i][0, k8) with w[r][0, k8); k8 is a multiple of 8
  // and every row is readable that far.
  __attribute__((always_inline)) void accumulate(const int8_t* const* x, const int8_t* const* w, int64_t k8) {
    const int8_t* xp[MR];
    const int8_t* wp[kI8TileRows];
    for (int i = 0; i < MR; ++i) xp[i] = x[i];
    for (int r = 0; r < kI8TileRows; ++r) wp[r] = w[r];
    for (int32_t steps = static_cast<int32_t>(k8 / kI8Step); steps > 0; --steps) {
      v128_t xv[MR];
      for (int i = 0; i < MR; ++i) {
        xv[i] = wasm_i16x8_load8x8(xp[i]);
        xp[i] += kI8Step;
      }
      for (int r = 0; r < kI8TileRows; ++r) {
        const v128_t wv = wasm_i16x8_load8x8(wp[r]);
        wp[r] += kI8Step;
        for (int i = 0; i < MR; ++i) acc[i][r] = wasm_i32x4_add(acc[i][r], wasm_i32x4_dot_i16x8(xv[i], wv));
      }
    }
  }

  // [dot(x[i], w[0]), ..., dot(x[i], w[3])]
  __attribute__((always_inline)) v128_t row_sums(int i) const {
    return hsum4_i32x4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
  }
};

}  // namespace qc::simd
