// Lookup into the op table generated from ops.def.
#pragma once
#include <string>
#include <vector>

#include "graph/ir.h"
#include "runtime/tensor.h"

namespace qc {

// Inputs are null where an optional input is omitted. An input's data is null in a
// shape function when its value is not known before run time.
using ShapeFn = void (*)(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out);
using KernelFn = void (*)(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out);

// kOpDimsOnly: the kernel reads only its inputs' dims.
// kOpCompressedWeight: input 1 may be a constant in any weight scheme.
// kOpView: output 0 is input 0's bytes unchanged (new dims only): the plan lets it
// share input 0's buffer and runs no kernel.
enum OpFlags : uint32_t { kOpDimsOnly = 1, kOpCompressedWeight = 2, kOpView = 4 };

struct OpInfo {
  const char* name;
  int min_inputs, max_inputs, min_outputs, max_outputs;
  ShapeFn shape;
  KernelFn ref_kernel;
  uint32_t flags;
};

const OpInfo& op_info(OpId id);
const char* op_name(OpId id);
// Returns OpId::count when the name is not in the table.
OpId op_from_name(const std::string& name);
// Comma-separated list of every op name, for unsupported-op errors.
std::string supported_op_list();

#define OP(name, mi, ma, mo, mxo, shape_fn, kernel_fn, flags)                                               \
  void shape_fn(const Node&, const std::vector<const TensorRef*>&, std::vector<TensorRef>&);                \
  void kernel_fn(const Node&, const std::vector<const TensorRef*>&, const std::vector<TensorRef*>&);
#include "graph/ops.def"
#undef OP

}  // namespace qc
