// Codebook centroids quantized to int8 for the int8-activation kernels: each table
// (one per tensor, or one per row of the view when per channel) gets the symmetric
// scale max|c| / 127 and entries round(c / scale). Computed per call from the side
// data: at most 256 entries per table, not an inflation of the weight.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/quant/weight_view.h"

namespace qc {

struct CodebookLutI8 {
  std::vector<int8_t> lut;  // [tables][stride], entries past 2^bits are 0
  std::vector<float> scale;  // [tables]
  int64_t stride = 0;        // max(16, 2^bits)
};

void build_codebook_lut_i8(const WeightView& w, CodebookLutI8* out);

}  // namespace qc
