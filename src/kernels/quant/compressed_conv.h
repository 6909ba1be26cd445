// Conv on a compressed weight through im2col: for one (image, group) plane, blocks
// of output pixels are unfolded into rows of K = C/group * kh * kw, multiplied by the
// group's compressed weight rows (compressed_gemm) and scattered to NCHW. When the
// kernel takes int8 activations, the plane is quantized once with one scale (static:
// the calibrated x_scale; dynamic: max |x| / 127 of the plane) and its bytes are
// unfolded; float activations are unfolded as floats. Bias and activation are
// applied by the GEMM kernels.
#pragma once
#include <cstdint>

#include "graph/activation.h"
#include "kernels/quant/weight_view.h"
#include "kernels/ref/conv_geometry.h"

namespace qc {

struct CompressedConvPlane {
  const float* x = nullptr;  // the group's input channels
  const WeightView* w = nullptr;
  const float* bias = nullptr;
  float* y = nullptr;  // the group's output channels
};

class CompressedConv {
 public:
  CompressedConv(const WindowGeometry& g, int64_t channels, const WeightView& w, const ActQuant& aq,
                 const Activation& act);
  void run(const CompressedConvPlane& p) const;

 private:
  const WindowGeometry& g_;
  int64_t channels_;
  ActQuant aq_;
  Activation act_;
  int64_t k_;
  bool int8_input_;
  int64_t row_bytes_, block_;
};

}  // namespace qc
