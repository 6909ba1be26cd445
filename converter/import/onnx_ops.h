// The one place that maps ONNX op types to IR ops.
// Every op of graph/ops.def maps from the ONNX op of the same name with its attrs
// copied; the rows below override that default where ONNX needs normalizing.
// (Constant nodes are not ops: the importer turns them into constant values.)
#pragma once
#include <cstdint>
#include <string>

#include "graph/ir.h"

namespace qc {

struct OnnxNodeContext {
  int64_t opset;
  Graph& graph;  // the graph imported so far: the node's inputs are in it; rules may add constants
};

// Adjusts a node freshly copied from ONNX (attrs and inputs as in the model) to the
// IR semantics; throws Errc::invalid_model / unsupported_op naming the node.
using OnnxNodeNormalizer = void (*)(Node& node, const OnnxNodeContext& ctx);

struct OnnxOpRule {
  const char* onnx_type;
  OpId op;
  OnnxNodeNormalizer normalize;  // null: attrs and inputs kept as is
};

// Null when the ONNX op type (default domain) has no IR equivalent.
const OnnxOpRule* find_onnx_op_rule(const std::string& onnx_type);

// Comma-separated ONNX op types the importer accepts, for unsupported-op errors.
std::string onnx_supported_op_list();

}  // namespace qc
