// load_model_for_eval: a .qcb (by magic or extension) read in place, or an .onnx imported and optimized
// with the default passes (the same pipeline `qcomp convert` runs before writing).
#include <cstring>
#include <filesystem>

#include "common/aligned_buffer.h"
#include "common/error.h"
#include "eval/evaluate.h"
#include "format/bundle.h"
#include "format/bundle_layout.h"
#include "import/onnx_importer.h"
#include "passes/builtin_passes.h"
#include "tools/file_io.h"

namespace qc {

struct LoadedModel::Storage {
  AlignedBuffer bytes;  // the bundle file; the graph's constants point into it
  Bundle bundle;
  Graph graph;          // an imported ONNX model
};

LoadedModel::LoadedModel() = default;
LoadedModel::~LoadedModel() = default;
LoadedModel::LoadedModel(LoadedModel&&) noexcept = default;
LoadedModel& LoadedModel::operator=(LoadedModel&&) noexcept = default;

const Graph& LoadedModel::graph() const {
  if (!storage_) fail(Errc::internal, "LoadedModel used before load_model_for_eval");
  return from_bundle ? storage_->bundle.graph : storage_->graph;
}

LoadedModel load_model_for_eval(const std::string& path) {
  LoadedModel m;
  m.path = path;
  m.storage_ = std::make_unique<LoadedModel::Storage>();
  namespace fs = std::filesystem;
  AlignedBuffer buf = read_file_aligned(path);
  const bool has_magic = buf.size() >= sizeof(bundle::kMagic) &&
                         std::memcmp(buf.data(), bundle::kMagic, sizeof(bundle::kMagic)) == 0;
  if (has_magic || fs::path(path).extension() == ".qcb") {
    m.from_bundle = true;
    m.storage_->bytes = std::move(buf);
    try {
      m.storage_->bundle = read_bundle({m.storage_->bytes.data(), m.storage_->bytes.size()});
    } catch (const Error& e) {
      fail(e.code(), path + ": " + e.what());
    }
    m.metadata_json = m.storage_->bundle.metadata_json;
    return m;
  }
  const std::string dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path().string() : ".";
  ImportedModel imported = import_onnx_model_bytes({buf.data(), buf.size()}, path, dir);
  make_pass_manager("default").run(imported.graph);
  if (imported.graph.name.empty()) imported.graph.name = fs::path(path).stem().string();
  m.storage_->graph = std::move(imported.graph);
  return m;
}

}  // namespace qc
