#include "kernels/simd/i8_pair_tile.h"

#if QC_SIMD128
namespace qc::simd {

namespace {

// 8 values of each of 4 int8 rows as int16 pairs [pair p][row r], p = 0..3, written at
// out + p * out_stride.
void transpose_pairs(const int8_t* const* rows, ptrdiff_t at, int32_t* out, ptrdiff_t out_stride) {
  v128_t v[4];
  for (int r = 0; r < 4; ++r) v[r] = rows[r] ? wasm_i16x8_load8x8(rows[r] + at) : wasm_i32x4_splat(0);
  const auto zip_lo = [](v128_t a, v128_t b) { return wasm_i32x4_shuffle(a, b, 0, 4, 1, 5); };
  const auto zip_hi = [](v128_t a, v128_t b) { return wasm_i32x4_shuffle(a, b, 2, 6, 3, 7); };
  const v128_t lo02 = zip_lo(v[0], v[2]), lo13 = zip_lo(v[1], v[3]);
  const v128_t hi02 = zip_hi(v[0], v[2]), hi13 = zip_hi(v[1], v[3]);
  wasm_v128_store(out, zip_lo(lo02, lo13));
  wasm_v128_store(out + out_stride, zip_hi(lo02, lo13));
  wasm_v128_store(out + 2 * out_stride, zip_lo(hi02, hi13));
  wasm_v128_store(out + 3 * out_stride, zip_hi(hi02, hi13));
}

}  // namespace

void widen_pair_groups(const int8_t* xq, ptrdiff_t stride, ptrdiff_t m, ptrdiff_t k8, int32_t* out) {
  for (ptrdiff_t m0 = 0; m0 < m; m0 += kPairTileRows, out += pair_group_size(k8)) {
    const int8_t* rows[kPairTileRows];
    for (ptrdiff_t i = 0; i < kPairTileRows; ++i) rows[i] = m0 + i < m ? xq + (m0 + i) * stride : nullptr;
    for (ptrdiff_t k = 0; k < k8; k += 8) transpose_pairs(rows, k, out + k / 2 * kPairTileRows, kPairTileRows);
  }
}

void pack_pair_panel(const int8_t* const* rows, ptrdiff_t k8, int32_t* out) {
  for (ptrdiff_t k = 0; k < k8; k += 8)
    for (int half = 0; half < 2; ++half)
      transpose_pairs(rows + 4 * half, k, out + k / 2 * kPairPanelRows + 4 * half, kPairPanelRows);
}

}  // namespace qc::simd
#endif
