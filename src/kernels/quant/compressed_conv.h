// Conv on a compressed weight through im2col: for one (image, group) plane, blocks
// of output pixels are unfolded into rows of K = C/group * kh * kw, multiplied by the
// group's compressed weight rows (compressed_gemm) and scattered to NCHW. When the
// kernel takes int8 activations, the plane is quantized once with one scale (static:
// the calibrated x_scale; dynamic: max |x| / 127 of the plane) and its bytes are
// unfolded; float activations are unfolded as floats. Bias and activation are
// applied by the GEMM kernels.
// With int8 activations, stride 1 and dilation 1, an i8_channel or codebook weight
// runs the direct kernel of kernels/simd/conv_i8_direct instead (same outputs, bit
// for bit; no im2col).
#pragma once
#include <cstdint>

#include "graph/activation.h"
#include "kernels/quant/compressed_gemm.h"
#include "kernels/quant/weight_view.h"
#include "kernels/ref/conv_geometry.h"
#include "kernels/simd/conv_i8_direct.h"

namespace qc {

struct CompressedConvPlane {
  const float* x = nullptr;  // the group's input channels
  const WeightView* w = nullptr;
  const float* bias = nullptr;
  float* y = nullptr;  // the group's output channels
  int64_t group = 0;   // w: rows [group * w->n, (group + 1) * w->n) of the whole weight
};

class CompressedConv {
 public:
  // w: the whole weight (groups * output channels per group rows); channels: input
  // channels per group. QGemmImpl::reference runs im2col + the reference GEMM (tests).
  // A direct kernel decodes w here into this thread's scratch (conv_i8_direct.h).
  CompressedConv(const WindowGeometry& g, int64_t channels, int64_t groups, const WeightView& w, const ActQuant& aq,
                 const Activation& act, QGemmImpl impl = QGemmImpl::best);
  void run(const CompressedConvPlane& p) const;
  bool direct() const { return direct_; }

 private:
  const WindowGeometry& g_;
  int64_t channels_;
  ActQuant aq_;
  Activation act_;
  int64_t k_;
  bool int8_input_, direct_;
  QGemmImpl impl_;
  int64_t row_bytes_, block_;
  ConvI8Direct direct_conv_;
};

}  // namespace qc
