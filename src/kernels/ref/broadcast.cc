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

}  // namespace qc
