#include "convert_for_test.h"

#include <filesystem>

#include "passes/builtin_passes.h"
#include "tools/model_metadata.h"

namespace qc::conformance {

ConvertedModel import_for_test(const std::string& model_path) {
  ConvertedModel m;
  m.source_path = model_path;
  m.imported = import_onnx_model_file(model_path);
  return m;
}

void run_convert_passes_for_test(ConvertedModel& model) {
  Graph& g = model.imported.graph;
  make_pass_manager(kDefaultPassSpec).run(g);
  const std::filesystem::path src(model.source_path);
  ModelDescription d;
  d.name = src.parent_path().filename().string();  // the test's name
  d.source_file = src.filename().string();
  d.opset = model.imported.opset;
  d.producer = model.imported.producer;
  std::error_code ec;
  const auto size = std::filesystem::file_size(src, ec);
  d.onnx_bytes = ec ? 0 : size;
  g.name = d.name;
  model.metadata_json = build_metadata(g, d).dump();
}

}  // namespace qc::conformance
