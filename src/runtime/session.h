// Runs a graph: plans memory for the given input dims (re-planned when they
// change), then executes nodes in order with their kernels.
#pragma once
#include <memory>
#include <vector>

#include "graph/ir.h"
#include "runtime/plan.h"
#include "runtime/tensor.h"

namespace qc {

class Session {
 public:
  // `graph` (and the bytes its constants view) must outlive the session.
  explicit Session(const Graph& graph, const PlanOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // inputs[i] feeds graph.inputs[i]; dtype and rank must match, dims must match
  // wherever the graph fixes them (else Errc::shape_mismatch / dtype_mismatch).
  // Returns one view per graph output, valid until the next run() or destruction.
  const std::vector<TensorRef>& run(const std::vector<TensorRef>& inputs);

  // Limits of the plans built from now on (the current plan is kept while its inputs
  // keep their dims; call drop_plan() to re-check it).
  void set_options(const PlanOptions& options) { options_ = options; }
  void drop_plan();

  // Bytes of the activation arena of the current plan (0 before the first run).
  size_t arena_bytes() const;

 private:
  const Graph& graph_;
  PlanOptions options_;
  std::unique_ptr<Plan> plan_;
  std::vector<TensorRef> outputs_;
};

}  // namespace qc
