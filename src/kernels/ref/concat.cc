// Concat along one axis (negative allowed); inputs of any one dtype.
#include <cstring>

#include "kernels/ref/shape_util.h"

namespace qc {

void shape_concat(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& first = req_input(node, in, 0);
  if (dtype_size(first.dtype) == 0) fail_node(node, Errc::dtype_mismatch, "input 0 has no valid dtype");
  const int64_t rank = static_cast<int64_t>(first.dims.size());
  const int64_t axis = normalize_axis(node, node.attr_i("axis", 0), rank);
  std::vector<int64_t> dims = first.dims;
  for (size_t i = 1; i < in.size(); ++i) {
    const TensorRef& t = req_input(node, in, i);
    const std::string which = "input " + std::to_string(i);
    if (t.dtype != first.dtype)
      fail_node(node, Errc::dtype_mismatch,
              which + " has dtype " + dtype_name(t.dtype) + " but input 0 has " + dtype_name(first.dtype));
    bool ok = static_cast<int64_t>(t.dims.size()) == rank;
    for (int64_t d = 0; ok && d < rank; ++d) {
      if (d == axis) continue;
      if (t.dims[d] >= 0 && dims[d] >= 0 && t.dims[d] != dims[d]) ok = false;
      if (dims[d] < 0) dims[d] = t.dims[d];
    }
    if (!ok)
      fail_node(node, Errc::shape_mismatch,
              which + " dims " + dims_text(t.dims) + " do not match input 0 dims " + dims_text(first.dims) +
                  " outside axis " + std::to_string(axis));
    dims[axis] = (dims[axis] < 0 || t.dims[axis] < 0) ? -1 : dims[axis] + t.dims[axis];
    dims_numel(node, dims);
  }
  out[0].dtype = first.dtype;
  out[0].dims = dims;
}

void ref_concat(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const TensorRef& y = *out[0];
  const int64_t axis = normalize_axis(node, node.attr_i("axis", 0), static_cast<int64_t>(y.dims.size()));
  const size_t esize = dtype_size(y.dtype);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= y.dims[d];
  for (size_t d = axis + 1; d < y.dims.size(); ++d) inner *= y.dims[d];
  const size_t out_row = static_cast<size_t>(y.dims[axis] * inner) * esize;
  size_t col = 0;  // byte offset of the current input within an output row
  for (const TensorRef* t : in) {
    const size_t row = static_cast<size_t>(t->dims[axis] * inner) * esize;
    const auto* src = t->as<const uint8_t>();
    auto* dst = y.as<uint8_t>() + col;
    for (int64_t o = 0; o < outer && row; ++o) std::memcpy(dst + o * out_row, src + o * row, row);
    col += row;
  }
}

}  // namespace qc
