// ONNX AttributeProto -> IR Attr, and Constant nodes -> constant values.
#pragma once
#include <string>

#include <onnx/onnx_pb.h>

#include "graph/ir.h"
#include "import/onnx_tensor.h"

namespace qc {

// Copies an int, float, string, ints or floats attribute; any other kind (tensor,
// graph, strings, ...) is rejected with Errc::unsupported_op naming `where`.
Attr attr_from_onnx(const onnx::AttributeProto& a, const std::string& where);

// The constant produced by a Constant node (value, value_float, value_int,
// value_floats or value_ints), named `output_name`.
Value constant_from_constant_node(const onnx::NodeProto& node, const std::string& output_name,
                                  const TensorSource& src, const std::string& where);

}  // namespace qc
