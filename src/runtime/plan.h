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
  uint64_t allocated_bytes = 0;    // known_storage + arena
  // What the plan was built for: input dims, plus the bytes of non-float inputs.
  std::vector<std::vector<int64_t>> input_dims;
  std::vector<std::vector<uint8_t>> input_values;
};

// Limits of one plan. Every buffer a plan allocates (plan-time tensors and the
// activation arena) counts against max_memory_bytes; sizes are computed and checked
// (overflow-safe) before anything is allocated.
struct PlanOptions {
  uint64_t max_memory_bytes = 0;  // 0: no cap beyond what the allocator can give
};

// Throws qc::Error (shape_mismatch, dtype_mismatch, out_of_memory, ...) naming the node.
// out_of_memory: the allocator failed, or the plan would exceed options.max_memory_bytes.
std::unique_ptr<Plan> build_plan(const Graph& graph, const std::vector<TensorRef>& inputs,
                                 const PlanOptions& options = {});

// True when a plan built for `plan`'s inputs also serves `inputs`.
bool plan_matches(const Plan& plan, const std::vector<TensorRef>& inputs);

}  // namespace qc
