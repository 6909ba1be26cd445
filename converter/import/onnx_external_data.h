// Reads the bytes of a TensorProto stored outside the .onnx file
// (data_location = EXTERNAL). The location must be a relative path inside the
// model directory: absolute paths, '..' components and symlinks that escape the
// directory are rejected before any file is opened.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace qc {

std::vector<uint8_t> read_external_tensor_data(const onnx::TensorProto& t, const std::string& model_dir,
                                               uint64_t expected_bytes, const std::string& where);

}  // namespace qc
