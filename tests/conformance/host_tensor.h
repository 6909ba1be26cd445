// A tensor owned by the conformance runner: test data read from an ONNX
// TensorProto file, and written out as .npy for the wasm runner.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "runtime/tensor.h"

namespace qc::conformance {

struct HostTensor {
  DType dtype = DType::f32;
  std::vector<int64_t> dims;
  std::vector<uint8_t> bytes;

  TensorRef view() const;
};

// Reads a serialized onnx::TensorProto (raw_data or typed fields).
// Throws qc::Error naming the file on parse errors or unsupported element types.
HostTensor read_tensor_pb(const std::string& path);

// Writes an .npy v1.0 file (C order). Throws qc::Error(Errc::io) on failure.
void write_npy(const std::string& path, const TensorRef& t);

// The .npy descr string for a dtype ("<f4", "|b1", ...); empty when not writable.
std::string npy_descr(DType dtype);

}  // namespace qc::conformance
