#include "convert_for_test.h"

#include <filesystem>

#include "passes/builtin_passes.h"
#include "tools/bundle_output.h"

namespace qc::conformance {

ConvertedModel import_for_test(const std::string& model_path) {
  const std::filesystem::path src(model_path);
  ConvertedModel m;
  m.imported = import_onnx_model_file(model_path);
  ModelDescription& d = m.description;
  d.name = src.parent_path().filename().string();  // the test's name
  d.source_file = src.filename().string();
  d.opset = m.imported.opset;
  d.producer = m.imported.producer;
  std::error_code ec;
  const auto size = std::filesystem::file_size(src, ec);
  d.onnx_bytes = ec ? 0 : size;
  return m;
}

void run_convert_passes_for_test(ConvertedModel& model) {
  make_pass_manager(kDefaultPassSpec).run(model.imported.graph);
  model.imported.graph.name = model.description.name;
}

std::vector<uint8_t> encode_for_test(ConvertedModel& model) {
  return encode_bundle(model.imported.graph, model.description);
}

}  // namespace qc::conformance
