// ONNX model -> IR graph. Accepts opsets 11-17 of the default domain; every node
// must map to an IR op (see import/onnx_ops.h) or be a Constant.
// Errors: Errc::onnx_parse (not a ModelProto), Errc::invalid_model (opset, dtypes,
// dangling names, bad tensors), Errc::unsupported_op (op not in the table), each
// naming the file and the node or tensor at fault.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "graph/ir.h"

namespace qc {

struct ImportedModel {
  Graph graph;
  int64_t opset = 0;          // default-domain opset
  int64_t ir_version = 0;
  std::string producer;       // "<producer_name> <producer_version>", may be empty
};

// `model_dir` is where external tensor data may be read from ("" = none allowed).
ImportedModel import_onnx_model_bytes(std::span<const uint8_t> bytes, const std::string& source_name,
                                      const std::string& model_dir = "");
ImportedModel import_onnx_model_file(const std::string& path);

Graph import_onnx_bytes(std::span<const uint8_t> bytes, const std::string& source_name = "<memory>");
Graph import_onnx_file(const std::string& path);

}  // namespace qc
