// Numpy-style broadcasting: output dims, and a row iterator that walks the
// output in order while tracking each input's element offset.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/ref/shape_util.h"

namespace qc {

// Dims of the broadcast of every non-null input (right-aligned; a 1 stretches).
// Unknown (-1) dims are assumed compatible. Fails with shape_mismatch naming the node.
std::vector<int64_t> broadcast_dims(const Node& node, const std::vector<const TensorRef*>& in);

// The output walked as rows of its innermost (coalesced) dim; strides[k] holds
// input k's stride per output dim (0 where input k is broadcast).
template <size_t K> struct BroadcastPlan {
  std::vector<int64_t> dims;
  std::array<std::vector<int64_t>, K> strides;
};

// Right-aligns each input's dims to out_dims, drops output dims of size 1 and
// merges neighbouring dims every input walks contiguously (so same-shape inputs
// become one row).
template <size_t K>
BroadcastPlan<K> plan_broadcast(const std::vector<int64_t>& out_dims, const std::array<const std::vector<int64_t>*, K>& ins) {
  const size_t r = out_dims.size();
  BroadcastPlan<K> p;
  for (size_t d = 0; d < r; ++d) {
    if (out_dims[d] == 1) continue;
    std::array<int64_t, K> s{};
    for (size_t k = 0; k < K; ++k) {
      const auto& dims = *ins[k];
      const size_t lead = r - dims.size();
      if (d < lead || dims[d - lead] == 1) continue;
      int64_t stride = 1;
      for (size_t j = d - lead + 1; j < dims.size(); ++j) stride *= dims[j];
      s[k] = stride;
    }
    const bool merge = !p.dims.empty() && [&] {
      for (size_t k = 0; k < K; ++k)
        if (p.strides[k].back() != s[k] * out_dims[d]) return false;
      return true;
    }();
    if (merge) {
      p.dims.back() *= out_dims[d];
      for (size_t k = 0; k < K; ++k) p.strides[k].back() = s[k];
    } else {
      p.dims.push_back(out_dims[d]);
      for (size_t k = 0; k < K; ++k) p.strides[k].push_back(s[k]);
    }
  }
  if (p.dims.empty()) {
    p.dims.push_back(1);
    for (size_t k = 0; k < K; ++k) p.strides[k].push_back(0);
  }
  return p;
}

// Calls row(offsets, out_offset, n, inner_strides) for each row of n output
// elements, in output order; offsets[k] is input k's element offset at the row start.
// A plan may also be built by hand (any strides, even negative) to walk a strided view.
template <size_t K, class F> void for_each_broadcast_row(const BroadcastPlan<K>& p, F&& row) {
  const size_t r = p.dims.size();
  if (r == 0) {
    row(std::array<int64_t, K>{}, int64_t{0}, int64_t{1}, std::array<int64_t, K>{});
    return;
  }
  for (int64_t d : p.dims)
    if (d == 0) return;
  const int64_t n = p.dims[r - 1];
  std::array<int64_t, K> inner{}, off{};
  for (size_t k = 0; k < K; ++k) inner[k] = p.strides[k][r - 1];
  std::vector<int64_t> idx(r, 0);
  for (int64_t out_off = 0;; out_off += n) {
    row(off, out_off, n, inner);
    size_t d = r - 1;
    while (d-- > 0) {
      for (size_t k = 0; k < K; ++k) off[k] += p.strides[k][d];
      if (++idx[d] < p.dims[d]) break;
      for (size_t k = 0; k < K; ++k) off[k] -= p.strides[k][d] * p.dims[d];
      idx[d] = 0;
    }
    if (d == static_cast<size_t>(-1)) return;
  }
}

}  // namespace qc
