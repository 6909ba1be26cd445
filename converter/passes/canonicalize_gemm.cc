// canonicalize_gemm: puts every constant matrix weight in the form the compressed
// kernels read, W[N, K] with transB=1 and alpha=1:
//   Gemm with a constant B and transB=0  -> B transposed, transB=1
//   Gemm with a constant B and alpha!=1  -> alpha folded into B
//   MatMul(A rank 2, B a 2-D constant)   -> Gemm(A, B^T, transB=1)
// A weight also read elsewhere is copied rather than changed in place.
#include <cstring>

#include "common/error.h"
#include "passes/builtin_passes.h"
#include "passes/graph_edit.h"
#include "runtime/plan.h"

namespace qc {

namespace {

// Dims of every value for a batch of 1 (unknown graph input dims set to 1), from
// the runtime's planner; empty when the graph cannot be planned that way.
std::vector<std::vector<int64_t>> planned_dims(const Graph& g) {
  std::vector<TensorRef> inputs;
  for (int i : g.inputs) {
    const Value& v = g.values[i];
    if (v.dtype != DType::f32) return {};
    TensorRef t{v.dtype, v.dims, nullptr};
    for (int64_t& d : t.dims) d = d < 0 ? 1 : d;
    inputs.push_back(std::move(t));
  }
  try {
    const auto plan = build_plan(g, inputs);
    std::vector<std::vector<int64_t>> dims;
    for (const TensorRef& t : plan->tensors) dims.push_back(t.dims);
    return dims;
  } catch (const Error&) {
    return {};
  }
}

bool is_f32_matrix_constant(const Value& v) { return is_dense_f32_constant(v) && v.dims.size() == 2; }

std::vector<float> transposed(const std::vector<float>& b, int64_t rows, int64_t cols) {
  std::vector<float> t(b.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) t[c * rows + r] = b[r * cols + c];
  return t;
}

// Makes node input 1 read W = alpha * (transpose ? B^T : B); in place when B has no
// other reader.
void rewrite_weight(Graph& g, const std::vector<int>& consumers, Node& node, bool transpose, float alpha) {
  const int b = node.inputs[1];
  const Value& v = g.values[b];
  std::vector<float> w = read_f32_constant(v);
  std::vector<int64_t> dims = v.dims;
  if (transpose) {
    w = transposed(w, dims[0], dims[1]);
    std::swap(dims[0], dims[1]);
  }
  if (alpha != 1.f)
    for (float& x : w) x *= alpha;
  if (has_single_consumer(g, consumers, b)) {
    std::vector<uint8_t> bytes(w.size() * 4);
    if (!w.empty()) std::memcpy(bytes.data(), w.data(), bytes.size());
    g.values[b].dims = dims;
    g.values[b].constant = ConstData::owned(std::move(bytes));
  } else {
    node.inputs[1] = add_f32_constant(g, v.name + (transpose ? "_T" : "_scaled"), dims, w);
  }
}

bool canonicalize_gemm_node(Graph& g, const std::vector<int>& consumers, Node& node) {
  if (node.inputs.size() < 2 || node.inputs[1] < 0 || !is_f32_matrix_constant(g.values[node.inputs[1]]))
    return false;
  const bool transpose = node.attr_i("transB", 0) == 0;
  const float alpha = node.attr_f("alpha", 1.f);
  if (!transpose && alpha == 1.f) return false;
  rewrite_weight(g, consumers, node, transpose, alpha);
  node.set_i("transB", 1);
  node.erase_attr("alpha");
  return true;
}

// `rank_of_a` gives the rank of A (computed once per pass, on demand).
template <class RankFn>
bool matmul_to_gemm(Graph& g, const std::vector<int>& consumers, Node& node, RankFn rank_of_a) {
  if (node.inputs.size() != 2 || node.inputs[0] < 0 || node.inputs[1] < 0) return false;
  if (!is_f32_matrix_constant(g.values[node.inputs[1]]) || g.values[node.inputs[0]].dtype != DType::f32) return false;
  if (rank_of_a(node.inputs[0]) != 2) return false;
  rewrite_weight(g, consumers, node, /*transpose=*/true, 1.f);
  node.op = OpId::Gemm;
  node.attrs.clear();
  node.set_i("transB", 1);
  return true;
}

}  // namespace

bool canonicalize_gemm(Graph& g) {
  bool changed = false;
  // Counted once: a copied weight's original keeps its other readers either way.
  const std::vector<int> consumers = count_consumers(g);
  std::vector<std::vector<int64_t>> dims;
  bool planned = false;
  auto rank_of = [&](int v) -> int {
    if (!g.values[v].dims.empty()) return static_cast<int>(g.values[v].dims.size());
    if (!planned) {
      dims = planned_dims(g);
      planned = true;
    }
    return v < static_cast<int>(dims.size()) ? static_cast<int>(dims[v].size()) : -1;
  };
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& node = g.nodes[k];
    if (node.op == OpId::Gemm) changed |= canonicalize_gemm_node(g, consumers, node);
    else if (node.op == OpId::MatMul) changed |= matmul_to_gemm(g, consumers, node, rank_of);
  }
  if (changed) g.compact();
  return changed;
}

}  // namespace qc
