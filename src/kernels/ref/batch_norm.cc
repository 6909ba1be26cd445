// BatchNormalization in inference mode over NC... tensors (rank >= 2):
//   y = scale * (x - mean) / sqrt(var + epsilon) + B, per channel (dim 1).
#include <cmath>

#include "kernels/ref/same_shape_checks.h"
#include "kernels/ref/shape_util.h"

namespace qc {

void check_batch_norm(const Node& node, const std::vector<const TensorRef*>& in) {
  if (node.attr_i("training_mode", 0) != 0)
    fail_node(node, Errc::unsupported_op, "training_mode=1 is not supported (inference only)");
  const TensorRef& x = *in[0];
  require_dtype(node, x.dtype, {DType::f32}, "X");
  if (x.dims.size() < 2)
    fail_node(node, Errc::shape_mismatch, "X must have rank >= 2 (N, C, ...), got dims " + dims_text(x.dims));
  static const char* const kNames[] = {"X", "scale", "B", "input_mean", "input_var"};
  for (size_t i = 1; i < 5; ++i) {
    const TensorRef& p = req_input(node, in, i);
    require_dtype(node, p.dtype, {DType::f32}, kNames[i]);
    const bool ok = p.dims.size() == 1 && (p.dims[0] == x.dims[1] || p.dims[0] < 0 || x.dims[1] < 0);
    if (!ok)
      fail_node(node, Errc::shape_mismatch,
              std::string(kNames[i]) + " must have dims [C] with C = " + std::to_string(x.dims[1]) + ", got " +
                  dims_text(p.dims));
  }
}

void ref_batch_norm(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const TensorRef& x = *in[0];
  const float* scale = in[1]->as<const float>();
  const float* bias = in[2]->as<const float>();
  const float* mean = in[3]->as<const float>();
  const float* var = in[4]->as<const float>();
  const float eps = node.attr_f("epsilon", 1e-5f);
  const int64_t n = x.dims[0], c = x.dims[1];
  int64_t spatial = 1;
  for (size_t d = 2; d < x.dims.size(); ++d) spatial *= x.dims[d];
  const float* px = x.as<const float>();
  float* py = out[0]->as<float>();
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const float a = scale[ch] / std::sqrt(var[ch] + eps);
      const float shift = bias[ch] - a * mean[ch];
      const int64_t base = (b * c + ch) * spatial;
      for (int64_t i = 0; i < spatial; ++i) py[base + i] = a * px[base + i] + shift;
    }
  }
}

}  // namespace qc
