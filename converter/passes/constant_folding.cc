// constant_folding: executes nodes whose inputs are all known at conversion time.
// Shapes are propagated forward from constants and fully static graph inputs, so a
// dims-only op (Shape) on a statically shaped value folds too. Nodes producing a
// graph output are left in place so graph outputs stay computed values.
#include "common/checked_math.h"
#include "common/error.h"
#include "graph/op_table.h"
#include "passes/builtin_passes.h"
#include "passes/graph_edit.h"

namespace qc {

namespace {

constexpr uint64_t kMaxFoldedElements = 1ull << 24;

bool dims_static(const std::vector<int64_t>& dims) {
  for (int64_t d : dims)
    if (d < 0) return false;
  return true;
}

bool output_is_foldable(const TensorRef& t) {
  uint64_t n = 0;
  return dtype_size(t.dtype) != 0 && checked_product(t.dims, kMaxFoldedElements, &n);
}

class ConstantFolder {
 public:
  explicit ConstantFolder(Graph& g)
      : g_(g), known_(g.values.size(), 0), constant_(g.values.size(), 0), refs_(g.values.size()) {
    for (size_t i = 0; i < g.values.size(); ++i) {
      const Value& v = g.values[i];
      if (!is_dense_constant(v)) continue;
      set_known(static_cast<int>(i), v.dtype, v.dims, v.constant->bytes);
      constant_[i] = 1;
    }
    for (int i : g.inputs)
      if (dims_static(g.values[i].dims)) set_known(i, g.values[i].dtype, g.values[i].dims, nullptr);
  }

  bool run() {
    std::vector<char> dead(g_.nodes.size(), 0);
    bool changed = false;
    for (size_t k = 0; k < g_.nodes.size(); ++k)
      if (fold_node(g_.nodes[k])) {
        dead[k] = 1;
        changed = true;
      }
    if (changed) erase_nodes(g_, dead);
    return changed;
  }

 private:
  void set_known(int v, DType dtype, std::vector<int64_t> dims, const void* data) {
    known_[v] = 1;
    refs_[v] = TensorRef{dtype, std::move(dims), const_cast<void*>(data)};
  }

  bool fold_node(const Node& n) {
    const OpInfo& info = op_info(n.op);
    std::vector<const TensorRef*> in;
    bool all_constant = true;
    for (int i : n.inputs) {
      if (i < 0) {
        in.push_back(nullptr);
        continue;
      }
      if (!known_[i]) return false;
      in.push_back(&refs_[i]);
      all_constant = all_constant && constant_[i];
    }
    std::vector<TensorRef> out(n.outputs.size());
    try {
      info.shape(n, in, out);
    } catch (const Error&) {
      return false;  // not inferable now (e.g. needs run-time data); the runtime decides
    }
    for (const auto& t : out)
      if (!output_is_foldable(t)) return false;
    bool feeds_graph_output = false;
    for (size_t j = 0; j < out.size(); ++j) {
      const int o = n.outputs[j];
      set_known(o, out[j].dtype, out[j].dims, nullptr);
      feeds_graph_output = feeds_graph_output || is_graph_output(g_, o);
      if (!is_graph_output(g_, o)) {
        g_.values[o].dtype = out[j].dtype;
        g_.values[o].dims = out[j].dims;
      }
    }
    if (feeds_graph_output || !(all_constant || (info.flags & kOpDimsOnly))) return false;
    return execute(n, in, out);
  }

  bool execute(const Node& n, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
    std::vector<std::vector<uint8_t>> buffers(out.size());
    std::vector<TensorRef*> out_ptrs;
    for (size_t j = 0; j < out.size(); ++j) {
      buffers[j].assign(out[j].bytes(), 0);
      out[j].data = buffers[j].data();
      out_ptrs.push_back(&out[j]);
    }
    try {
      op_info(n.op).ref_kernel(n, in, out_ptrs);
    } catch (const Error&) {
      return false;  // leave the failure to be reported at run time, with its context
    }
    for (size_t j = 0; j < out.size(); ++j) {
      Value& v = g_.values[n.outputs[j]];
      v.dtype = out[j].dtype;
      v.dims = out[j].dims;
      v.constant = ConstData::owned(std::move(buffers[j]));
      set_known(n.outputs[j], v.dtype, v.dims, v.constant->bytes);
      constant_[n.outputs[j]] = 1;
    }
    return true;
  }

  Graph& g_;
  std::vector<char> known_;
  std::vector<char> constant_;
  std::vector<TensorRef> refs_;  // dtype + dims of known values; data set for constants
};

}  // namespace

bool fold_constants(Graph& g) {
  const bool changed = ConstantFolder(g).run();
  if (changed) g.compact();
  return changed;
}

}  // namespace qc
