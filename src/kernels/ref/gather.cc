// Gather along one axis: out = data[:axis] + indices.dims + data[axis+1:].
// Indices are i64 or i32 and may be negative (counted from the end).
#include <cstring>

#include "kernels/ref/shape_util.h"

namespace qc {

namespace {

int64_t index_at(const TensorRef& idx, int64_t i) {
  return idx.dtype == DType::i64 ? idx.as<const int64_t>()[i] : idx.as<const int32_t>()[i];
}

// Every index in [-n, n), mapped to [0, n); fails naming the bad one.
void check_indices(const Node& node, const TensorRef& idx, int64_t n) {
  const int64_t count = idx.numel();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t v = index_at(idx, i);
    if (v < -n || v >= n)
      fail_node(node, Errc::invalid_argument,
              "index " + std::to_string(v) + " (element " + std::to_string(i) + " of indices) is out of range for an axis of size " +
                  std::to_string(n));
  }
}

}  // namespace

void shape_gather(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& data = req_input(node, in, 0);
  const TensorRef& idx = req_input(node, in, 1);
  if (dtype_size(data.dtype) == 0) fail_node(node, Errc::dtype_mismatch, "data has no valid dtype");
  require_dtype(node, idx.dtype, {DType::i64, DType::i32}, "indices");
  const int64_t axis = normalize_axis(node, node.attr_i("axis", 0), static_cast<int64_t>(data.dims.size()));
  std::vector<int64_t> dims(data.dims.begin(), data.dims.begin() + axis);
  dims.insert(dims.end(), idx.dims.begin(), idx.dims.end());
  dims.insert(dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  dims_numel(node, dims);
  const bool idx_known = idx.data && dims_numel(node, idx.dims) >= 0;
  if (idx_known && data.dims[axis] >= 0) check_indices(node, idx, data.dims[axis]);
  out[0].dtype = data.dtype;
  out[0].dims = dims;
}

void ref_gather(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const TensorRef& data = *in[0];
  const TensorRef& idx = *in[1];
  const int64_t axis = normalize_axis(node, node.attr_i("axis", 0), static_cast<int64_t>(data.dims.size()));
  const int64_t n = data.dims[axis];
  check_indices(node, idx, n);
  const size_t esize = dtype_size(data.dtype);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= data.dims[d];
  for (size_t d = axis + 1; d < data.dims.size(); ++d) inner *= data.dims[d];
  const size_t chunk = static_cast<size_t>(inner) * esize;
  const int64_t count = idx.numel();
  const auto* src = data.as<const uint8_t>();
  auto* dst = out[0]->as<uint8_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < count; ++i) {
      int64_t k = index_at(idx, i);
      if (k < 0) k += n;
      std::memcpy(dst, src + static_cast<size_t>(o * n + k) * chunk, chunk);
      dst += chunk;
    }
  }
}

}  // namespace qc
