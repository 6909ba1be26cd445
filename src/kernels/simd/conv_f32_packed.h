// SIMD128 2-D convolution with an f32_packed weight (schemes/f32_packed.h), for
// kernels/ref/conv.cc: an implicit GEMM Y[channel][pixel] = W[channel][K] *
// X_cols[K][pixel] with the f32 microkernel (kernels/simd/f32_gemm_tile.h). The
// unfolded input (im2col) is never materialized: 8 output pixels of one output row
// at a time are multiplied by every output channel's weight row (read in place from
// the bundle). With stride 1 and all taps inside the image the microkernel reads the
// 8 inputs of each tap straight from X through a table of K tap offsets (XNNPACK's
// indirection idea, without pointers); elsewhere (padding, strides, row ends) the 8
// pixels are first packed into a [K][8] panel. Depthwise convolutions (one input and one output channel
// per group) run a direct kernel instead. Bias and activation are applied as the
// output tile is stored (NCHW, contiguous along pixels).
#pragma once
#include <cstdint>

#include "graph/activation.h"
#include "kernels/quant/weight_view.h"
#include "kernels/ref/conv_geometry.h"
#include "kernels/simd/simd_available.h"

namespace qc {

struct ConvF32PackedArgs {
  const float* x = nullptr;         // the group's input channels: channels planes of g->in[1] * g->in[2]
  int64_t channels = 0;             // input channels of the group (w->k = channels * kh * kw)
  const WindowGeometry* g = nullptr;  // rank 2
  const WeightView* w = nullptr;    // the group's output channels (rows), scheme f32_packed
  const float* bias = nullptr;      // [w->n] or null
  Activation act;
  float* y = nullptr;               // w->n planes of g->out_size()
};

#if QC_SIMD128
void conv2d_f32_packed_simd(const ConvF32PackedArgs& a);
#endif

}  // namespace qc
