// Softmax and LogSoftmax over one axis (opset 13), or over the trailing block of
// a 2-D coercion at the axis when attr legacy_2d == 1 (opset < 13).
#include <algorithm>
#include <cmath>

#include "kernels/ref/same_shape_checks.h"
#include "kernels/ref/shape_util.h"

namespace qc {

namespace {

// The input seen as [outer, n, inner] with softmax over n.
struct SoftmaxView {
  int64_t outer = 1, n = 1, inner = 1;
};

SoftmaxView softmax_view(const Node& node, const std::vector<int64_t>& dims) {
  const bool legacy = node.attr_i("legacy_2d", 0) == 1;
  const int64_t rank = static_cast<int64_t>(dims.size());
  const int64_t axis = normalize_axis(node, node.attr_i("axis", legacy ? 1 : -1), rank);
  SoftmaxView v;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) v.outer *= dims[d];
    else if (d == axis || legacy) v.n *= dims[d];
    else v.inner *= dims[d];
  }
  return v;
}

void softmax_kernel(const Node& node, const TensorRef& x, const TensorRef& y, bool log) {
  const SoftmaxView v = softmax_view(node, x.dims);
  const float* px = x.as<const float>();
  float* py = y.as<float>();
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t i = 0; i < v.inner; ++i) {
      const float* xs = px + o * v.n * v.inner + i;
      float* ys = py + o * v.n * v.inner + i;
      float mx = -INFINITY;
      for (int64_t k = 0; k < v.n; ++k) mx = std::max(mx, xs[k * v.inner]);
      double sum = 0;
      for (int64_t k = 0; k < v.n; ++k) sum += std::exp(static_cast<double>(xs[k * v.inner] - mx));
      if (log) {
        const float lse = static_cast<float>(std::log(sum));
        for (int64_t k = 0; k < v.n; ++k) ys[k * v.inner] = xs[k * v.inner] - mx - lse;
      } else {
        const double inv = 1.0 / sum;
        for (int64_t k = 0; k < v.n; ++k)
          ys[k * v.inner] = static_cast<float>(std::exp(static_cast<double>(xs[k * v.inner] - mx)) * inv);
      }
    }
  }
}

}  // namespace

void check_softmax(const Node& node, const std::vector<const TensorRef*>& in) {
  require_dtype(node, in[0]->dtype, {DType::f32}, "input");
  softmax_view(node, in[0]->dims);  // validates the axis
}

void ref_softmax(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  softmax_kernel(node, *in[0], *out[0], false);
}

void ref_log_softmax(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  softmax_kernel(node, *in[0], *out[0], true);
}

}  // namespace qc
