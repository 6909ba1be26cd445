// Transpose: out dim k is input dim perm[k] (perm defaults to reversed dims).
#include <algorithm>

#include "kernels/ref/dtype_dispatch.h"
#include "kernels/ref/strided_copy.h"

namespace qc {

namespace {

std::vector<int64_t> transpose_perm(const Node& node, size_t rank) {
  std::vector<int64_t> perm = node.attr_ints("perm");
  if (!node.attr("perm")) {
    for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
    return perm;
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  bool ok = perm.size() == rank;
  for (size_t d = 0; ok && d < rank; ++d) ok = sorted[d] == static_cast<int64_t>(d);
  if (!ok)
    fail_node(node, Errc::shape_mismatch,
            "perm " + dims_text(perm) + " is not a permutation of " + std::to_string(rank) + " axes");
  return perm;
}

}  // namespace

void shape_transpose(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  if (dtype_size(x.dtype) == 0) fail_node(node, Errc::dtype_mismatch, "input has no valid dtype");
  const std::vector<int64_t> perm = transpose_perm(node, x.dims.size());
  out[0].dtype = x.dtype;
  out[0].dims.clear();
  for (int64_t p : perm) out[0].dims.push_back(x.dims[p]);
}

void ref_transpose(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const TensorRef& x = *in[0];
  const std::vector<int64_t> perm = transpose_perm(node, x.dims.size());
  const std::vector<int64_t> in_strides = row_major_strides(x.dims);
  std::vector<int64_t> strides;
  for (int64_t p : perm) strides.push_back(in_strides[p]);
  dispatch_elem_size(node, x.dtype, [&]<class T>(TypeTag<T>) {
    strided_copy(x.as<const T>(), 0, out[0]->dims, strides, out[0]->as<T>());
  });
}

}  // namespace qc
