// The conformance runner's use of the converter: the same import, default pass
// pipeline and metadata as `qcomp convert` (whose steps live inline in
// run_convert_command, so they are called one by one here), split so an importer
// unsupported_op is told apart from later errors.
#pragma once
#include <string>

#include "import/onnx_importer.h"

namespace qc::conformance {

struct ConvertedModel {
  ImportedModel imported;
  std::string source_path;
  std::string metadata_json;
};

// Throws qc::Error; Errc::unsupported_op means the model uses an op the IR lacks.
ConvertedModel import_for_test(const std::string& model_path);

// Runs the default pass pipeline of `qcomp convert` and fills metadata_json.
void run_convert_passes_for_test(ConvertedModel& model);

}  // namespace qc::conformance
