// Data a kernel derives from a stored weight once per plan instead of on every run
// (the plan keeps it beside the constant: TensorRef::prepared, WeightView::prepared).
//   q4_block, q4_block_min: the f16 block scales (and mins) as f32, 4 rows at a
//     time, so a kernel over 4 weight rows reads one block's 4 scales with one load.
//     For groups g of rows 4g .. 4g + 3 (rows past the last repeat it) and blocks b:
//     [g][b][d of the 4 rows][m of the 4 rows, q4_block_min only]. 4 bytes per
//     block of 32 weights (8 with mins), beside the 18 (20) stored.
//   codebook with 2- or 3-bit indices: the indices widened to 4 bits in the 4-bit
//     layout (row r at r * ceil(K / 2), element j in the low nibble of byte j / 2 when
//     j is even, the high one when odd), so they run the 4-bit kernels: 2x (2-bit)
//     or 1.33x (3-bit) the stored index bytes, still 8x smaller than f32.
#pragma once
#include <cstddef>

#include "kernels/quant/weight_view.h"

namespace qc {

// Bytes of prepared data for the rows of `w`; 0 when its scheme has none.
size_t prepared_bytes(const WeightView& w);

// Fills `out` (prepared_bytes(w), 16-byte aligned) for the rows of `w`.
void prepare_weight(const WeightView& w, void* out);

// q4: the prepared groups of `w`'s rows: from w.prepared (made for the whole tensor)
// when the view starts on a group, else prepared into per-thread scratch.
const float* prepared_groups(const WeightView& w);

// A 2- or 3-bit codebook view with prepared indices as the same weight read as 4-bit
// indices (same tables); any other view as it is.
WeightView prepared_codebook4_view(const WeightView& w);

}  // namespace qc
