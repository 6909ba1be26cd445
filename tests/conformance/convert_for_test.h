// The conformance runner's use of the converter: the same import, default pass
// pipeline, metadata and bundle encoding as `qcomp convert` (whose steps live
// inline in run_convert_command, so they are called one by one here), split so an
// importer unsupported_op is told apart from later errors.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "import/onnx_importer.h"
#include "tools/model_metadata.h"

namespace qc::conformance {

struct ConvertedModel {
  ImportedModel imported;
  ModelDescription description;
};

// Throws qc::Error; Errc::unsupported_op means the model uses an op the IR lacks.
ConvertedModel import_for_test(const std::string& model_path);

// Runs the default pass pipeline of `qcomp convert` (no quantization).
void run_convert_passes_for_test(ConvertedModel& model);

// The bundle bytes `qcomp convert` would write for the model.
std::vector<uint8_t> encode_for_test(ConvertedModel& model);

}  // namespace qc::conformance
