// The int8 microkernel for several activation rows (batch > 1 Gemm, im2col Conv):
// kPairTileRows activation rows x kPairPanelRows weight rows. Both sides are stored
// as int16 pairs (v[2j], v[2j + 1]), one int32 each: a group of activation rows as
// [pair j][row], a panel of weight rows as [pair j][row]. Per pair a splat of one
// activation pair (v128.load32_splat: a load, no shuffle) meets one vector of 4
// weight rows' pairs in i32x4.dot_i16x8, so every lane is one output and no
// horizontal sums are needed; a q4 block's float fold is a convert and a
// multiply-add per accumulator. Integer sums: exact in any order.
// Include only where QC_SIMD128 is 1.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/simd/simd128.h"

namespace qc::simd {

constexpr int kPairTileRows = 4;   // activation rows per tile (a group)
constexpr int kPairPanelRows = 8;  // weight rows per panel (two vectors)

struct PairTile {
  v128_t acc[kPairTileRows][2];

  __attribute__((always_inline)) void zero() {
    for (auto& row : acc)
      for (v128_t& v : row) v = wasm_i32x4_splat(0);
  }

  // Adds `steps` pairs of a group (x: [steps][kPairTileRows]) times a panel
  // (w: [steps][kPairPanelRows]).
  __attribute__((always_inline)) void accumulate(const int32_t* x, const int32_t* w, ptrdiff_t steps) {
    for (const int32_t* end = w + steps * kPairPanelRows; w != end; w += kPairPanelRows, x += kPairTileRows) {
      const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
      for (int i = 0; i < kPairTileRows; ++i) {
        const v128_t xv = wasm_v128_load32_splat(x + i);
        acc[i][0] = wasm_i32x4_add(acc[i][0], wasm_i32x4_dot_i16x8(xv, w0));
        acc[i][1] = wasm_i32x4_add(acc[i][1], wasm_i32x4_dot_i16x8(xv, w1));
      }
    }
  }
};

// Groups of activation rows: rows [0, m) of xq (row stride `stride` bytes, each
// readable and zero from K to k8, a multiple of 8) as ceil(m / 4) groups of
// [k8 / 2][4] pairs, pair_group_size(k8) each; rows past m are zero. In this thread's
// scratch, valid until its next call.
inline ptrdiff_t pair_group_size(ptrdiff_t k8) { return k8 / 2 * kPairTileRows; }
const int32_t* pair_groups(const int8_t* xq, ptrdiff_t stride, ptrdiff_t m, ptrdiff_t k8);

// A panel of 8 int8 weight rows (each readable for k8 bytes) as [k8 / 2][8] pairs, in
// this thread's scratch, valid until its next call.
const int32_t* pair_panel(const int8_t* const* rows, ptrdiff_t k8);

}  // namespace qc::simd
