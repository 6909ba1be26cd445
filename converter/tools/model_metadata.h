// The metadata JSON stored in a bundle by `qcomp convert` (and by later commands
// that rewrite a model): model identity, I/O signature, labels, preprocessing and
// the compression report.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "format/json.h"
#include "graph/ir.h"

namespace qc {

// Input normalization the application applies before run: (x * scale - mean) / std.
struct Preprocess {
  double scale = 1, mean = 0, std = 1;
};

struct ModelDescription {
  std::string name;
  std::string source_file;   // file name only, no directories
  int64_t opset = 0;
  std::string producer;
  std::vector<std::string> labels;  // empty: no "labels" key
  Preprocess preprocess;
  std::string weights = "f32";      // the report's overall weight encoding
  uint64_t onnx_bytes = 0;
  uint64_t bundle_bytes = 0;
  // Quantization details (tools/model_quantizer.h): members appended to the
  // "compression" report, and members merged into a tensor's entry of its "layers".
  Json compression_extra = Json::object();
  std::map<std::string, Json> layer_extra;
};

// Total elements of all constant tensors.
uint64_t parameter_count(const Graph& g);

Json build_metadata(const Graph& g, const ModelDescription& d);

// Parses "scale=S,mean=M,std=D" (any subset, any order); throws UsageError.
Preprocess parse_preprocess(const std::string& spec);

// One label per line; trailing '\r' and trailing empty lines are dropped.
std::vector<std::string> read_labels_file(const std::string& path);

}  // namespace qc
