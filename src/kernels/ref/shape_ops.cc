// Ops that only relabel dims (Flatten Reshape Squeeze Unsqueeze Identity share
// ref_copy) and Shape, which outputs dims as data.
#include <algorithm>
#include <cstring>

#include "kernels/ref/shape_util.h"

namespace qc {

namespace {

void require_valid_dtype(const Node& node, const TensorRef& x) {
  if (dtype_size(x.dtype) == 0) fail_node(node, Errc::dtype_mismatch, "input has no valid dtype");
}

// Product of dims[begin, end); -1 if any is unknown.
int64_t dims_product(const Node& node, const std::vector<int64_t>& dims, size_t begin, size_t end) {
  return dims_numel(node, std::vector<int64_t>(dims.begin() + begin, dims.begin() + end));
}

// Axes of Squeeze/Unsqueeze: input 1 (opset 13+) or attr "axes"; empty when neither.
std::vector<int64_t> axes_of(const Node& node, const std::vector<const TensorRef*>& in) {
  if (const TensorRef* a = optional_input(in, 1)) return read_int_input(node, *a, "axes (input 1)");
  return node.attr_ints("axes");
}

// Shape's [start, end) after clamping to [0, rank].
std::pair<int64_t, int64_t> shape_range(const Node& node, int64_t rank) {
  auto clamp = [&](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t start = clamp(node.attr_i("start", 0));
  const int64_t end = clamp(node.attr_i("end", rank));
  return {start, std::max(start, end)};
}

}  // namespace

void shape_flatten(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  require_valid_dtype(node, x);
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  int64_t axis = node.attr_i("axis", 1);
  if (axis < -rank || axis > rank)
    fail_node(node, Errc::shape_mismatch,
            "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  if (axis < 0) axis += rank;
  out[0].dtype = x.dtype;
  out[0].dims = {dims_product(node, x.dims, 0, axis), dims_product(node, x.dims, axis, x.dims.size())};
}

void shape_reshape(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  require_valid_dtype(node, x);
  std::vector<int64_t> dims = read_int_input(node, req_input(node, in, 1), "shape (input 1)");
  const bool allowzero = node.attr_i("allowzero", 0) != 0;
  int64_t infer_at = -1;
  bool any_zero = false, unknown = false;
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t& d = dims[i];
    if (d == -1) {
      if (infer_at >= 0) fail_node(node, Errc::shape_mismatch, "shape has more than one -1");
      infer_at = static_cast<int64_t>(i);
    } else if (d < -1) {
      fail_node(node, Errc::shape_mismatch, "shape has a negative dim " + std::to_string(d));
    } else if (d == 0 && !allowzero) {
      if (i >= x.dims.size())
        fail_node(node, Errc::shape_mismatch,
                "shape dim " + std::to_string(i) + " is 0 (copy) but the input " + dims_text(x.dims) +
                    " has no such dim");
      d = x.dims[i];
      unknown |= d < 0;
    } else if (d == 0) {
      any_zero = true;
    }
  }
  if (allowzero && any_zero && infer_at >= 0)
    fail_node(node, Errc::shape_mismatch, "shape has both 0 and -1 while allowzero=1");
  const int64_t in_n = dims_numel(node, x.dims);
  if (infer_at >= 0) {
    dims[infer_at] = 1;
    const int64_t rest = dims_numel(node, dims);
    if (in_n < 0 || rest < 0) {
      dims[infer_at] = -1;
    } else {
      if (rest == 0 || in_n % rest != 0)
        fail_node(node, Errc::shape_mismatch,
                "cannot reshape dims " + dims_text(x.dims) + " (" + std::to_string(in_n) + " elements) with a -1");
      dims[infer_at] = in_n / rest;
    }
  } else if (!unknown && in_n >= 0 && dims_numel(node, dims) != in_n) {
    fail_node(node, Errc::shape_mismatch, "cannot reshape dims " + dims_text(x.dims) + " to " + dims_text(dims));
  }
  out[0].dtype = x.dtype;
  out[0].dims = dims;
}

void shape_squeeze(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  require_valid_dtype(node, x);
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  const std::vector<int64_t> axes = normalize_axes(node, axes_of(node, in), rank);
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t v = x.dims[d];
    const bool listed = std::find(axes.begin(), axes.end(), d) != axes.end();
    if (listed && v >= 0 && v != 1)
      fail_node(node, Errc::shape_mismatch,
              "cannot squeeze axis " + std::to_string(d) + " of dims " + dims_text(x.dims) + " (size is not 1)");
    const bool drop = axes.empty() ? v == 1 : listed;
    if (!drop) dims.push_back(v);
  }
  out[0].dtype = x.dtype;
  out[0].dims = dims;
}

void shape_unsqueeze(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  require_valid_dtype(node, x);
  std::vector<int64_t> axes = axes_of(node, in);
  if (axes.empty()) fail_node(node, Errc::shape_mismatch, "axes are required");
  const int64_t rank = static_cast<int64_t>(x.dims.size() + axes.size());
  axes = normalize_axes(node, axes, rank);
  std::vector<int64_t> dims;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d) {
    if (std::find(axes.begin(), axes.end(), d) != axes.end()) dims.push_back(1);
    else dims.push_back(x.dims[next++]);
  }
  out[0].dtype = x.dtype;
  out[0].dims = dims;
}

void ref_copy(const Node&, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  if (out[0]->data != in[0]->data) std::memcpy(out[0]->data, in[0]->data, out[0]->bytes());
}

void shape_shape(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  const auto [start, end] = shape_range(node, static_cast<int64_t>(x.dims.size()));
  out[0].dtype = DType::i64;
  out[0].dims = {end - start};
}

void ref_shape(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const auto& dims = in[0]->dims;
  const auto [start, end] = shape_range(node, static_cast<int64_t>(dims.size()));
  // Guards plan-time evaluation (constant folding) against baking in a -1.
  for (int64_t d = start; d < end; ++d)
    if (dims[d] < 0)
      fail_node(node, Errc::shape_mismatch, "dim " + std::to_string(d) + " of the input is not known before run time");
  std::copy(dims.begin() + start, dims.begin() + end, out[0]->as<int64_t>());
}

}  // namespace qc
