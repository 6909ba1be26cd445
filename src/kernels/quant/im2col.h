// Unfolding of a 2-D sliding window (im2col) for Conv with a compressed weight:
// each output pixel becomes one row of K = channels * kh * kw inputs, in the
// order of the OIHW weight's flattened rows (channel, kernel row, kernel column).
#pragma once
#include <cstdint>

#include "kernels/ref/conv_geometry.h"

namespace qc {

// Rows [p0, p0 + rows) of the unfolded input: row p is output pixel
// (p / out_w, p % out_w); inputs outside the image (padding) are 0. `x` holds
// `channels` planes of in_h * in_w; `g` is a rank-2 geometry. Row i starts at
// out + i * row_stride (row_stride >= K); values K .. row_stride - 1 are set to 0.
void im2col_2d(const float* x, int64_t channels, const WindowGeometry& g, int64_t p0, int64_t rows, float* out,
               int64_t row_stride);
// The same on int8 inputs (activations already quantized with one scale).
void im2col_2d(const int8_t* x, int64_t channels, const WindowGeometry& g, int64_t p0, int64_t rows, int8_t* out,
               int64_t row_stride);

}  // namespace qc
