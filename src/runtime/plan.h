// A runnable plan for one set of input dims: every value's tensor, the steps to
// execute, and the activation arena. Values whose data is known before run time
// (constants, shape arithmetic on them, non-float graph inputs) are evaluated while
// planning and never become steps.
#pragma once
#include <cstdint>
#include <vector>

#include "common/aligned_buffer.h"
#include "graph/ir.h"
#include "graph/op_table.h"
#include "runtime/tensor.h"

namespace qc {

struct Step {
  const Node* node;
  KernelFn kernel;
  std::vector<const TensorRef*> in;
  std::vector<TensorRef*> out;
};

struct Plan {
  std::vector<TensorRef> tensors;  // one per graph value; stable addresses after build
  std::vector<char> known;         // value data fixed at plan time
  std::vector<AlignedBuffer> known_storage;
  std::vector<Step> steps;
  AlignedBuffer arena;
  // What the plan was built for: input dims, plus the bytes of non-float inputs.
  std::vector<std::vector<int64_t>> input_dims;
  std::vector<std::vector<uint8_t>> input_values;
};

// Throws qc::Error (shape_mismatch, dtype_mismatch, out_of_memory, ...) naming the node.
std::unique_ptr<Plan> build_plan(const Graph& graph, const std::vector<TensorRef>& inputs);

// True when a plan built for `plan`'s inputs also serves `inputs`.
bool plan_matches(const Plan& plan, const std::vector<TensorRef>& inputs);

}  // namespace qc
