// Direct int8 2-D convolution with output pixels in SIMD lanes, for CompressedConv
// (kernels/quant/compressed_conv): stride 1, dilation 1, any pads and groups, an
// integer weight (i8_channel, codebook through its int8 centroid table, or q4_block
// with a float fold per block of 32) and int8 activations.
// Per Conv call the weight is decoded once into int16 tap pairs, two taps as one
// int32, 4 output channels interleaved per step: (w[ky][2p], w[ky][2p + 1]) along each
// kernel row and, for an odd kw, the last column in vertical pairs (w[2j][kw - 1],
// w[2j + 1][kw - 1]) (an odd kh's last paired with 0; 13 steps instead of 15 for 5x5).
// Per (image, group) plane the quantized input is zero-padded and expanded to
// E[c][y][x] = (x[c][y][x], x[c][y][x + 1]) (and, for an odd kw, a second plane of
// (x[c][y][x], x[c][y + 1][x])), so a pair of 4 consecutive output pixels is one
// v128.load of E, the weight pair one v128.load32_splat, and i32x4.dot_i16x8 adds
// 4 pixels x 2 taps. No im2col, no horizontal sums: a tile of 2 pixel quads x 4
// channels gets the float epilogue of qgemm_epilogue.h lane by lane (the reference's
// IEEE operations, so outputs are bit-identical) and is stored straight into NCHW.
#pragma once
#include <cstdint>

#include "graph/activation.h"
#include "kernels/quant/weight_view.h"
#include "kernels/ref/conv_geometry.h"

namespace qc {

struct ConvI8DirectPlane {
  const int8_t* x = nullptr;    // the group's channels, in_h * in_w int8 each: x ~ xq * x_scale
  float x_scale = 0;
  int64_t group = 0;
  const float* bias = nullptr;  // the group's output channels, or null
  float* y = nullptr;           // the group's output planes
};

// A Conv call's weight and geometry as the kernel reads them.
struct ConvI8Direct {
  const WindowGeometry* g = nullptr;
  int64_t channels = 0, out_channels = 0;  // per group
  int64_t blocks = 0, steps = 0;           // 4-channel blocks per group; pair steps per output channel
  int64_t e_rows = 0, e_width = 0;         // E: channels x e_rows x e_width int32
  const int32_t* pairs = nullptr;          // [groups][blocks][steps][4]
  const int32_t* offsets = nullptr;        // [steps]: where in E each step reads, bytes from its pixels
  const float* w_scale = nullptr;          // [groups * out_channels]; q4_block: null
  // q4_block: the steps grouped by block of 32 taps (a pair that straddles two blocks
  // is split in two), block q being steps [block_steps[q], block_steps[q + 1]), and
  // each block's int32 sums folded into float with its scale, block_d
  // [groups * out_channels][q4_blocks], in block order as the reference does.
  int64_t q4_blocks = 0;
  const int32_t* block_steps = nullptr;
  const float* block_d = nullptr;
};

// Whether the kernel can run the Conv (SIMD128 builds; geometry and scheme only, the
// caller checks that activations are int8).
bool conv_i8_direct_applies(const WindowGeometry& g, const WeightView& w);

// The entry points are called through these pointers (variables, so neither clang
// nor binaryen turns the calls into direct ones): binaryen inlines a function that
// has one caller, and inside the big Conv driver V8 compiled the f32 Conv loops
// ~35% slower.
// prepare: decodes every group's rows of w (w.n = groups * out_channels) into this
// thread's scratch, valid until the next prepare on this thread; `channels`: input
// channels per group. run: one (image, group) plane; may split the group's output
// channels across threads.
extern void (*conv_i8_direct_prepare)(const WindowGeometry& g, int64_t channels, int64_t groups, const WeightView& w,
                                      ConvI8Direct* out);
extern void (*conv_i8_direct_run)(const ConvI8Direct& d, const ConvI8DirectPlane& p, const Activation& act);

}  // namespace qc
