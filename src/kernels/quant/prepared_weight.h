// Data a kernel derives from a stored weight once per plan instead of on every run.
// Only the 4-bit block schemes have any: their f16 block scales (and mins) as f32,
// 4 rows at a time, so a kernel over 4 weight rows reads one block's 4 scales with
// one load. Layout, for groups g of rows 4g .. 4g + 3 (rows past the view's last
// repeat it) and blocks b: [g][b][d of the 4 rows][m of the 4 rows, q4_block_min].
// 4 bytes per block of 32 weights (8 with mins), beside the 18 (20) stored.
#pragma once
#include <cstddef>

#include "kernels/quant/weight_view.h"

namespace qc {

// Floats per group of 4 rows; 0 when the scheme has nothing to prepare.
size_t prepared_group_floats(const WeightView& w);
inline size_t prepared_floats(const WeightView& w) {
  return static_cast<size_t>((w.n + 3) / 4) * prepared_group_floats(w);
}

// Fills `out` (prepared_floats(w) of them) for the view's rows.
void prepare_weight(const WeightView& w, float* out);

// The prepared groups of `w`'s rows: w.prepared when it was made for the whole
// tensor and the view starts on a group, else prepared into per-thread scratch.
const float* prepared_groups(const WeightView& w);

}  // namespace qc
