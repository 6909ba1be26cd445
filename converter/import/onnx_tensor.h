// ONNX TensorProto -> IR constant value (dense little-endian bytes, scheme 0).
#pragma once
#include <cstdint>
#include <string>

#include <onnx/onnx_pb.h>

#include "graph/ir.h"

namespace qc {

// Maps an ONNX TensorProto.DataType to a DType; throws Errc::invalid_model naming
// `where` for element types the runtime does not support (double, string, ...).
DType dtype_from_onnx(int32_t elem_type, const std::string& where);

// Where the importer may read external tensor data from. `model_dir` is empty for
// models imported from memory, which then cannot reference external data.
struct TensorSource {
  std::string model_dir;
  std::string file_label;  // file name used in error messages
};

// Builds a constant value named `name` from `t` (raw_data, typed fields or external
// data). Element counts are checked against the dims with overflow-safe arithmetic.
Value constant_from_tensor_proto(const onnx::TensorProto& t, const std::string& name, const TensorSource& src);

}  // namespace qc
