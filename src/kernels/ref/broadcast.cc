#include "kernels/ref/broadcast.h"

#include <algorithm>

namespace qc {

std::vector<int64_t> broadcast_dims(const Node& node, const std::vector<const TensorRef*>& in) {
  size_t rank = 0;
  for (const TensorRef* t : in)
    if (t) rank = std::max(rank, t->dims.size());
  std::vector<int64_t> out(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    bool unknown = false;
    int64_t known = 1;  // the one non-1 known dim at this position, if any
    for (const TensorRef* t : in) {
      if (!t || d + t->dims.size() < rank) continue;
      const int64_t v = t->dims[d + t->dims.size() - rank];
      if (v < 0) {
        unknown = true;
      } else if (v != 1) {
        if (known != 1 && known != v) {
          std::string all;
          for (const TensorRef* u : in)
            if (u) all += (all.empty() ? "" : " and ") + dims_text(u->dims);
          fail_node(node, Errc::shape_mismatch, "cannot broadcast dims " + all);
        }
        known = v;
      }
    }
    out[d] = known != 1 ? known : (unknown ? -1 : 1);
  }
  dims_numel(node, out);
  return out;
}

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
    bool merge = !p.dims.empty();
    for (size_t k = 0; merge && k < K; ++k) merge = p.strides[k].back() == s[k] * out_dims[d];
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

template <size_t K> void walk_broadcast_rows(const BroadcastPlan<K>& p, RowVisitor<K> visit, void* ctx) {
  const size_t r = p.dims.size();
  std::array<int64_t, K> inner{}, off{};
  if (r == 0) {
    visit(ctx, off, 0, 1, inner);
    return;
  }
  for (int64_t d : p.dims)
    if (d == 0) return;
  const int64_t n = p.dims[r - 1];
  for (size_t k = 0; k < K; ++k) inner[k] = p.strides[k][r - 1];
  std::vector<int64_t> idx(r, 0);
  for (int64_t out_off = 0;; out_off += n) {
    visit(ctx, off, out_off, n, inner);
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

template BroadcastPlan<1> plan_broadcast<1>(const std::vector<int64_t>&, const std::array<const std::vector<int64_t>*, 1>&);
template BroadcastPlan<2> plan_broadcast<2>(const std::vector<int64_t>&, const std::array<const std::vector<int64_t>*, 2>&);
template void walk_broadcast_rows<1>(const BroadcastPlan<1>&, RowVisitor<1>, void*);
template void walk_broadcast_rows<2>(const BroadcastPlan<2>&, RowVisitor<2>, void*);

}  // namespace qc
