// Error helpers for the Gemm, MatMul, Conv and pool shape functions and kernels:
// every message starts with "<Op> '<node name>': ".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "graph/ir.h"
#include "graph/op_table.h"
#include "runtime/tensor.h"
#include "graph/dims_text.h"

namespace qc {

inline std::string op_label(const Node& node) { return std::string(op_name(node.op)) + " '" + node.name + "'"; }

[[noreturn]] inline void fail_node(const Node& node, Errc code, const std::string& what) {
  fail(code, op_label(node) + ": " + what);
}

// Input `i` or nullptr when it is omitted (or beyond the inputs given).
inline const TensorRef* optional_input(const std::vector<const TensorRef*>& in, size_t i) {
  return i < in.size() ? in[i] : nullptr;
}

inline const TensorRef& required_f32_input(const Node& node, const std::vector<const TensorRef*>& in, size_t i,
                                           const char* role) {
  const TensorRef* t = optional_input(in, i);
  if (!t) fail_node(node, Errc::shape_mismatch, std::string("missing input ") + role);
  if (t->dtype != DType::f32)
    fail_node(node, Errc::dtype_mismatch,
              std::string("input ") + role + " is " + dtype_name(t->dtype) + ", only float32 is supported");
  return *t;
}

// Dims known before run time are >= 0; -1 marks a dimension fixed only at run time.
inline bool dim_known(int64_t d) { return d >= 0; }

}  // namespace qc
