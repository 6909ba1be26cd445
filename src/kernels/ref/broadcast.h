// Numpy-style broadcasting: output dims, and a row iterator that walks the
// output in order while tracking each input's element offset.
#pragma once
#include <array>
#include <cstdint>
#include <type_traits>
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
// become one row). Instantiated for K = 1, 2.
template <size_t K>
BroadcastPlan<K> plan_broadcast(const std::vector<int64_t>& out_dims, const std::array<const std::vector<int64_t>*, K>& ins);

template <size_t K>
using RowVisitor = void (*)(void* ctx, const std::array<int64_t, K>& offsets, int64_t out_offset, int64_t n,
                            const std::array<int64_t, K>& inner_strides);

// The row walk behind for_each_broadcast_row, compiled once per K (not once per
// kernel) to keep the wasm small. Instantiated for K = 1, 2.
template <size_t K> void walk_broadcast_rows(const BroadcastPlan<K>& p, RowVisitor<K> visit, void* ctx);

// Calls row(offsets, out_offset, n, inner_strides) for each row of n output
// elements, in output order; offsets[k] is input k's element offset at the row start.
// A plan may also be built by hand (any strides, even negative) to walk a strided view.
template <size_t K, class F> void for_each_broadcast_row(const BroadcastPlan<K>& p, F&& row) {
  using Fn = std::remove_reference_t<F>;
  walk_broadcast_rows<K>(
      p,
      [](void* ctx, const std::array<int64_t, K>& off, int64_t o, int64_t n, const std::array<int64_t, K>& s) {
        (*static_cast<Fn*>(ctx))(off, o, n, s);
      },
      const_cast<void*>(static_cast<const void*>(&row)));
}

}  // namespace qc
