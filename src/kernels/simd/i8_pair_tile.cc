#include "kernels/simd/i8_pair_tile.h"

#include <vector>

#include "common/scratch.h"

#if QC_SIMD128
namespace qc::simd {

namespace {

// 8 values of each of 4 int8 rows as int16 pairs [pair p][row r], p = 0..3, written at
// out + p * out_stride.
void transpose_pairs(const int8_t* const* rows, ptrdiff_t at, int32_t* out, ptrdiff_t out_stride) {
  v128_t v[4], t[4];
  for (int r = 0; r < 4; ++r) v[r] = rows[r] ? wasm_i16x8_load8x8(rows[r] + at) : wasm_i32x4_splat(0);
  transpose_i32x4(v, t);
  for (int p = 0; p < 4; ++p) wasm_v128_store(out + p * out_stride, t[p]);
}

}  // namespace

const int32_t* pair_groups(const int8_t* xq, ptrdiff_t stride, ptrdiff_t m, ptrdiff_t k8) {
  thread_local std::vector<int32_t> groups;
  int32_t* const first = scratch(groups, (m + kPairTileRows - 1) / kPairTileRows * pair_group_size(k8));
  int32_t* out = first;
  for (ptrdiff_t m0 = 0; m0 < m; m0 += kPairTileRows, out += pair_group_size(k8)) {
    const int8_t* rows[kPairTileRows];
    for (ptrdiff_t i = 0; i < kPairTileRows; ++i) rows[i] = m0 + i < m ? xq + (m0 + i) * stride : nullptr;
    for (ptrdiff_t k = 0; k < k8; k += 8) transpose_pairs(rows, k, out + k / 2 * kPairTileRows, kPairTileRows);
  }
  return first;
}

const int32_t* pair_panel(const int8_t* const* rows, ptrdiff_t k8) {
  thread_local std::vector<int32_t> panel;
  int32_t* const out = scratch(panel, k8 / 2 * kPairPanelRows);
  for (ptrdiff_t k = 0; k < k8; k += 8)
    for (int half = 0; half < 2; ++half)
      transpose_pairs(rows + 4 * half, k, out + k / 2 * kPairPanelRows + 4 * half, kPairPanelRows);
  return out;
}

}  // namespace qc::simd
#endif
