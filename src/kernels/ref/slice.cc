// Slice with starts/ends/axes/steps inputs (opset 10+): out-of-range bounds are
// clamped, negative bounds count from the end, negative steps walk backwards.
#include <algorithm>
#include <cstdint>

#include "kernels/ref/dtype_dispatch.h"
#include "kernels/ref/strided_copy.h"

namespace qc {

namespace {

struct SliceSpec {
  std::vector<int64_t> start, step, count;  // per input dim; count -1 when unknown
};

SliceSpec slice_spec(const Node& node, const std::vector<const TensorRef*>& in) {
  const TensorRef& x = req_input(node, in, 0);
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  const std::vector<int64_t> starts = read_int_input(node, req_input(node, in, 1), "starts (input 1)");
  const std::vector<int64_t> ends = read_int_input(node, req_input(node, in, 2), "ends (input 2)");
  std::vector<int64_t> axes, steps;
  if (const TensorRef* a = optional_input(in, 3)) axes = read_int_input(node, *a, "axes (input 3)");
  else for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (const TensorRef* s = optional_input(in, 4)) steps = read_int_input(node, *s, "steps (input 4)");
  else steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    fail_node(node, Errc::shape_mismatch,
            "starts, ends, axes and steps have different lengths (" + std::to_string(starts.size()) + ", " +
                std::to_string(ends.size()) + ", " + std::to_string(axes.size()) + ", " +
                std::to_string(steps.size()) + ")");
  axes = normalize_axes(node, axes, rank);

  SliceSpec s;
  s.start.assign(rank, 0);
  s.step.assign(rank, 1);
  s.count = x.dims;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = axes[i], step = steps[i], n = x.dims[a];
    if (step == 0) fail_node(node, Errc::shape_mismatch, "steps must not be 0 (axis " + std::to_string(a) + ")");
    s.step[a] = step;
    if (n < 0) {
      s.count[a] = -1;
      continue;
    }
    int64_t b = starts[i] < 0 ? starts[i] + n : starts[i];  // no overflow: n >= 0
    int64_t e = ends[i] < 0 ? ends[i] + n : ends[i];
    if (step > 0) {
      b = std::clamp<int64_t>(b, 0, n);
      e = std::clamp<int64_t>(e, 0, n);
      s.count[a] = e > b ? (e - b - 1) / step + 1 : 0;
    } else {
      const int64_t mag = step == INT64_MIN ? INT64_MAX : -step;
      b = std::min(std::max<int64_t>(b, 0), n - 1);
      e = std::min(std::max<int64_t>(e, -1), n - 1);
      s.count[a] = b > e ? (b - e - 1) / mag + 1 : 0;
    }
    s.start[a] = s.count[a] > 0 ? b : 0;
    if (s.count[a] <= 1) s.step[a] = 1;  // the step is never applied; keeps strides small
  }
  return s;
}

}  // namespace

void shape_slice(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  if (dtype_size(x.dtype) == 0) fail_node(node, Errc::dtype_mismatch, "input has no valid dtype");
  out[0].dtype = x.dtype;
  out[0].dims = slice_spec(node, in).count;
}

void ref_slice(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const TensorRef& x = *in[0];
  const SliceSpec s = slice_spec(node, in);
  const std::vector<int64_t> in_strides = row_major_strides(x.dims);
  int64_t base = 0;
  std::vector<int64_t> strides(x.dims.size());
  for (size_t d = 0; d < x.dims.size(); ++d) {
    base += s.start[d] * in_strides[d];
    strides[d] = s.step[d] * in_strides[d];
  }
  dispatch_elem_size(node, x.dtype, [&]<class T>(TypeTag<T>) {
    strided_copy(x.as<const T>(), base, out[0]->dims, strides, out[0]->as<T>());
  });
}

}  // namespace qc
